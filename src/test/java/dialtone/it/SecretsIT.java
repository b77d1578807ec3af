package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.testing.JarRun;
import dialtone.testing.Lab;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every subcommand, through success and failure, with every output on (JSON lines, JUnit XML, SIP trace, -v,
 * recordings): no SIP password, TURN credential or URL token may appear anywhere it writes, in any encoding.
 */
class SecretsIT {
    @TempDir
    Path dir;

    final Map<String, String> env = Map.of("DIALTONE_ENDPOINT", Lab.legacyUrl(), "ALICE_PW", Lab.get("LAB_ALICE_PASSWORD"),
            "BOB_PW", Lab.get("LAB_BOB_PASSWORD"), "TP", Lab.get("LAB_TURN_PASSWORD"), "TS", Lab.get("LAB_TURN_SECRET"),
            "BAD", "Wrong-Pa55-but-still-secret");
    int n;

    JarRun run(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("-v", "--junit", dir.resolve("junit-" + (++n) + ".xml").toString(), "--report",
                dir.resolve("report-" + n + ".html").toString(), "--pcap", dir.resolve("capture-" + n + ".pcapng").toString()));
        if (n % 2 == 0) {
            a.add("--pcap-unredacted"); // keeps what a server checks (digest response, STUN integrity), never a secret
        }
        JarRun r = JarRun.start(dir, "run-" + n, env, a.toArray(new String[0]));
        r.waitFor(Duration.ofSeconds(60));
        return r;
    }

    @Test
    void noSecretAnywhereInAnyOutput() throws Exception {
        String callee = "alice-" + Long.toHexString(System.nanoTime());
        JarRun answerer = JarRun.start(dir, "answerer", env, "register", "--ws-uri", Lab.wss(), "--user", "alice",
                "--user-id", "app-" + Lab.get("LAB_APP_SID"), "--realm", Lab.get("LAB_REALM"), "--password-env", "ALICE_PW",
                "--ca-file", Lab.ca(), "--ice-bind", "127.0.0.1", "--answer", "echo", "--duration", "60s", "--sip-trace",
                "--json", "--record-dir", dir.toString());
        assertTrue(answerer.await("registration.registered", Duration.ofSeconds(15)), answerer.toString());
        String turn = "turn:127.0.0.1:" + Lab.get("LAB_TURN_PORT");
        run("config", "--ca-file", Lab.ca(), "--json");
        run("config", "--endpoint", Lab.configUrl("error"), "--ca-file", Lab.ca(), "--json");
        run("config", "--ca-file", Lab.ca());
        run("register", "--ca-file", Lab.ca(), "--duration", "1s", "--sip-trace", "--json");
        run("register", "--ca-file", Lab.ca(), "--duration", "1s", "--sip-trace");
        run("register", "--ws-uri", Lab.wss(), "--user", "alice", "--realm", Lab.get("LAB_REALM"), "--password-env", "BAD",
                "--ca-file", Lab.ca(), "--duration", "1s", "--sip-trace", "--json");
        JarRun call = run("call", "--ca-file", Lab.ca(), "--ice-bind", "127.0.0.1", "--play", "tone:440", "--duration", "2s",
                "--sip-trace", "--json", "--record", dir.resolve("call.wav").toString(), "--ice-server", turn,
                "--turn-user", Lab.get("LAB_TURN_USER"), "--turn-password-env", "TP", "--info", "hello",
                "--info-data", "{\"k\":1}", "--dtmf", "12");
        assertEquals(0, exit(call), call.toString());
        run("call", "nobody-here", "--ws-uri", Lab.wss(), "--user", "bob", "--realm", Lab.get("LAB_REALM"),
                "--password-env", "BOB_PW", "--ca-file", Lab.ca(), "--ice-bind", "127.0.0.1", "--sip-trace");
        run("call", "--ca-file", Lab.ca(), "--ice-bind", "127.0.0.1", "--relay-only", "--ice-server", turn,
                "--turn-user", Lab.get("LAB_TURN_USER"), "--turn-password-env", "BAD", "--duration", "1s", "--json");
        run("probe", "--ca-file", Lab.ca(), "--ice-server", turn, "--turn-user", Lab.get("LAB_TURN_USER"),
                "--turn-password-env", "TP", "--register", "--json");
        run("probe", "--ice-server", "turn:127.0.0.1:" + Lab.get("LAB_TURN2_PORT"), "--turn-secret-env", "TS", "--json");
        run("probe", "--ca-file", Lab.ca(), "--ice-server", turn, "--turn-user", Lab.get("LAB_TURN_USER"),
                "--turn-password-env", "BAD", "--json");
        answerer.signal("TERM");
        answerer.waitFor(Duration.ofSeconds(15));
        List<String> secrets = new ArrayList<>(List.of(Lab.secrets()));
        secrets.add("Wrong-Pa55-but-still-secret");
        int files = 0;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                files++;
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String s : secrets) {
                    for (String form : List.of(s, s.replace("\"", "\\\""), java.net.URLEncoder.encode(s, StandardCharsets.UTF_8))) {
                        assertFalse(text.contains(form), "a secret is in " + f + ":\n" + (text.length() > 3000 ? text.substring(0, 3000) : text));
                    }
                }
            }
        }
        assertTrue(files >= 60, "outputs scanned: " + files);
    }

    private static int exit(JarRun r) throws Exception {
        return r.waitFor(Duration.ofSeconds(1));
    }
}
