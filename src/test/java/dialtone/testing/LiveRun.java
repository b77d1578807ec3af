package dialtone.testing;

import dialtone.cli.Dialtone;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs dialtone in-process on another thread, so a test can act while it runs and watch its output grow. */
public final class LiveRun {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Integer> rc;

    private LiveRun(Map<String, String> env, String... args) {
        rc = CompletableFuture.supplyAsync(() -> Dialtone.execute(args, out, err, new HashMap<>(env), false));
    }

    public static LiveRun start(Map<String, String> env, String... args) {
        return new LiveRun(env, args);
    }

    public String out() {
        return out.toString();
    }

    /** Waits until stdout contains {@code text}. */
    public boolean await(String text, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (out.toString().contains(text)) {
                return true;
            }
            if (rc.isDone()) {
                return out.toString().contains(text);
            }
            Thread.sleep(50);
        }
        return false;
    }

    public CliRun finish(Duration max) throws Exception {
        int code = rc.get(max.toMillis(), TimeUnit.MILLISECONDS);
        return new CliRun(code, out.toString(), err.toString());
    }
}
