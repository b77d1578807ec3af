package dialtone.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged dialtone jar as a separate process (calls need one process per side: one audio module each). */
public final class JarRun {
    private final Process process;
    private final Path out;
    private final Path err;

    private JarRun(Process p, Path out, Path err) {
        this.process = p;
        this.out = out;
        this.err = err;
    }

    public static JarRun start(Path dir, String name, Map<String, String> env, String... args) throws IOException {
        return startUnder(List.of(), dir, name, env, args);
    }

    /** The same, run under {@code wrapper} (e.g. {@code taskset -c 0 nice -n 10}: commands that exec what follows). */
    public static JarRun startUnder(List<String> wrapper, Path dir, String name, Map<String, String> env, String... args)
            throws IOException {
        // the launcher, as a user runs it: its JVM options, its signal forwarding and its crash handling
        Path launcher = Path.of(System.getProperty("dialtone.jar")).toAbsolutePath().getParent().getParent().resolve("dialtone");
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.add(launcher.toString());
        cmd.addAll(List.of(args));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        return new JarRun(pb.start(), out, err);
    }

    public String out() throws IOException {
        return Files.readString(out);
    }

    public String err() throws IOException {
        return Files.readString(err);
    }

    public boolean await(String text, Duration max) throws Exception {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (out().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                return out().contains(text);
            }
            Thread.sleep(50);
        }
        return false;
    }

    public int waitFor(Duration max) throws Exception {
        if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("dialtone did not finish within " + max + "\n" + out() + "\n" + err());
        }
        return process.exitValue();
    }

    /** The exit code once it has ended within {@code max}, else null (it keeps running). */
    public Integer poll(Duration max) throws InterruptedException {
        return process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    public long pid() {
        return process.pid();
    }

    /** The JVM's pid (the launcher's child), for measurements of the process that does the work. */
    public long jvmPid() throws IOException {
        Path children = Path.of("/proc", Long.toString(process.pid()), "task", Long.toString(process.pid()), "children");
        String c = Files.exists(children) ? Files.readString(children).strip() : "";
        return c.isEmpty() ? process.pid() : Long.parseLong(c.split("\\s+")[0]);
    }

    /** The JVM's resident memory in kB (VmRSS), or -1 when it has ended. */
    public long rssKb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(jvmPid()), "status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    public void signal(String sig) throws Exception {
        new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start().waitFor();
    }

    @Override
    public String toString() {
        try {
            return "--- stdout\n" + out() + "--- stderr\n" + err();
        } catch (IOException e) {
            return e.toString();
        }
    }
}
