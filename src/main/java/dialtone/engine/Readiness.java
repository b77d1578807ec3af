package dialtone.engine;

import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The one readiness policy of every scenario that opens a {@link Session} (call, register, load's shared connection,
 * probe's wss check): wait for {@link Session#ready()} (connected, and registered where the profile registers on
 * connect) at most {@link #timeout}, ending early when {@code stop} is counted down. Each scenario words the outcome.
 */
final class Readiness {
    private Readiness() {
    }

    /**
     * The rule: the WebSocket handshake timeout, plus two SIP request timeouts (a REGISTER and its answer to a
     * digest challenge), plus 5 s for name resolution and the TCP and TLS set-up before the handshake. With the
     * defaults of call (10 s, 32 s) that is 79 s; a request timeout of 5 s makes it 25 s.
     */
    static Duration timeout(Session.Options o) {
        return o.handshakeTimeout().plus(o.requestTimeout().multipliedBy(2)).plusSeconds(5);
    }

    /**
     * Waits at most {@code max} for {@code ready}: null once ready, the session's failure when that came first,
     * {@code timedOut} (given the whole seconds waited) when nothing came, {@code stopped} when {@code stop} (may be
     * null: no early end) was counted down first. Each scenario words its own timeout.
     */
    static Failure await(CompletableFuture<Failure> ready, Duration max, CountDownLatch stop,
                         LongFunction<Failure> timedOut, Supplier<Failure> stopped) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return timedOut.apply(max.toSeconds());
            }
            try {
                return ready.get(stop == null ? left : Math.min(left, 20_000_000L), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (stop != null && stop.getCount() == 0) {
                    return stopped.get();
                }
            } catch (ExecutionException e) {
                return Failure.of(Layer.INTERNAL, Cause.INTERNAL_ERROR, "registration failed: " + e.getCause());
            }
        }
    }
}
