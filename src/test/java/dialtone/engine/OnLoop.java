package dialtone.engine;

import dialtone.support.UaLoop;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a step on a real UA loop from a test's thread and waits for its result (5 s at most). */
final class OnLoop {
    private OnLoop() {
    }

    static <T> T call(UaLoop loop, Callable<T> c) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(5, TimeUnit.SECONDS);
    }
}
