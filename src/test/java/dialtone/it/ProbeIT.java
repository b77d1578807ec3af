package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.cli.ExitCodes;
import dialtone.testing.CliRun;
import dialtone.testing.Lab;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code dialtone probe} against the lab's nginx, Kamailio and both coturn instances. */
class ProbeIT {
    static final Map<String, String> ENV = Map.of("TP", Lab.get("LAB_TURN_PASSWORD"), "TS", Lab.get("LAB_TURN_SECRET"),
            "BAD", "not-the-password");

    static String turn(String port) {
        return "turn:127.0.0.1:" + Lab.get(port);
    }

    static CliRun probe(String... args) {
        List<String> a = new ArrayList<>(List.of("probe"));
        a.addAll(List.of(args));
        return CliRun.run(ENV, a.toArray(new String[0]));
    }

    static void assertNoSecrets(String s) {
        for (String x : Lab.secrets()) {
            assertFalse(s.contains(x), "secret leaked: " + s);
        }
    }

    @Test
    void everythingGreenWithLongTermCredentials() {
        CliRun r = probe("--endpoint", Lab.legacyUrl(), "--ca-file", Lab.ca(), "--ice-server", turn("LAB_TURN_PORT"),
                "--ice-server", "turns:127.0.0.1:" + Lab.get("LAB_TURNS_PORT"), "--turn-user", Lab.get("LAB_TURN_USER"),
                "--turn-password-env", "TP", "--register", "--turns-insecure", "--json");
        assertEquals(0, r.rc(), r.toString());
        String o = r.out();
        assertTrue(o.contains("\"check\":\"ice\""), o);
        assertFalse(o.contains("\"passed\":false"), o);
        for (String check : List.of("\"check\":\"https\"", "\"check\":\"wss\"", "\"check\":\"stun\"", "\"transport\":\"udp\"",
                "\"transport\":\"tcp\"", "\"transport\":\"tls\"")) {
            assertTrue(o.contains(check), check + " in " + o);
        }
        assertTrue(o.contains("\"mediaWays\":[\"direct UDP\",\"TURN/UDP\",\"TURN/TCP\",\"TURNS\"]"), o);
        assertTrue(o.contains("\"echoLossPercent\":0.0"), o);
        assertTrue(o.contains("\"registered\":true"), o);
        assertNoSecrets(r.all());
    }

