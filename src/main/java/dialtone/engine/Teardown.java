package dialtone.engine;

import dialtone.sip.ua.Registration;
import dialtone.sip.ua.UserAgent;
import dialtone.support.UaLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The end of every scenario, bounded: REGISTER expires 0 (if registered), close the socket, end the loop. */
final class Teardown {
    private Teardown() {
    }

    static void unregisterAndClose(UaLoop loop, UserAgent ua, Registration reg) {
        CompletableFuture<Void> unregistered = new CompletableFuture<>();
        loop.execute(() -> {
            if (reg != null) {
                reg.unregister(() -> unregistered.complete(null));
            } else {
                unregistered.complete(null);
            }
        });
        // after Ctrl-C or SIGTERM the user wants out: a server slow to answer the unREGISTER gets 0.8 s, not 5
        await(unregistered, dialtone.support.Signals.stopping() ? 800 : 5000);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        loop.execute(() -> {
            ua.stop();
            closed.complete(null);
        });
        await(closed, 1000);
        try {
            Thread.sleep(120); // lets the close frame and its event go out before the loop ends
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.close();
    }

    private static void await(CompletableFuture<Void> f, long ms) {
        try {
            f.get(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // went on without the answer: the registration expires on its own
        }
    }
}
