package dialtone.testing;

import dialtone.support.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A scheduler for tests: runs tasks inline, and timers only when {@link #advance} moves time past them. */
public final class ManualScheduler implements Scheduler {
    private Instant now = Instant.parse("2026-11-28T12:00:00Z");
    private final List<Timer> timers = new ArrayList<>();
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
        task.run();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Timer t = new Timer(now.plus(delay), task);
        timers.add(t);
        return t;
    }

    @Override
    public void assertOnLoop() {
    }

    /** Moves time forward, running every timer that falls due, in order. */
    public void advance(Duration d) {
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
        }
        now = end;
    }

    public long pending() {
        return timers.stream().filter(t -> !t.cancelled).count();
    }
}
