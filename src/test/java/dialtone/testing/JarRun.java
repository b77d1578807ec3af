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
        String jar = System.getProperty("dialtone.jar");
        List<String> cmd = new ArrayList<>(List.of("java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar));
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

    public long pid() {
        return process.pid();
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
