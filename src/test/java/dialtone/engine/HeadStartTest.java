package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A call's media opened while the configuration is fetched: a failure it reports before any call exists reaches the
 * call once it takes the head start, and a head start that no call took is released (media closed, loop stopped).
 */
class HeadStartTest {
    final FakeMedia media = new FakeMedia();
    final AtomicReference<Consumer<Failure>> mediaFailures = new AtomicReference<>();
    final CallMedia.Factory factory = (loop, publish, scenario, options, onFailure) -> {
        mediaFailures.set(onFailure);
        return CompletableFuture.completedFuture(media);
    };

    static CallScenario.Options options() {
        return new CallScenario.Options(null, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(5),
                Play.parse("silence", false), null, new dialtone.config.MediaSetup(List.of(), false, null, 0, 0, false, false, false), null, null,
                List.of(), 600,
                Duration.ofSeconds(30), CallScenario.InCall.none(), Duration.ofSeconds(5));
    }

    @Test
    void aFailureBeforeTheCallExistsReachesItWhenItTakesOver() throws Exception {
        CallScenario.HeadStart head = CallScenario.headStart(e -> { }, Clock.systemUTC(), "t", options(), factory);
        Failure f = Failure.of(Layer.MEDIA, Cause.INTERNAL_ERROR, "the media engine stopped answering");
        mediaFailures.get().accept(f);
        List<Failure> got = new ArrayList<>();
        head.bind(got::add);
        assertEquals(List.of(f), got);
        head.close(); // taken: the call owns the media and the loop now
        assertFalse(media.did.contains("close"), media.did.toString());
        head.loop.close();
    }

    @Test
    void aHeadStartNoCallTookIsReleased() throws Exception {
        CallScenario.HeadStart head = CallScenario.headStart(e -> { }, Clock.systemUTC(), "t", options(), factory);
        CountDownLatch ran = new CountDownLatch(1);
        head.loop.execute(ran::countDown);
        assertTrue(ran.await(5, TimeUnit.SECONDS), "the loop runs before the close");
        head.close();
        media.closed.get(5, TimeUnit.SECONDS); // the media is released (on a thread of its own)
        assertTrue(media.did.contains("close"), media.did.toString());
        assertTrue(head.loop.closed(), "the loop is stopped: it takes no task any more");
    }
}
