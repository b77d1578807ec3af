package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.cli.ExitCodes;
import dialtone.testing.CliRun;
import dialtone.testing.Lab;
import dialtone.testing.LiveRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dialtone register} against the lab's Kamailio over WSS. */
class RegisterIT {
    static final Map<String, String> ALICE = Map.of("LAB_PW", Lab.get("LAB_ALICE_PASSWORD"));

    static void assertNoSecrets(String text) {
        for (String s : Lab.secrets()) {
            assertFalse(text.contains(s), "secret leaked:\n" + text);
        }
    }

    static String[] alice(String... more) {
        List<String> a = new ArrayList<>(List.of("register", "--ws-uri", Lab.wss(), "--user", "alice",
                "--realm", Lab.get("LAB_REALM"), "--password-env", "LAB_PW", "--ca-file", Lab.ca()));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    @Test
    void legacyEndpointRegistersAndUnregistersWithEveryOutputOn(@TempDir Path dir) throws Exception {
        Path xml = dir.resolve("junit.xml");
        CliRun r = CliRun.run("register", "--endpoint", Lab.legacyUrl(), "--ca-file", Lab.ca(), "--duration", "2s",
                "--json", "--sip-trace", "-v", "--junit", xml.toString());
        assertEquals(0, r.rc(), r.toString());
        String o = r.out();
        assertTrue(o.contains("\"type\":\"transport.connected\""), o);
        assertTrue(o.contains("\"subprotocol\":\"sip\""), o);
        assertTrue(o.contains("\"type\":\"registration.challenged\""), o);
        assertTrue(o.contains("\"type\":\"registration.registered\""), o);
        assertTrue(o.contains("\"type\":\"registration.unregistered\""), o);
        assertTrue(o.contains("\"type\":\"sip.sent\""), o);
        assertTrue(o.contains("Authorization: Digest username=\\\"c2c-widget-user\\\""), o);
        assertTrue(o.contains("response=\\\"***\\\""), o);
        String[] lines = o.strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.contains("\"type\":\"run.finished\"") && last.contains("\"passed\":true"), last);
        assertTrue(last.contains("\"summary\":{\"registered\":true,\"registrations\":1,\"refreshes\":0,\"expires\":600,"
                + "\"reconnects\":0,\"unregistered\":true}"), last);
        assertNoSecrets(r.all());
        assertNoSecrets(Files.readString(xml));
    }

