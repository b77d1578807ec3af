package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dialtone.testing.Events;
import dialtone.testing.JarRun;
import dialtone.testing.Lab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The reports as their readers get them: the pcapng read by tshark (Wireshark's dissectors, not ours), the HTML
 * opened in Debian's Chromium (scripts/browser/check-report.js drives it), for a real lab call, a failure at each
 * layer, a probe, and a merge of all of them. Every count is compared with the run's own JSON events. Screenshots
 * and the files stay under target/reports/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReportIT {
    static final Path OUT = Path.of("target/reports").toAbsolutePath();
    static final Map<String, String> ENV = Map.of("BOB_PW", Lab.get("LAB_BOB_PASSWORD"), "WRONG_PW", "not-the-password",
            "TP", Lab.get("LAB_TURN_PASSWORD"));
    static final ObjectMapper JSON = new ObjectMapper();
    /** JSON-lines files of every run, merged by the last test. */
    static final Map<String, Integer> RUNS = new LinkedHashMap<>();

    record Run(int rc, List<JsonNode> events, JarRun raw, Path html, Path pcap) {
    }

    static Run run(String name, Map<String, String> env, String... args) throws Exception {
        Files.createDirectories(OUT);
        Path html = OUT.resolve(name + ".html");
        Path pcap = OUT.resolve(name + ".pcapng");
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--json", "--report", html.toString(), "--pcap", pcap.toString()));
        JarRun r = JarRun.start(OUT, name, env, a.toArray(new String[0]));
        int rc = r.waitFor(Duration.ofSeconds(90));
        Files.copy(OUT.resolve(name + ".out"), OUT.resolve(name + ".jsonl"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        RUNS.put(name, rc);
        return new Run(rc, Events.parse(r.out()), r, html, pcap);
    }

    static List<String> bob(String... more) {
        List<String> a = new ArrayList<>(List.of("--ws-uri", Lab.wss(), "--user", "bob", "--realm", Lab.get("LAB_REALM"),
                "--password-env", "BOB_PW", "--ca-file", Lab.ca(), "--ice-bind", "127.0.0.1"));
        a.addAll(List.of(more));
        return a;
    }

    static String[] args(String first, List<String> rest, String... more) {
        List<String> a = new ArrayList<>();
        a.add(first);
        a.addAll(rest);
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    // ---- the readers ----------------------------------------------------------------------------------------------

    static String exec(Duration max, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(max.toMillis(), TimeUnit.MILLISECONDS), String.join(" ", cmd) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + err);
        return new String(out, StandardCharsets.UTF_8);
    }

    /** What tshark dissects as SIP: one row per message, in file order. */
    static List<String[]> tsharkSip(Path pcap) throws Exception {
        String out = exec(Duration.ofSeconds(60), "tshark", "-r", pcap.toString(), "-Y", "sip", "-T", "fields",
                "-E", "separator=|", "-e", "frame.time_epoch", "-e", "sip.Call-ID", "-e", "sip.Method", "-e", "sip.Status-Code",
                "-e", "exported_pdu.src_port", "-e", "exported_pdu.dst_port");
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                rows.add(line.split("\\|", -1));
            }
        }
        return rows;
    }

    /** The browser's view of a report (see scripts/browser/check-report.js). */
    static JsonNode browser(Path html, String shot) throws Exception {
        Path script = Lab.repo().resolve("scripts/browser/check-report.js");
        String out = exec(Duration.ofSeconds(90), "node", script.toString(), html.toString(), OUT.resolve(shot + ".png").toString());
        JsonNode v = JSON.readTree(out);
        assertEquals(0, v.path("pageErrors").size(), "page errors: " + v.path("pageErrors"));
        assertEquals(0, v.path("requests").size(), "the page must not reach anything: " + v.path("requests"));
        for (JsonNode c : v.path("console")) {
            assertFalse(c.path("type").asText().equals("error") || c.path("type").asText().equals("warning"), "console: " + c);
        }
        assertEquals(0, v.path("scripts").asInt(), "no script in a report");
        assertTrue(Files.size(OUT.resolve(shot + ".png")) > 10_000, "a screenshot was taken");
        return v;
    }

    /** The SIP messages of the JSON events: start line kind (method or status), Call-ID, time. */
    static List<String[]> sipEvents(List<JsonNode> events) {
        List<String[]> l = new ArrayList<>();
        for (JsonNode e : events) {
            String type = e.path("type").asText();
            if (!type.equals("sip.sent") && !type.equals("sip.received")) {
                continue;
            }
            String sl = e.path("summary").asText();
            String kind = sl.startsWith("SIP/2.0 ") ? sl.split(" ")[1] : sl.split(" ")[0];
            String callId = null;
            for (String h : e.path("raw").asText().split("\r\n")) {
                if (h.regionMatches(true, 0, "Call-ID:", 0, 8) || h.regionMatches(true, 0, "i:", 0, 2)) {
                    callId = h.substring(h.indexOf(':') + 1).trim();
                    break;
                }
            }
            Instant at = Instant.parse(e.path("at").asText());
            l.add(new String[] {kind, callId, Long.toString(at.getEpochSecond() * 1_000_000 + at.getNano() / 1000), type});
        }
        return l;
    }

    static void pcapEqualsEvents(Run r) throws Exception {
        List<String[]> wire = tsharkSip(r.pcap());
        List<String[]> ev = sipEvents(r.events());
        assertEquals(ev.size(), wire.size(), "one dissected SIP message per sip event");
        JsonNode conn = Events.of(r.events(), "transport.connected").get(0);
        String localPort = conn.path("localAddress").asText().replaceAll(".*:", "");
        String remotePort = conn.path("remoteAddress").asText().replaceAll(".*:", "");
        for (int i = 0; i < ev.size(); i++) {
            String[] w = wire.get(i);
            String[] e = ev.get(i);
            String kind = w[2].isEmpty() ? w[3] : w[2];
            assertEquals(e[0], kind, "message " + i + ": method or status");
            assertEquals(e[1], w[1], "message " + i + ": Call-ID");
            long micros = new java.math.BigDecimal(w[0]).movePointRight(6).longValue();
            assertEquals(Long.parseLong(e[2]), micros, "message " + i + ": the event's time");
            boolean sent = e[3].equals("sip.sent");
            assertEquals(sent ? localPort : remotePort, w[4], "message " + i + ": source port");
            assertEquals(sent ? remotePort : localPort, w[5], "message " + i + ": destination port");
        }
    }

    static void reportMatchesEvents(Run r, JsonNode view) {
        int sip = sipEvents(r.events()).size();
        int arrows = 0;
        for (JsonNode l : view.path("ladders")) {
            arrows += l.path("arrows").asInt();
            assertEquals(l.path("dataMessages").asInt(), l.path("arrows").asInt());
            assertTrue(l.path("clickShows").asBoolean(), "clicking an arrow shows its message: " + l);
        }
        assertEquals(sip, arrows, "one arrow per SIP message");
        int samples = Events.of(r.events(), "media.stats").size();
        for (JsonNode c : view.path("charts")) {
            assertEquals(samples, c.path("samples").asInt());
            for (JsonNode f : c.path("figures")) {
                for (JsonNode s : f.path("series")) {
                    assertEquals(s.path("declared").asInt(), s.path("points").asInt(), f.path("id") + " " + s);
                }
            }
            JsonNode bitrate = c.path("figures").get(0).path("series").get(0);
            assertEquals(samples, bitrate.path("points").asInt(), "bitrate in: one point per stats sample");
        }
        JsonNode fin = Events.finished(r.events());
        assertEquals(fin.path("passed").asBoolean() ? "PASS" : "FAIL", view.path("verdict").asText());
        assertEquals(fin.path("exitCode").asText(), view.path("exitCode").asText());
        if (!fin.path("passed").asBoolean()) {
            assertEquals(fin.path("failure").path("layer").asText().toLowerCase(Locale.ROOT), view.path("failedLayer").asText());
        }
    }

    static void noSecrets(Path... files) throws IOException {
        for (Path f : files) {
            String s = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            for (String secret : Lab.secrets()) {
                assertFalse(s.contains(secret), f + " holds a lab secret");
            }
        }
    }

    // ---- the runs ---------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void aLabCallsPcapIsItsEventsAndItsReportRendersInChromium() throws Exception {
        Path rec = OUT.resolve("call.wav");
        Files.createDirectories(OUT);
        Files.deleteIfExists(rec);
        Run r = run("call", Map.of(), "call", "sip:echo@lab.dialtone.test", "--endpoint", Lab.legacyUrl(), "--ca-file", Lab.ca(),
                "--ice-bind", "127.0.0.1", "--play", "tone:440", "--duration", "5s", "--record", rec.toString(),
                "--dtmf", "12", "--dtmf-delay", "2s");
        assertEquals(0, r.rc(), r.raw().toString());
        pcapEqualsEvents(r);
        JsonNode view = browser(r.html(), "call");
        reportMatchesEvents(r, view);
        assertEquals(1, view.path("spectrograms").size());
        assertTrue(view.path("spectrograms").get(0).path("naturalWidth").asInt() > 0, "the spectrogram decoded");
        assertEquals(1, view.path("waveforms").asInt());
        assertTrue(Files.size(r.html()) < 300_000, "a short call's report is small: " + Files.size(r.html()));
        noSecrets(r.html(), r.pcap());
    }

    /** One failing run per layer: the report names the layer the JSON names, and the pcap holds what was sent. */
    @Test
    @Order(2)
    void aFailureAtEachLayerIsReportedAsItsLayer() throws Exception {
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("fail-config", new String[] {"call", "--endpoint", Lab.configUrl("no-such-token-0000"), "--ca-file", Lab.ca()});
        cases.put("fail-transport", args("call", List.of("sip:echo@lab.dialtone.test", "--ws-uri", "wss://127.0.0.1:9",
                "--user", "bob", "--realm", Lab.get("LAB_REALM"), "--password-env", "BOB_PW", "--ca-file", Lab.ca())));
        cases.put("fail-registration", args("call", List.of("sip:echo@lab.dialtone.test", "--ws-uri", Lab.wss(), "--user", "bob",
                "--realm", Lab.get("LAB_REALM"), "--password-env", "WRONG_PW", "--ca-file", Lab.ca())));
        cases.put("fail-call", args("call", bob("sip:nobody-here@lab.dialtone.test")));
        cases.put("fail-media", args("call", List.of("sip:bot@farend.invalid", "--ws-uri", HostileServerIT.ws("webrtc-no-ice"),
                "--allow-ws", "--user", "alice", "--realm", "hostile.invalid", "--ice-bind", "127.0.0.1", "--setup-timeout", "10s",
                "--duration", "3s")));
        Path heard = OUT.resolve("fail-audio.wav");
        Files.createDirectories(OUT);
        Files.deleteIfExists(heard);
        cases.put("fail-audio", args("call", bob("sip:echo@lab.dialtone.test", "--play", "tone:440", "--duration", "3s",
                "--expect-tone", "1000", "--record", heard.toString(), "--report-audio")));
        Map<String, Integer> expected = Map.of("fail-config", 3, "fail-transport", 4, "fail-registration", 5, "fail-call", 6,
                "fail-media", 7, "fail-audio", 8);
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            Run r = run(c.getKey(), ENV, c.getValue());
            assertEquals(expected.get(c.getKey()), r.rc(), c.getKey() + ": " + r.raw());
            JsonNode view = browser(r.html(), c.getKey());
            reportMatchesEvents(r, view);
            if (c.getKey().equals("fail-audio")) {
                assertEquals(1, view.path("audio").asInt(), "--report-audio embeds what was heard");
                assertTrue(view.path("spectrograms").get(0).path("naturalWidth").asInt() > 0);
            }
            if (!sipEvents(r.events()).isEmpty()) {
                pcapEqualsEvents(r);
            } else {
                assertEquals(0, tsharkSip(r.pcap()).size(), c.getKey() + ": no SIP, an empty capture");
            }
            noSecrets(r.html(), r.pcap());
        }
    }

    @Test
    @Order(3)
    void aProbesReportShowsEachTransportAndItsPcapHoldsTheStunExchanges() throws Exception {
        Run r = run("probe", ENV, "probe", "--endpoint", Lab.legacyUrl(), "--ca-file", Lab.ca(), "--ice-server",
                "turn:127.0.0.1:" + Lab.get("LAB_TURN_PORT"), "--ice-server", "turns:127.0.0.1:" + Lab.get("LAB_TURNS_PORT"),
                "--ice-server", "stun:127.0.0.1:" + Lab.get("LAB_TURN2_PORT"), "--turn-user", Lab.get("LAB_TURN_USER"),
                "--turn-password-env", "TP", "--turns-insecure", "--register", "--skip", "ice");
        assertEquals(0, r.rc(), r.raw().toString());
        pcapEqualsEvents(r);
        String stun = exec(Duration.ofSeconds(60), "tshark", "-r", r.pcap().toString(), "-Y", "stun", "-T", "fields",
                "-e", "stun.type", "-e", "exported_pdu.dst_port");
        List<String> rows = stun.lines().filter(l -> !l.isBlank()).toList();
        assertTrue(rows.size() >= 10, "binding and allocate exchanges: " + rows.size());
        assertTrue(rows.stream().anyMatch(l -> l.endsWith("\t" + Lab.get("LAB_TURNS_PORT"))), "TURNS, decrypted");
        String warnings = exec(Duration.ofSeconds(60), "tshark", "-r", r.pcap().toString(), "-Y",
                "_ws.malformed || _ws.expert.severity >= warning");
        assertEquals("", warnings.trim(), "every packet dissects cleanly (zeroed integrity, recomputed fingerprint)");
        JsonNode view = browser(r.html(), "probe");
        reportMatchesEvents(r, view);
        assertEquals(Events.of(r.events(), "probe.check").size(), view.path("probeRows").asInt());
        assertEquals(3, view.path("transports").size(), "UDP, TCP, TLS");
        assertTrue(view.path("nat").asText().contains("endpoint-independent"), view.path("nat").toString());
        noSecrets(r.html(), r.pcap());
    }

    /** A server that floods 183s: the capture is bounded on disk, the verdict and the report are what they would be. */
    @Test
    @Order(4)
    void aFloodIsCapturedWithinItsBoundAndTheReportStillRenders() throws Exception {
        Run r = run("flood", Map.of(), "call", "sip:bot@hostile.invalid", "--ws-uri", HostileServerIT.ws("flood-183"),
                "--allow-ws", "--user", "alice", "--realm", "hostile.invalid", "--ice-bind", "127.0.0.1",
                "--setup-timeout", "5s");
        RUNS.remove("flood"); // a hostile server's run: not one of the merge's
        assertEquals(6, r.rc(), "CANCEL after the setup timeout: " + r.raw());
        long size = Files.size(r.pcap());
        assertTrue(size < 2 * (16L << 20), "the capture is bounded: " + size);
        List<String[]> wire = tsharkSip(r.pcap());
        assertTrue(wire.size() > 1000, "the flood is in the capture: " + wire.size());
        List<String[]> ev = sipEvents(r.events());
        for (int i = 0; i < 4; i++) { // before the flood (the timeline coalesces it, the capture does not), the same
            assertEquals(ev.get(i)[0], wire.get(i)[2].isEmpty() ? wire.get(i)[3] : wire.get(i)[2], "message " + i);
        }
        assertTrue(wire.stream().filter(w -> "183".equals(w[3])).count() > 1000, "the 183s");
        JsonNode view = browser(r.html(), "flood");
        assertEquals("FAIL", view.path("verdict").asText());
        assertEquals("call", view.path("failedLayer").asText());
        int arrows = view.path("ladders").get(0).path("arrows").asInt();
        assertEquals(sipEvents(r.events()).size(), arrows, "the report draws what the timeline shows (floods coalesced)");
    }

    @Test
    @Order(5)
    void theMergeOfTheseRunsCountsThemAndRenders() throws Exception {
        assertTrue(RUNS.size() >= 8, "the runs above: " + RUNS);
        List<String> a = new ArrayList<>(List.of("report", "merge"));
        RUNS.keySet().forEach(n -> a.add(OUT.resolve(n + ".jsonl").toString()));
        Path junit = OUT.resolve("merged.xml");
        Path html = OUT.resolve("merged.html");
        a.addAll(List.of("--junit", junit.toString(), "--report", html.toString(), "--json"));
        JarRun r = JarRun.start(OUT, "merge", Map.of(), a.toArray(new String[0]));
        int rc = r.waitFor(Duration.ofSeconds(60));
        JsonNode s = JSON.readTree(r.out());
        long failedRuns = RUNS.values().stream().filter(v -> v != 0).count();
        assertEquals(RUNS.size(), s.path("runs").asInt());
        assertEquals(RUNS.size() - failedRuns, s.path("runsPassed").asInt());
        assertEquals(failedRuns, s.path("callsFailed").asInt(), "one call per run here; each failed run failed its call");
        assertTrue(rc >= 3 && rc <= 8, "the exit code of the most frequent failing layer: " + rc);
        String xml = Files.readString(junit);
        assertTrue(xml.contains("failures=\"" + failedRuns + "\""), xml);
        JsonNode view = browser(html, "merged");
        assertEquals("FAIL", view.path("verdict").asText());
        assertEquals(RUNS.size(), view.path("merge").path("runs").asInt());
        assertEquals(6, view.path("merge").path("failures").size(), "one group per failing layer: " + view.path("merge"));
        noSecrets(html, junit);
    }
}
