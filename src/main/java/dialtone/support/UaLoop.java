package dialtone.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The single thread that owns one user agent's state (transport state, transactions, dialogs, registration,
 * timers), after pion/ice's taskloop and JsSIP's single-threaded JavaScript. Foreign threads (Tyrus, WebRTC) only
 * {@link #execute} onto it. Every task runs inside a guard: an exception is reported through {@code onBug} instead
 * of vanishing into a future nobody reads.
 */
public final class UaLoop implements Scheduler, AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final ScheduledThreadPoolExecutor exec;
    private final Clock clock;
    private final Consumer<Throwable> onBug;
    private volatile Thread thread;

    public UaLoop(Clock clock, Consumer<Throwable> onBug) {
        this.clock = clock;
        this.onBug = onBug;
        String name = "ua-" + COUNTER.incrementAndGet();
        this.exec = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        exec.setRemoveOnCancelPolicy(true);
        exec.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public void execute(Runnable task) {
        if (!exec.isShutdown()) {
            exec.execute(guard(task));
        }
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        if (exec.isShutdown()) {
            return () -> { };
        }
        ScheduledFuture<?> f = exec.schedule(guard(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void assertOnLoop() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("must run on the UA loop, not on " + Thread.currentThread().getName());
        }
    }

    public boolean onLoop() {
        return Thread.currentThread() == thread;
    }

    /** Closed: it takes no task any more. */
    public boolean closed() {
        return exec.isShutdown();
    }

    private Runnable guard(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                onBug.accept(t);
            }
        };
    }

    @Override
    public void close() {
        exec.shutdownNow();
    }
}
