package dialtone.media;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Where webrtc-java's native calls run (but stats requests, on {@link StatsSampler}'s two threads, and the close, on
 * a {@code media-close} thread with a watchdog): never on a UA loop (a native call that blocks must not stop SIP), never on
 * one of libwebrtc's own callback threads (a call from there that waits for the signalling thread deadlocks). A
 * pool of daemon threads that grows with what is in flight and shrinks when idle; one stuck call costs one thread.
 */
public final class NativeOps {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 20, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "media-op-" + COUNTER.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    private NativeOps() {
    }

    public static Executor executor() {
        return POOL;
    }

    static <T> CompletableFuture<T> supply(Supplier<T> step) {
        return CompletableFuture.supplyAsync(step, POOL);
    }

    static CompletableFuture<Void> run(Runnable step) {
        return CompletableFuture.runAsync(step, POOL);
    }

    /** Threads the pool holds now (busy or idle). */
    public static int threads() {
        return POOL.getPoolSize();
    }
}
