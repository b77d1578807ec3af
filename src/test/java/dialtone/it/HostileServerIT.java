package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.cli.ExitCodes;
import dialtone.testing.JarRun;
import dialtone.testing.Lab;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * dialtone against a SIP-over-WebSocket server that misbehaves (scripts/hostile/server.js, Node ws): every case
 * ends with a clear one-line error, the documented exit code, within a bounded time, with all output flushed (the
 * last JSON line is run.finished), and never a stack trace.
 */
class HostileServerIT {
    @TempDir
    Path dir;

    static String ws(String mode) {
        return "ws://127.0.0.1:" + Lab.get("LAB_HOSTILE_PORT") + "/" + mode;
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "register | garbage           | 5 | no answer to REGISTER",
        "register | huge              | 4 | larger than 256 KiB",
        "register | drip              | 5 | no answer to REGISTER",
        "register | badcl             | 5 | no answer to REGISTER",
        "register | headers           | 5 | no answer to REGISTER",
        "register | close-on-register | 4 | WebSocket closed (closed 1011 going away)",
        "register | silent            | 5 | no answer to REGISTER",
        "register | bye-unknown       | 0 | ",
        "register | refer-out         | 0 | ",
        "call     | no-sdp            | 6 | no audio m-line",
        "call     | bad-sdp           | 6 | no audio m-line",
        "call     | plain-rtp         | 6 | not DTLS-SRTP",
        "call     | endless-1xx       | 6 | no answer within 2 s",
        "call     | close-mid-invite  | 4 | was lost",
        "call     | silent            | 5 | no answer to REGISTER",
    })
    void aClearErrorTheRightCodeInBoundedTime(String command, String mode, int code, String message) throws Exception {
        List<String> a = new ArrayList<>(List.of(command));
        if (command.equals("call")) {
            a.add("sip:bot@hostile.invalid");
        }
        a.addAll(List.of("--ws-uri", ws(mode), "--allow-ws", "--user", "alice", "--realm", "hostile.invalid",
                "--request-timeout", "3s", "--json"));
        if (command.equals("register")) {
            a.addAll(List.of("--duration", "2s"));
        } else {
            a.addAll(List.of("--setup-timeout", "2s", "--duration", "2s"));
        }
        long t0 = System.nanoTime();
        JarRun r = JarRun.start(dir, mode, Map.of(), a.toArray(new String[0]));
        int rc = r.waitFor(Duration.ofSeconds(40));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(code, rc, r.toString());
        assertTrue(ms < 25_000, "took " + ms + " ms");
        String[] lines = r.out().strip().split("\n");
        assertTrue(lines[lines.length - 1].startsWith("{\"type\":\"run.finished\""), "output flushed: " + r);
        String err = r.err();
        assertTrue(!err.contains("\tat ") && !err.contains("Exception"), "no stack trace: " + err);
        if (message != null && !message.isBlank()) {
            assertEquals(1, err.strip().lines().count(), "one line: " + err);
            assertTrue(err.contains(message.strip()), err);
        }
        if (mode.equals("garbage") || mode.equals("badcl") || mode.equals("headers")) {
            assertTrue(r.out().contains("\"type\":\"sip.unparseable\""), r.out());
        }
        if (mode.equals("bye-unknown") || mode.equals("refer-out")) {
            assertTrue(r.out().contains("\"status\":481"), r.out());
        }
        if (mode.equals("endless-1xx")) {
            assertTrue(r.out().contains("CANCEL"), r.out());
        }
    }
}
