package dialtone.serve;

import dialtone.report.Redactor;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One probe: the module's subcommand run as a child process of the same dialtone installation, its JSON lines
 * folded into a {@link ProbeRun} as they arrive, stopped at its deadline. A far end that hangs, floods or crashes
 * holds or kills this child only. What is kept is bounded: each line at {@value #MAX_LINE} characters, the debug
 * log at {@value #MAX_LOG} characters, stderr at {@value #MAX_ERR}.
 */
public final class ChildProbe {
    static final int MAX_LINE = 64 * 1024;
    static final int MAX_LOG = 256 * 1024;
    static final int MAX_ERR = 16 * 1024;
    /** How long a stopped child has between SIGTERM and SIGKILL (its teardown: unREGISTER, BYE). */
    static final long GRACE_MS = 1500;

    /** How the child was run and what it said. */
    public record Result(ProbeRun run, ProbeRun.Verdict verdict, boolean timedOut, double wallSeconds, List<String> log,
                         String stderr, List<String> commandLine) {
    }

    private ChildProbe() {
    }

    /**
     * Runs the child and waits for it, at most until {@code deadlineNanos} (System.nanoTime()): then it gets SIGTERM
     * (its run.finished still comes, with what it measured) and, {@link #GRACE_MS} later or at the deadline,
     * SIGKILL for its whole process tree.
     *
     * @param launcher the command that runs dialtone (the launcher, or java with its options and -jar)
     */
    public static Result run(List<String> launcher, ServeConfig.Module module, String target, Map<String, String> env,
                             Redactor redactor, long deadlineNanos) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(launcher);
        List<String> args = module.childArgs(target);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("NO_COLOR", "1");
        if (module.endpointEnv() != null) {
            pb.environment().put("DIALTONE_ENDPOINT", env.get(module.endpointEnv()));
        }
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        long start = System.nanoTime();
        Process p = pb.start();
        ProbeOutput o = new ProbeOutput(module.command(), redactor);
        Thread out = reader("probe-out-" + p.pid(), p.getInputStream(), o::out);
        Thread errT = reader("probe-err-" + p.pid(), p.getErrorStream(), o::err);
        boolean timedOut = false;
        long termAt = deadlineNanos - TimeUnit.MILLISECONDS.toNanos(Math.min(GRACE_MS, Math.max(0, (deadlineNanos - start) / 4_000_000)));
        if (!p.waitFor(Math.max(0, termAt - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            timedOut = true;
            signal(p, false);
            if (!p.waitFor(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                signal(p, true);
                p.waitFor(2, TimeUnit.SECONDS);
            }
        }
        // the readers end at the pipes' end of file; a grandchild that kept a pipe open was killed with the tree
        out.join(1000);
        errT.join(200);
        if (out.isAlive() || errT.isAlive()) {
            signal(p, true);
            p.getInputStream().close();
            p.getErrorStream().close();
        }
        Integer exit = p.isAlive() ? null : p.exitValue();
        double wall = (System.nanoTime() - start) / 1e9;
        ProbeRun run = o.run;
        ProbeRun.Verdict v;
        synchronized (run) {
            v = run.verdict(timedOut ? null : exit, timedOut);
            if (timedOut && exit != null) {
                v = new ProbeRun.Verdict(false, exit, v.layer(), v.cause(), v.message());
            }
        }
        return new Result(run, v, timedOut, wall, o.log(), o.stderr(), List.copyOf(args));
    }

    /** SIGTERM (or SIGKILL) to the child and every process below it (the launcher's JVM). */
    static void signal(Process p, boolean kill) {
        List<ProcessHandle> tree = new ArrayList<>();
        p.toHandle().descendants().forEach(tree::add);
        for (ProcessHandle h : tree) {
            if (kill) {
                h.destroyForcibly();
            } else {
                h.destroy();
            }
        }
        if (kill) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
    }

    interface LineSink {
        void line(String s);
    }

    /** Reads lines of at most {@link #MAX_LINE} characters (longer ones are cut), on a daemon thread. */
    static Thread reader(String name, InputStream in, LineSink sink) {
        Thread t = new Thread(() -> {
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                StringBuilder sb = new StringBuilder();
                boolean cut = false;
                char[] buf = new char[8192];
                int n;
                while ((n = r.read(buf)) > 0) {
                    for (int i = 0; i < n; i++) {
                        char c = buf[i];
                        if (c == '\n') {
                            sink.line(sb.toString());
                            sb.setLength(0);
                            cut = false;
                        } else if (sb.length() < MAX_LINE) {
                            sb.append(c);
                        } else if (!cut) {
                            cut = true;
                        }
                    }
                }
                if (sb.length() > 0) {
                    sink.line(sb.toString());
                }
            } catch (IOException ignored) {
                // the child is gone
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
