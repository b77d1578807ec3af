package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.testing.JarRun;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output files of the real process (the launcher, its signal forwarding, the stop watchdog): whatever way a run ends,
 * no temporary file is left beside the outputs.
 */
class OutputFilesIT {
    @TempDir
    Path dir;

    /** Only what the run itself names may be in the directory: no {@code *.tmp}, hidden or not. */
    List<String> temporaries() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).sorted().toList();
        }
    }

    @Test
    void aSigtermWhileTheServerNeverAnswersLeavesNoTemporaryFile() throws Exception {
        // a WebSocket server that accepts the connection and never answers the upgrade: the run is stuck in it
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread holder = new Thread(() -> {
                try (Socket s = server.accept()) {
                    Thread.sleep(60_000);
                } catch (Exception e) {
                    // the test is over
                }
            }, "silent-server");
            holder.setDaemon(true);
            holder.start();
            JarRun r = JarRun.start(dir, "register", Map.of("PW", "x"), "register", "--ws-uri",
                    "ws://127.0.0.1:" + server.getLocalPort(), "--allow-ws", "--user", "a", "--password-env", "PW",
                    "--duration", "30s", "--junit", dir.resolve("j.xml").toString(), "--report",
                    dir.resolve("r.html").toString(), "--pcap", dir.resolve("c.pcapng").toString());
            assertTrue(r.await("connecting to ws://", Duration.ofSeconds(30)), r.toString());
            Thread.sleep(500);
            r.signal("TERM");
            assertEquals(143, r.waitFor(Duration.ofSeconds(30)), r.toString());
            assertEquals(List.of(), temporaries(), "no temporary file after SIGTERM");
            holder.interrupt();
        }
    }
}
