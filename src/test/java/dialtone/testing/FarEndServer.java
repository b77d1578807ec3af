package dialtone.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A hostile SIP server of the test's own (scripts/hostile/server.js with its node-webrtc far ends) on a free port: this
 * checkout's far ends, not whatever version the shared lab runs, and a process the test may pause (SIGSTOP) without
 * touching anyone else's. Media goes through the lab's coturn, as with the lab's instance.
 */
public final class FarEndServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private FarEndServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static FarEndServer start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path repo = Lab.repo();
        Path log = Files.createTempFile("farend-server", ".log");
        ProcessBuilder pb = new ProcessBuilder("node", repo.resolve("scripts/hostile/server.js").toString(), Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        for (String k : new String[] {"LAB_TURN_PORT", "LAB_TURN_USER", "LAB_TURN_PASSWORD"}) {
            env.put(k, Lab.get(k));
        }
        Path modules = repo.resolve("scripts/hostile/node_modules");
        Path shared = Path.of("/work/main/scripts/hostile/node_modules");
        if (!Files.isDirectory(modules) && Files.isDirectory(shared)) {
            env.put("NODE_PATH", shared.toString());
        }
        Process p = pb.start();
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return new FarEndServer(p, port, log);
            } catch (IOException e) {
                if (!p.isAlive()) {
                    break;
                }
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("the far-end server did not start: " + Files.readString(log));
    }

    public String ws(String mode) {
        return "ws://127.0.0.1:" + port + "/" + mode;
    }

    public long pid() {
        return process.pid();
    }

    /** Pauses (true) or resumes the far end's process; returns System.nanoTime() right after the signal was sent. */
    public long pause(boolean stop) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", stop ? "-STOP" : "-CONT", Long.toString(process.pid())).start();
        k.waitFor(5, TimeUnit.SECONDS);
        return System.nanoTime();
    }

    @Override
    public void close() throws Exception {
        try {
            pause(false);
        } catch (IOException e) {
            // gone already
        }
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }
}
