package dialtone.support;

import java.time.Duration;
import java.time.Instant;

/**
 * Time and deferred work for one user agent, injected so tests drive timers without sleeping
 * ({@code ManualScheduler} in the tests; {@link UaLoop} in the product).
 */
public interface Scheduler {
    /** Wall-clock time, for events. */
    Instant now();

    /** Runs {@code task} on the loop as soon as possible. */
    void execute(Runnable task);

    /** Runs {@code task} on the loop after {@code delay}; the handle cancels it. */
    Cancellable schedule(Duration delay, Runnable task);

    /** Throws unless called on the loop thread (state is confined to it). */
    void assertOnLoop();

    interface Cancellable {
        void cancel();
    }
}
