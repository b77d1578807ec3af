package dialtone.testing;

import dialtone.support.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A scheduler for tests, with a loop thread of its own as the real {@link dialtone.support.UaLoop} has: the thread
 * that made it (the test's) is the loop. Tasks posted on it run inline; tasks posted from any other thread wait in a
 * queue until the loop thread runs them ({@link #runPosted}, {@link #advance}, {@link #await}); timers run only when
 * {@link #advance} moves time past them. {@link #assertOnLoop} fails off the loop thread, as UaLoop's does.
 */
public final class ManualScheduler implements Scheduler {
    private final Thread loopThread = Thread.currentThread();
    private Instant now = Instant.parse("2026-11-28T12:00:00Z");
    private final List<Timer> timers = new ArrayList<>();
    private final Queue<Runnable> posted = new ConcurrentLinkedQueue<>();
    private long seq;

    private final class Timer implements Cancellable {
        final Instant due;
        final long order = seq++;
        final Runnable task;
        boolean cancelled;

        Timer(Instant due, Runnable task) {
            this.due = due;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public void execute(Runnable task) {
        if (onLoop()) {
            task.run();
        } else {
            posted.add(task);
        }
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        assertOnLoop();
        Timer t = new Timer(now.plus(delay), task);
        timers.add(t);
        return t;
    }

    @Override
    public void assertOnLoop() {
        if (!onLoop()) {
            throw new AssertionError("must run on the loop thread (" + loopThread.getName() + "), not on "
                    + Thread.currentThread().getName());
        }
    }

    public boolean onLoop() {
        return Thread.currentThread() == loopThread;
    }

    /** Runs the tasks other threads posted, in order (and those they post in turn); returns how many ran. */
    public int runPosted() {
        assertOnLoop();
        int n = 0;
        Runnable r;
        while ((r = posted.poll()) != null) {
            r.run();
            n++;
        }
        return n;
    }

    /** Moves time forward, running every timer that falls due, in order (and what other threads posted). */
    public void advance(Duration d) {
        assertOnLoop();
        runPosted();
        Instant end = now.plus(d);
        while (true) {
            Timer next = timers.stream().filter(t -> !t.cancelled && !t.due.isAfter(end))
                    .min(Comparator.comparing((Timer t) -> t.due).thenComparingLong(t -> t.order)).orElse(null);
            if (next == null) {
                break;
            }
            timers.remove(next);
            now = next.due;
            next.task.run();
            runPosted();
        }
        now = end;
    }

    /**
     * Waits (real time, at most {@code max}) for {@code f}, running what other threads post meanwhile: the loop turns
     * while the test waits, as the real one would. Time does not move.
     */
    public <T> T await(CompletableFuture<T> f, Duration max) throws ExecutionException, TimeoutException, InterruptedException {
        assertOnLoop();
        long end = System.nanoTime() + max.toNanos();
        while (true) {
            runPosted();
            if (f.isDone()) {
                return f.get();
            }
            if (System.nanoTime() > end) {
                throw new TimeoutException("not done within " + max);
            }
            Thread.sleep(1);
        }
    }

    public long pending() {
        return timers.stream().filter(t -> !t.cancelled).count();
    }
}