    @Test
    void humanTimelineShowsTlsAndTheGrantedExpiry() {
        CliRun r = CliRun.run(ALICE, alice("--duration", "1s"));
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.out().contains("connected in"), r.out());
        assertTrue(r.out().contains("issued by CN=dialtone lab CA"), r.out());
        assertTrue(r.out().contains("registered sip:alice@" + Lab.get("LAB_REALM") + ", expires in 600 s"), r.out());
        assertTrue(r.out().contains("unregistered"), r.out());
        assertNoSecrets(r.all());
    }

    @Test
    void refreshesWithAShortExpiryAndAnswers423() {
        CliRun r = CliRun.run(ALICE, alice("--expires", "5", "--duration", "7s"));
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.out().contains("<-- SIP/2.0 423"), r.out());
        assertTrue(r.out().contains("expires in 10 s"), r.out());
        assertTrue(r.out().contains("refreshed sip:alice@"), r.out());
    }

    @Test
    void wrongPasswordIsARegistrationFailure() {
        CliRun r = CliRun.run(Map.of("LAB_PW", "not-the-password"), alice("--duration", "1s"));
        assertEquals(ExitCodes.REGISTRATION, r.rc(), r.toString());
        assertTrue(r.out().contains("<-- SIP/2.0 401"), r.out());
        assertTrue(r.err().contains("rejected the credentials (401"), r.err());
    }

    @Test
    void unknownUserIsRefused() {
        CliRun r = CliRun.run(Map.of("LAB_PW", "whatever"), "register", "--ws-uri", Lab.wss(), "--user", "mallory",
                "--realm", Lab.get("LAB_REALM"), "--password-env", "LAB_PW", "--ca-file", Lab.ca(), "--duration", "1s");
        assertEquals(ExitCodes.REGISTRATION, r.rc(), r.toString());
        assertTrue(r.err().contains("403"), r.err());
    }

    @Test
    void noServerIsATransportFailure() {
        CliRun r = CliRun.run(ALICE, "register", "--ws-uri", "wss://127.0.0.1:9", "--user", "alice",
                "--password-env", "LAB_PW", "--duration", "1s");
        assertEquals(ExitCodes.TRANSPORT, r.rc(), r.toString());
        assertTrue(r.err().contains("connection refused"), r.err());
    }

    @Test
    void untrustedCertificateIsATransportFailure() {
        CliRun r = CliRun.run(ALICE, "register", "--ws-uri", Lab.wss(), "--user", "alice", "--password-env", "LAB_PW",
                "--duration", "1s");
        assertEquals(ExitCodes.TRANSPORT, r.rc(), r.toString());
        assertTrue(r.err().contains("certificate is not trusted"), r.err());
    }

    @Test
    void plainWsOnlyWhenAskedAndOnlyToLoopback() {
        String ws = "ws://127.0.0.1:" + Lab.get("LAB_WS_PORT");
        CliRun refused = CliRun.run(ALICE, "register", "--ws-uri", ws, "--user", "alice", "--password-env", "LAB_PW");
        assertEquals(ExitCodes.CONFIG, refused.rc(), refused.toString());
        CliRun ok = CliRun.run(ALICE, "register", "--ws-uri", ws, "--allow-ws", "--user", "alice",
                "--realm", Lab.get("LAB_REALM"), "--password-env", "LAB_PW", "--duration", "1s");
        assertEquals(0, ok.rc(), ok.toString());
    }

    @Test
    void runtimeEndpointNeedsNoRegistration() {
        CliRun r = CliRun.run("register", "--endpoint", Lab.runtimeUrl(), "--ca-file", Lab.ca(), "--duration", "1s");
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.out().contains("no registration: runtime endpoint"), r.out());
        assertFalse(r.out().contains("registering"), r.out());
    }

    @Test
    void answersOptionsAndRejectsAnInviteReachingItThroughKamailio() throws Exception {
        LiveRun run = LiveRun.start(ALICE, alice("--duration", "8s"));
        assertTrue(run.await("registered sip:alice@", Duration.ofSeconds(10)), run.out());
        Process sipp = new ProcessBuilder("sipp", Lab.get("LAB_IP") + ":" + Lab.get("LAB_SIP_UDP_PORT"),
                "-sf", Lab.repo().resolve("scripts/lab/sipp-probe-ua.xml").toString(), "-s", "alice", "-m", "1",
                "-i", "127.0.0.1", "-p", "15099", "-ci", "127.0.0.1", "-cp", "18889", "-nostdin", "-timeout", "10s",
                "-timeout_error").redirectErrorStream(true).redirectOutput(Lab.dir().resolve("log/sipp-it.log").toFile()).start();
        assertTrue(sipp.waitFor(15, TimeUnit.SECONDS), "sipp did not finish");
        assertEquals(0, sipp.exitValue(), "sipp scenario failed; see " + Lab.dir().resolve("log/sipp-it.log"));
        CliRun r = run.finish(Duration.ofSeconds(20));
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.out().contains("answered OPTIONS with 200 OK"), r.out());
        assertTrue(r.out().contains("answered INVITE with 480 Temporarily Unavailable"), r.out());
    }

    /** Through the launcher, as a user runs it: SIGINT (Ctrl-C) exits 130, SIGTERM 143, and both unregister first. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"INT, 130, Ctrl-C", "TERM, 143, SIGTERM"})
    void aStopSignalUnregistersAndExitsWithTheShellsCode(String signal, int code, String words,
                                                          @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        dialtone.testing.JarRun p = dialtone.testing.JarRun.start(dir, "sig" + signal, java.util.Map.of("LAB_PW",
                Lab.get("LAB_ALICE_PASSWORD")), "register", "--ws-uri", Lab.wss(), "--user", "alice",
                "--realm", Lab.get("LAB_REALM"), "--password-env", "LAB_PW", "--ca-file", Lab.ca(), "--json");
        assertTrue(p.await("registration.registered", java.time.Duration.ofSeconds(15)), p.toString());
        long t0 = System.nanoTime();
        p.signal(signal);
        assertEquals(code, p.waitFor(java.time.Duration.ofSeconds(10)), p.toString());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "honoured within seconds");
        java.util.List<com.fasterxml.jackson.databind.JsonNode> events = dialtone.testing.Events.parse(p.out());
        assertTrue(events.stream().anyMatch(e -> e.path("type").asText().equals("registration.unregistered")), p.out());
        com.fasterxml.jackson.databind.JsonNode last = events.get(events.size() - 1);
        assertEquals("run.finished", last.path("type").asText());
        assertEquals(code, last.path("exitCode").asInt());
        assertTrue(last.path("failure").path("message").asText().contains(words), last.toString());
    }

    @Test
    void kamailioStoppedIsATransportFailure() throws Exception {
        // the lab's UDP/WS ports stay, but nothing listens on this WSS port: like a stopped server
        CliRun r = CliRun.run(ALICE, "register", "--ws-uri", "wss://127.0.0.1:" + (Integer.parseInt(Lab.get("LAB_WSS_PORT")) + 7),
                "--user", "alice", "--password-env", "LAB_PW", "--ca-file", Lab.ca(), "--duration", "1s", "--json");
        assertEquals(ExitCodes.TRANSPORT, r.rc(), r.toString());
        assertTrue(r.out().contains("\"type\":\"transport.failed\""), r.out());
    }

    @Test
    void reconnectsAndRegistersAgainWhenKamailioRestarts() throws Exception {
        LiveRun run = LiveRun.start(ALICE, alice("--duration", "14s", "--json"));
        assertTrue(run.await("\"type\":\"registration.registered\"", Duration.ofSeconds(10)), run.out());
        Path pidFile = Lab.dir().resolve("run/kamailio.pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        for (int i = 0; i < 50 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(100);
        }
        assertTrue(run.await("\"type\":\"transport.reconnecting\"", Duration.ofSeconds(5)), run.out());
        Process start = new ProcessBuilder(Lab.repo().resolve("scripts/lab-start").toString())
                .redirectErrorStream(true).redirectOutput(Lab.dir().resolve("log/lab-restart.log").toFile()).start();
        assertTrue(start.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, start.exitValue());
        CliRun r = run.finish(Duration.ofSeconds(40));
        assertEquals(0, r.rc(), r.toString());
        String o = r.out();
        int drop = o.indexOf("\"type\":\"transport.closed\"");
        assertTrue(drop > 0, o);
        assertTrue(o.indexOf("\"type\":\"transport.connected\"", drop) > drop, "reconnected: " + o);
        assertTrue(o.indexOf("\"type\":\"registration.registered\"", drop) > drop, "registered again: " + o);
    }
}
