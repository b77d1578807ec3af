package dialtone.cli;

import dialtone.support.Signals;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP for a long-running command. The signals are taken by handlers of our own (not
 * the JVM's, which would exit behind the command's back): a signal counts down {@link #stop}, the command does its
 * teardown (BYE or CANCEL, unREGISTER, media close, reporters drained) and returns 130, 143 or 129 itself.
 *
 * <p>Within a second, whatever the far end does: should the teardown not be over {@link #graceMillis()} after the
 * signal (300 ms; up to 2 s in a process with less than a core) (a server that never answers the CANCEL, a flood), the run's end is written without it (Runner's
 * {@link #onOverdue} hook: {@code run.finished} with the signal's code and every file, in at most
 * {@link Runner#OVERDUE_WRITE_MILLIS}) and the process ends with that code. A JVM shutdown that comes another way
 * (System.exit elsewhere) still runs the hook, which does the same, bounded by {@code waitSeconds}.
 */
final class StopSignal implements AutoCloseable {
    /** How long the teardown may take after a signal before the run's end is written without it, on a whole core. */
    static final long GRACE_MILLIS = 300;
    /** The most {@link #graceMillis()} gives a process with a small CPU quota. */
    static final long MAX_GRACE_MILLIS = 2000;
    private static volatile long grace = GRACE_MILLIS;

    /**
     * The grace of this process: {@link #GRACE_MILLIS} of one core's work, so longer in a process whose cgroup quota or
     * affinity gives it less than one core (300 ms at 0.15 core is 45 ms of CPU: a starved answerer could not write its
     * verdict in it), at most {@link #MAX_GRACE_MILLIS}.
     */
    static long graceMillis() {
        return grace;
    }

    static long graceFor(double coresAvailable) {
        return coresAvailable > 0 && coresAvailable < 1
                ? Math.min(MAX_GRACE_MILLIS, Math.round(GRACE_MILLIS / coresAvailable)) : GRACE_MILLIS;
    }

    final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private final long waitSeconds;
    /** Set by Runner while a run is going: writes the run's end now (bounded) when the teardown is overdue. */
    private static volatile java.util.function.BooleanSupplier overdue;

    StopSignal(long waitSeconds) {
        this.waitSeconds = waitSeconds;
        try {
            grace = graceFor(new dialtone.support.CpuMeter().coresAvailable());
        } catch (RuntimeException e) {
            grace = GRACE_MILLIS; // no /proc: a whole core assumed
        }
        hook = new Thread(() -> {
            stop.countDown();
            try {
                finished.await(waitSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dialtone-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            try {
                sun.misc.Signal sig = new sun.misc.Signal(name);
                previous.put(sig, sun.misc.Signal.handle(sig, s -> onSignal(name)));
            } catch (IllegalArgumentException e) {
                // the signal is in use by the JVM (e.g. with -Xrs): the shutdown hook still stops the command
            }
        }
    }

    /**
     * Runner's hook for an overdue teardown (null when no run is going): true when it wrote the run's end, false when
     * the run was already ending on its own.
     */
    static void onOverdue(java.util.function.BooleanSupplier r) {
        overdue = r;
    }

    private final java.util.Map<sun.misc.Signal, sun.misc.SignalHandler> previous = new java.util.HashMap<>();

    private void onSignal(String name) {
        Signals.received(name);
        if (stop.getCount() == 0) {
            return;
        }
        stop.countDown();
        Thread watchdog = new Thread(() -> {
            try {
                if (finished.await(grace, TimeUnit.MILLISECONDS)) {
                    return;
                }
                java.util.function.BooleanSupplier r = overdue;
                // the run's end written here: end now; else the command is ending it itself and exits on its own
                if ((r == null || !r.getAsBoolean()) && finished.await(waitSeconds, TimeUnit.SECONDS)) {
                    return;
                }
                // everything dialtone says is written and flushed; libwebrtc's native threads print "Failed to attach
                // thread" to the standard streams while the process ends: close them first (as Main does)
                System.out.flush();
                System.err.flush();
                closeQuietly(java.io.FileDescriptor.out);
                closeQuietly(java.io.FileDescriptor.err);
                dialtone.support.OutputFile.discardAll(); // halt runs no shutdown hook: no temporary file left
                Runtime.getRuntime().halt(Signals.exitCode());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dialtone-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static void closeQuietly(java.io.FileDescriptor fd) {
        try {
            new java.io.FileOutputStream(fd).close();
        } catch (java.io.IOException e) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        finished.countDown();
        previous.forEach((sig, h) -> {
            try {
                sun.misc.Signal.handle(sig, h);
            } catch (IllegalArgumentException e) {
                // nothing to restore
            }
        });
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already: the hook is running
        }
    }
}