    @Test
    void restSharedSecretCredentials() {
        CliRun r = probe("--ice-server", turn("LAB_TURN2_PORT") + "?transport=udp", "--turn-secret-env", "TS");
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.out().contains("relay echo 20/20 back"), r.out());
        assertNoSecrets(r.all());
    }

    @Test
    void wrongTurnPasswordIsA401AndTheProbeExitCode() {
        CliRun r = probe("--ice-server", turn("LAB_TURN_PORT") + "?transport=udp", "--turn-user", Lab.get("LAB_TURN_USER"),
                "--turn-password-env", "BAD");
        assertEquals(ExitCodes.PROBE, r.rc(), r.toString());
        assertTrue(r.out().contains("allocation refused: 401"), r.out());
        assertTrue(r.out().contains("wrong TURN username or password"), r.out());
    }

    @Test
    void aTurnServerThatIsDownIsSeenAtOnceAndTheOthersAreReported() {
        long t0 = System.nanoTime();
        CliRun r = probe("--ice-server", "turn:127.0.0.1:19999?transport=udp", "--ice-server", turn("LAB_TURN_PORT")
                + "?transport=tcp", "--turn-user", Lab.get("LAB_TURN_USER"), "--turn-password-env", "TP", "--deadline", "4s",
                "--json");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(ExitCodes.PROBE, r.rc(), r.toString());
        assertTrue(ms < 5000, "within the deadline: " + ms + " ms");
        List<com.fasterxml.jackson.databind.JsonNode> ev = dialtone.testing.Events.parse(r.out());
        // a closed UDP port answers with ICMP at once: said in milliseconds, not at the deadline
        com.fasterxml.jackson.databind.JsonNode down = dialtone.testing.Events.of(ev, "probe.check",
                c -> c.path("check").asText().equals("turn") && c.path("transport").asText().equals("udp")).get(0);
        assertTrue(down.path("detail").asText().contains("port unreachable"), down.toString());
        assertTrue(down.path("ms").asLong() < 1000, down.toString());
        assertTrue(dialtone.testing.Events.of(ev, "probe.check", c -> c.path("check").asText().equals("turn")
                && c.path("transport").asText().equals("tcp")).get(0).path("passed").asBoolean(), r.out());
        assertTrue(dialtone.testing.Events.of(ev, "probe.check", c -> c.path("check").asText().equals("ice")
                && c.path("transport").asText().equals("udp")).get(0).path("detail").asText().startsWith("not tried"), r.out());
    }

    @Test
    void untrustedTlsIsATlsFailureNotACrash() {
        CliRun r = probe("--ice-server", "turns:127.0.0.1:" + Lab.get("LAB_TURNS_PORT"), "--turn-user",
                Lab.get("LAB_TURN_USER"), "--turn-password-env", "TP");
        assertEquals(ExitCodes.PROBE, r.rc(), r.toString());
        assertTrue(r.out().contains("TLS to 127.0.0.1:" + Lab.get("LAB_TURNS_PORT") + " failed: the server's certificate is not trusted"), r.out());
    }

    @Test
    void udpBlockedLeavesTcpAndTlsWorkingAndTurnRequired() {
        // UDP "blocked": the STUN server address is a closed UDP port; TURN over TCP and TLS still work
        CliRun r = probe("--ca-file", Lab.ca(), "--ice-server", "stun:127.0.0.1:19998", "--ice-server", turn("LAB_TURN_PORT")
                + "?transport=tcp", "--ice-server", "turns:127.0.0.1:" + Lab.get("LAB_TURNS_PORT"), "--turn-user",
                Lab.get("LAB_TURN_USER"), "--turn-password-env", "TP", "--deadline", "3s", "--json");
        assertEquals(ExitCodes.PROBE, r.rc(), r.toString());
        assertTrue(r.out().contains("\"mediaWays\":[\"TURN/TCP\",\"TURNS\"]"), r.out());
        assertTrue(r.out().contains("\"turnRequired\":true"), r.out());
        assertTrue(r.out().contains("\"firstBroken\":\"stun (127.0.0.1:19998 over udp)"), r.out());
    }

    @Test
    void twoStunServersTellTheMappingBehaviour() {
        CliRun r = probe("--ice-server", "stun:127.0.0.1:" + Lab.get("LAB_TURN_PORT"), "--ice-server",
                "stun:127.0.0.1:" + Lab.get("LAB_TURN2_PORT"), "--only", "stun", "--json");
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.out().contains("\"mapping\":\"endpoint-independent\""), r.out());
    }

    @Test
    void badArguments() {
        assertEquals(ExitCodes.USAGE, probe("--only", "dns").rc());
        assertEquals(ExitCodes.USAGE, probe("--ice-server", "http://x").rc());
        assertEquals(ExitCodes.USAGE, probe().rc(), "nothing to probe is a usage error");
    }

    /**
     * A TURN server with default peer rules (no loopback peers, as shipped): the allocation works, and the relay echo
     * (between two allocations on the server) is either measured or said to be not measurable there; it never fails
     * a working TURN server. (The echo used to go to a loopback peer on this host: 403, and probe failed.)
     */
    @Test
    void aTurnServerWithDefaultPeerRulesIsNotFailedByTheEcho() throws Exception {
        Process turn = new ProcessBuilder("turnserver", "-n", "--listening-ip=127.0.0.1", "--listening-port=13491",
                "--relay-ip=127.0.0.1", "--min-port=43700", "--max-port=43799", "--lt-cred-mech",
                "--user=" + Lab.get("LAB_TURN_USER") + ":" + Lab.get("LAB_TURN_PASSWORD"), "--realm=lab.dialtone.test",
                "--no-tls", "--no-dtls", "--no-cli", "--fingerprint", "--log-file=stdout")
                .redirectErrorStream(true).redirectOutput(Lab.dir().resolve("log/coturn-default-peers.log").toFile()).start();
        try {
            Thread.sleep(700);
            CliRun r = probe("--ice-server", "turn:127.0.0.1:13491?transport=udp", "--turn-user", Lab.get("LAB_TURN_USER"),
                    "--turn-password-env", "TP", "--skip", "ice", "--json");
            assertEquals(0, r.rc(), r.toString());
            com.fasterxml.jackson.databind.JsonNode t = dialtone.testing.Events.of(dialtone.testing.Events.parse(r.out()),
                    "probe.check", c -> c.path("check").asText().equals("turn")).get(0);
            assertTrue(t.path("passed").asBoolean(), t.toString());
            String d = t.path("detail").asText();
            assertTrue(d.contains("relay echo 20/20 back") || d.contains("relay echo not measured"), d);
        } finally {
            turn.destroy();
            turn.waitFor();
        }
    }
}
