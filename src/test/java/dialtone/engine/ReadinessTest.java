package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.media.MediaException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The one readiness policy, and the one placement function's refusals (no session, no native library needed). */
class ReadinessTest {
    static final Failure TIMED_OUT = Failure.of(Layer.REGISTRATION, Cause.REQUEST_TIMEOUT, "t");
    static final Failure STOPPED = Failure.of(Layer.INTERNAL, Cause.CANCELED, "s");

    @Test
    void theTimeoutRuleIsHandshakePlusTwoRequestsPlusFiveSeconds() {
        assertEquals(Duration.ofSeconds(79), Readiness.timeout(new Session.Options(Duration.ofSeconds(10), Duration.ZERO,
                600, Duration.ofSeconds(32), "ua", "")));
        assertEquals(Duration.ofSeconds(25), Readiness.timeout(new Session.Options(Duration.ofSeconds(10), Duration.ZERO,
                600, Duration.ofSeconds(5), "ua", "")));
    }

    @Test
    void readyFailedTimedOutAndStoppedAreTold() throws Exception {
        assertNull(Readiness.await(CompletableFuture.completedFuture(null), Duration.ofSeconds(1), null, s -> TIMED_OUT, null));
        Failure f = Failure.of(Layer.TRANSPORT, Cause.CONNECTION_ERROR, "refused");
        assertSame(f, Readiness.await(CompletableFuture.completedFuture(f), Duration.ofSeconds(1), null, s -> TIMED_OUT, null));
        long t0 = System.nanoTime();
        List<Long> said = new java.util.ArrayList<>();
        assertSame(TIMED_OUT, Readiness.await(new CompletableFuture<>(), Duration.ofMillis(1200), null, s -> {
            said.add(s);
            return TIMED_OUT;
        }, null));
        assertTrue(System.nanoTime() - t0 >= 1_200_000_000L);
        assertEquals(List.of(1L), said);
        CountDownLatch stop = new CountDownLatch(1);
        stop.countDown();
        assertSame(STOPPED, Readiness.await(new CompletableFuture<>(), Duration.ofSeconds(30), stop, s -> TIMED_OUT,
                () -> STOPPED));
        CompletableFuture<Failure> broken = new CompletableFuture<>();
        broken.completeExceptionally(new IllegalStateException("boom"));
        Failure b = Readiness.await(broken, Duration.ofSeconds(1), null, s -> TIMED_OUT, null);
        assertEquals(Layer.INTERNAL, b.layer());
        assertTrue(b.message().contains("boom"), b.message());
    }

    @Test
    void aCallWhoseMediaCannotStartIsNotPlaced() throws Exception {
        CompletableFuture<CallMedia> media = new CompletableFuture<>();
        media.completeExceptionally(new MediaException("cannot load the WebRTC native library: x"));
        Failure f = CallScenario.place(null, null, media, media.thenCompose(CallMedia::offer), "sip:a@b", "sip:c@b", List.of());
        assertEquals(Layer.CONFIG, f.layer());
        assertEquals(Cause.SETUP_FAILED, f.cause());
        assertEquals("cannot load the WebRTC native library: x", f.message());
    }
}
