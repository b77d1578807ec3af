package dialtone.cli;

import dialtone.support.Signals;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) and SIGTERM for a long-running command. The signals are taken by handlers of our own (not the
 * JVM's, which would exit 143 behind the command's back): a signal counts down {@link #stop}, the command does
 * its teardown (BYE or CANCEL, unREGISTER, media close, reporters drained) and returns 130 or 143 itself. Should the
 * teardown not finish within {@code waitSeconds}, a watchdog ends the process with that code. A JVM shutdown that
 * comes another way (System.exit elsewhere, SIGHUP) still runs the hook, which does the same, bounded.
 */
final class StopSignal implements AutoCloseable {
    final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private final long waitSeconds;

    StopSignal(long waitSeconds) {
        this.waitSeconds = waitSeconds;
        hook = new Thread(() -> {
            stop.countDown();
            try {
                finished.await(waitSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dialtone-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal sig = new sun.misc.Signal(name);
                previous.put(sig, sun.misc.Signal.handle(sig, s -> onSignal(name)));
            } catch (IllegalArgumentException e) {
                // the signal is in use by the JVM (e.g. with -Xrs): the shutdown hook still stops the command
            }
        }
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
                if (!finished.await(waitSeconds, TimeUnit.SECONDS)) {
                    dialtone.support.OutputFile.discardAll(); // halt runs no shutdown hook: no temporary file left
                    Runtime.getRuntime().halt(Signals.exitCode());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dialtone-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
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
