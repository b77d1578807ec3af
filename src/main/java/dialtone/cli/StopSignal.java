package dialtone.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C / SIGTERM for a long-running command: the JVM's shutdown hook counts down {@link #stop} and waits (bounded)
 * until the command has finished its teardown (BYE or CANCEL, unREGISTER, media close, reporters drained).
 */
final class StopSignal implements AutoCloseable {
    final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    StopSignal(long waitSeconds) {
        hook = new Thread(() -> {
            stop.countDown();
            try {
                finished.await(waitSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dialtone-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already: the hook is running
        }
    }
}
