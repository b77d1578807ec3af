package dialtone.serve;

import dialtone.report.Redactor;
import java.io.Writer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A {@code config} module run inside the exporter's JVM, not as a child: the same command line ({@code dialtone config
 * ... --json}, its flags parsed and its JSON lines written as a child's are), on a thread of its own. A configuration
 * fetch runs no native code, so a child buys no isolation there, and a child's JVM is cold: its fetch phases were
 * class loading and interpreted code (about 270 ms where blackbox_exporter sees 2.5 ms), not the network. Here the
 * fetch is timed at full precision in a warm JVM, phase by phase as blackbox_exporter times it.
 *
 * <p>Bounded as a child is: at {@link ChildProbe#GRACE_MS} before the deadline the run's thread is interrupted (the
 * fetch stops and {@code run.finished} says so), at the deadline the scrape is answered with what was measured. The
 * probe's slot is given back when the run's thread has ended, not before, so runs that outlive their scrape still
 * count against {@code --max-in-flight}.
 */
public final class InProcessProbe {
    private static final AtomicLong IDS = new AtomicLong();

    /** How dialtone's command line runs in this JVM (given by the CLI layer, which the exporter does not import). */
    public interface Runner {
        /**
         * Runs {@code dialtone ARGS} on the calling thread with this environment, its standard output and error to
         * these writers; returns its exit code. The configuration fetch's precise phases go to {@code phases}.
         */
        int run(List<String> args, Map<String, String> env, Writer out, Writer err, Consumer<ProbeRun.FetchPhases> phases);
    }

    private InProcessProbe() {
    }

    /** Whether a module's command runs in this JVM: {@code config} only (the others load libwebrtc). */
    public static boolean applies(ServeConfig.Module m) {
        return m.command().equals("config");
    }

    /**
     * Runs the module and waits for it, at most until {@code deadlineNanos}. {@code release} is run once, when the
     * run's thread has ended (also when it could not start).
     */
    public static ChildProbe.Result run(Runner runner, ServeConfig.Module module, String target, Map<String, String> env,
                                        Redactor redactor, long deadlineNanos, Runnable release) throws InterruptedException {
        List<String> args = module.childArgs(target);
        Map<String, String> e = new HashMap<>(env);
        e.put("NO_COLOR", "1");
        if (module.endpointEnv() != null && env.get(module.endpointEnv()) != null) {
            e.put("DIALTONE_ENDPOINT", env.get(module.endpointEnv()));
        }
        ProbeOutput o = new ProbeOutput(module.command(), redactor);
        AtomicInteger exit = new AtomicInteger(Integer.MIN_VALUE);
        long start = System.nanoTime();
        Thread w = new Thread(() -> {
            try (Writer out = ProbeOutput.lines(o::out); Writer err = ProbeOutput.lines(o::err)) {
                exit.set(runner.run(args, Map.copyOf(e), out, err, p -> {
                    synchronized (o.run) {
                        o.run.fetchPhases(p);
                    }
                }));
            } catch (Throwable t) {
                // the command line turns its failures into run.finished; anything else is said on its stderr
                o.err("dialtone: internal error: " + t.getClass().getSimpleName());
            } finally {
                release.run();
            }
        }, "probe-in-process-" + IDS.incrementAndGet());
        w.setDaemon(true);
        try {
            w.start();
        } catch (Throwable t) {
            release.run();
            throw t;
        }
        boolean timedOut = false;
        long termAt = deadlineNanos - TimeUnit.MILLISECONDS.toNanos(Math.min(ChildProbe.GRACE_MS, Math.max(0, (deadlineNanos - start) / 4_000_000)));
        TimeUnit.NANOSECONDS.timedJoin(w, Math.max(1, termAt - System.nanoTime()));
        if (w.isAlive()) {
            timedOut = true;
            w.interrupt();
            TimeUnit.NANOSECONDS.timedJoin(w, Math.max(1, deadlineNanos - System.nanoTime()));
        }
        Integer rc = w.isAlive() || exit.get() == Integer.MIN_VALUE ? null : exit.get();
        double wall = (System.nanoTime() - start) / 1e9;
        ProbeRun run = o.run;
        ProbeRun.Verdict v;
        synchronized (run) {
            v = run.verdict(timedOut ? null : rc, timedOut);
            if (timedOut && rc != null) {
                v = new ProbeRun.Verdict(false, rc, v.layer(), v.cause(), v.message());
            }
        }
        return new ChildProbe.Result(run, v, timedOut, wall, o.log(), o.stderr(), List.copyOf(args));
    }
}
