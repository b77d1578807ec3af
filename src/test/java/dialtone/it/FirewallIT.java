package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dialtone.testing.Events;
import dialtone.testing.JarRun;
import dialtone.testing.Lab;
import dialtone.testing.LabCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client behind a real firewall: dialtone runs in a network namespace this test creates (scripts/netns: a veth
 * pair, the lab reached at 10.231.7.1 through DNAT to its 127.0.0.1 ports), with iptables in the namespace playing
 * the firewall. Nothing leaves this machine; every rule and the namespace are removed afterwards.
 */
class FirewallIT {
    static Path repo;
    static final String HOST = "10.231.7.1";

    @TempDir
    Path dir;

    @BeforeAll
    static void up() throws Exception {
        repo = Path.of(System.getProperty("dialtone.jar")).toAbsolutePath().getParent().getParent();
        assertEquals(0, netns("up"), "scripts/netns up");
    }

    @AfterAll
    static void down() throws Exception {
        netns("down");
    }

    static int netns(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("scripts/netns").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }

    /** dialtone in the namespace, through the launcher; JSON lines parsed. */
    List<JsonNode> inside(String name, int expect, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("scripts/netns").toString(), "exec",
                repo.resolve("dialtone").toString()));
        cmd.addAll(List.of(args));
        cmd.add("--json");
        Path out = dir.resolve(name + ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().putAll(LabCall.env());
        Process p = pb.start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), name + " did not finish");
        String o = Files.readString(out);
        assertEquals(expect, p.exitValue(), name + ": " + o + Files.readString(dir.resolve(name + ".err")));
        return Events.parse(o);
    }

    static String[] probe(String... more) {
        List<String> a = new ArrayList<>(List.of("probe", "--ice-server", "stun:" + HOST + ":" + Lab.get("LAB_TURN_PORT"),
                "--ice-server", "turn:" + HOST + ":" + Lab.get("LAB_TURN_PORT"), "--ice-server",
                "turns:" + HOST + ":" + Lab.get("LAB_TURNS_PORT"), "--turn-user", Lab.get("LAB_TURN_USER"),
                "--turn-password-env", "TP", "--turns-insecure", "--ca-file", Lab.ca(), "--skip", "echo",
                "--deadline", "12s"));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    static JsonNode verdict(List<JsonNode> ev) {
        return Events.of(ev, "probe.verdict").get(0);
    }

    @Test
    void withUdpBlockedProbeSaysTurnOverTcpOrTlsIsRequired() throws Exception {
        assertEquals(0, netns("firewall", "no-udp"));
        List<JsonNode> ev = inside("probe-no-udp", 9, probe());
        JsonNode v = verdict(ev);
        assertTrue(v.path("turnRequired").asBoolean(), v.toString());
        String ways = v.path("mediaWays").toString();
        assertTrue(ways.contains("TURN/TCP") && ways.contains("TURNS") && !ways.contains("direct UDP")
                && !ways.contains("TURN/UDP"), ways);
        JsonNode stun = Events.of(ev, "probe.check", c -> c.path("check").asText().equals("stun")).get(0);
        assertFalse(stun.path("passed").asBoolean());
        assertTrue(stun.path("detail").asText().contains("firewall"), stun.toString());
        assertTrue(Events.of(ev, "probe.check", c -> c.path("check").asText().equals("ice")
                && c.path("transport").asText().equals("tcp")).get(0).path("passed").asBoolean(), ev.toString());
    }

    @Test
    void withOnlyOneTcpPortOpenProbeFindsTheOneWay() throws Exception {
        assertEquals(0, netns("firewall", "one-tcp"));
        JsonNode v = verdict(inside("probe-one-tcp", 9, probe()));
        assertEquals("[\"TURNS\"]", v.path("mediaWays").toString(), v.toString());
        assertTrue(v.path("turnRequired").asBoolean(), v.toString());
    }

    @Test
    void withNothingBlockedEveryWayWorks() throws Exception {
        assertEquals(0, netns("firewall", "open"));
        JsonNode v = verdict(inside("probe-open", 0, probe()));
        assertFalse(v.path("turnRequired").asBoolean(), v.toString());
        assertTrue(v.path("mediaWays").toString().contains("direct UDP"), v.toString());
    }

    /**
     * The call that the probe promised: UDP blocked, media relayed over TURN/TCP, audio both ways. (--relay-only: with
     * TCP open, ICE-TCP straight to the far end would work too, and libwebrtc prefers it.)
     */
    @Test
    void withUdpBlockedACallGoesThroughTurnOverTcp() throws Exception {
        assertEquals(0, netns("firewall", "no-udp"));
        String callee = LabCall.newCallee();
        JarRun answerer = JarRun.start(dir, "answerer", LabCall.env(), LabCall.answerer(callee, "tone:1000", "--json"));
        try {
            assertTrue(answerer.await("registration.registered", Duration.ofSeconds(15)), answerer.toString());
            List<JsonNode> ev = inside("call-no-udp", 0, "call", "sip:" + callee + "@" + Lab.get("LAB_REALM"),
                    "--ws-uri", "wss://" + HOST + ":" + Lab.get("LAB_WSS_PORT"), "--user", "bob", "--realm",
                    Lab.get("LAB_REALM"), "--password-env", "BOB_PW", "--ca-file", Lab.ca(), "--ice-server",
                    "turn:" + HOST + ":" + Lab.get("LAB_TURN_PORT") + "?transport=tcp", "--turn-user",
                    Lab.get("LAB_TURN_USER"), "--turn-password-env", "TP", "--relay-only", "--duration", "4s",
                    "--expect-tone", "1000");
            JsonNode pair = Events.of(ev, "media.selected-pair").get(0);
            assertEquals("relay", pair.path("localType").asText(), pair.toString());
            assertEquals("tcp", pair.path("relayProtocol").asText(), pair.toString());
            assertTrue(Events.finished(ev).path("passed").asBoolean());
        } finally {
            answerer.signal("TERM");
            answerer.waitFor(Duration.ofSeconds(15));
        }
    }

    /** Behind a NAT: a cone NAT keeps the mapping whatever the destination, a symmetric one does not. */
    @Test
    void probeTellsAConeNatFromASymmetricOne() throws Exception {
        String[] stun = {"probe", "--ice-server", "stun:" + HOST + ":" + Lab.get("LAB_TURN_PORT"), "--ice-server",
            "stun:" + HOST + ":" + Lab.get("LAB_TURN2_PORT"), "--deadline", "8s"};
        assertEquals(0, netns("firewall", "nat"));
        JsonNode cone = Events.of(inside("probe-nat", 0, stun), "probe.check", c -> c.path("check").asText().equals("nat")).get(0);
        assertEquals("endpoint-independent", cone.path("facts").path("mapping").asText(), cone.toString());
        assertTrue(cone.path("facts").path("mappedA").asText().startsWith(HOST + ":"), "the NAT's address: " + cone);
        assertEquals(0, netns("firewall", "nat-symmetric"));
        JsonNode sym = Events.of(inside("probe-nat-sym", 0, stun), "probe.check", c -> c.path("check").asText().equals("nat")).get(0);
        assertEquals("address/port-dependent", sym.path("facts").path("mapping").asText(), sym.toString());
        assertTrue(sym.path("detail").asText().contains("expect to need TURN"), sym.toString());
    }

    /** Behind a NAT, a call offers the NAT's address as its server-reflexive candidate. */
    @Test
    void behindANatTheCallOffersTheNatsAddress() throws Exception {
        assertEquals(0, netns("firewall", "nat"));
        List<JsonNode> ev = callFromInside("call-nat", "--ice-server", "stun:" + HOST + ":" + Lab.get("LAB_TURN_PORT"));
        assertTrue(Events.of(ev, "media.candidate", c -> c.path("candidateType").asText().equals("srflx")
                && c.path("address").asText().equals(HOST)).size() >= 1, ev.toString());
    }

    /**
     * A link capped at 24 kbit/s (tc tbf) towards the client: the figures show the cap and the loss it causes, and a call
     * that lost that share of its packets did not carry its media (exit 7, LOW_PACKET_RATE), whatever its asserts say.
     */
    @Test
    void aBandwidthCapShowsInTheFigures() throws Exception {
        assertEquals(0, netns("firewall", "open"));
        try {
            assertEquals(0, netns("shape", "24kbit"));
            List<JsonNode> ev = callFromInside("call-capped", 7, "--assert", "loss<1%");
            JsonNode fin = Events.finished(ev);
            assertEquals("MEDIA", fin.path("failure").path("layer").asText(), fin.toString());
            assertEquals("LOW_PACKET_RATE", fin.path("failure").path("cause").asText(), fin.toString());
            JsonNode stats = Events.of(ev, "call.summary").get(0).path("stats");
            double in = stats.path("bitrateInKbps").asDouble();
            long lost = stats.path("packetsLost").asLong();
            long got = stats.path("packetsReceived").asLong();
            System.out.printf("tbf 24 kbit/s: received %.1f kbit/s, lost %d of %d%n", in, lost, lost + got);
            // the cap counts every byte on the wire (IP, UDP, SRTP); dialtone's figure is the RTP payload under it
            assertTrue(in > 0 && in < 24, "inbound bitrate under the cap: " + in);
            assertTrue(lost > 0.2 * (lost + got), "the cap drops packets: " + stats);
        } finally {
            netns("shape", "off");
        }
    }

    /** A call from inside the namespace to a tone answerer in the lab; JSON events (exit code as expected). */
    List<JsonNode> callFromInside(String name, String... more) throws Exception {
        return callFromInside(name, 0, more);
    }

    List<JsonNode> callFromInside(String name, int expect, String... more) throws Exception {
        String callee = LabCall.newCallee();
        JarRun answerer = JarRun.start(dir, name + "-answerer", LabCall.env(), LabCall.answerer(callee, "tone:1000", "--json"));
        try {
            assertTrue(answerer.await("registration.registered", Duration.ofSeconds(15)), answerer.toString());
            List<String> a = new ArrayList<>(List.of("call", "sip:" + callee + "@" + Lab.get("LAB_REALM"), "--ws-uri",
                    "wss://" + HOST + ":" + Lab.get("LAB_WSS_PORT"), "--user", "bob", "--realm", Lab.get("LAB_REALM"),
                    "--password-env", "BOB_PW", "--ca-file", Lab.ca(), "--duration", "4s", "--expect-audio"));
            a.addAll(List.of(more));
            return inside(name, expect, a.toArray(new String[0]));
        } finally {
            answerer.signal("TERM");
            answerer.waitFor(Duration.ofSeconds(15));
        }
    }
}
