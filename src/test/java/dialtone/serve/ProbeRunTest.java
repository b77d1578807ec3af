package dialtone.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Metrics built from recorded JSON lines of real runs against the lab, checked against the events themselves. */
class ProbeRunTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static List<JsonNode> events(String name) throws IOException {
        return Files.readAllLines(Path.of("src/test/resources/serve", name)).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    static ProbeRun fold(String command, List<JsonNode> evs) {
        ProbeRun r = new ProbeRun(command);
        evs.forEach(r::accept);
        return r;
    }

    static String text(MetricSnapshots s) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(o, s, EscapingScheme.DEFAULT);
        return o.toString(StandardCharsets.UTF_8);
    }

    /** sample line (name with labels) → value. */
    static Map<String, Double> samples(String text) {
        Map<String, Double> m = new HashMap<>();
        Matcher x = Pattern.compile("(?m)^([a-z_]+(?:\\{[^}]*\\})?) (\\S+)$").matcher(text);
        while (x.find()) {
            m.put(x.group(1), Double.parseDouble(x.group(2)));
        }
        return m;
    }

    static JsonNode first(List<JsonNode> evs, String type) {
        return evs.stream().filter(e -> e.path("type").asText().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void aCallToTheEchoGivesItsPhasesMosAndStats() throws IOException {
        List<JsonNode> evs = events("call-echo.jsonl");
        ProbeRun r = fold("call", evs);
        ProbeRun.Verdict v = r.verdict(0, false);
        assertTrue(v.success());
        Map<String, Double> m = samples(text(r.metrics(v, 3.9, false)));
        assertEquals(1.0, m.get("probe_success"));
        assertEquals(3.9, m.get("probe_duration_seconds"));
        assertEquals(0.0, m.get("dialtone_exit_code"));
        long dial = first(evs, "call.dialing").path("t").asLong();
        assertEquals(first(evs, "call.answered").path("setupMs").asLong() / 1000.0, m.get("dialtone_phase_seconds{phase=\"invite\"}"));
        assertEquals(first(evs, "transport.connected").path("handshakeMs").asLong() / 1000.0, m.get("dialtone_phase_seconds{phase=\"wss\"}"));
        assertEquals((first(evs, "registration.registered").path("t").asLong() - first(evs, "registration.sending").path("t").asLong()) / 1000.0,
                m.get("dialtone_phase_seconds{phase=\"register\"}"));
        assertEquals((evs.stream().filter(e -> e.path("type").asText().equals("media.ice-state") && e.path("state").asText().equals("connected"))
                .findFirst().orElseThrow().path("t").asLong() - dial) / 1000.0, m.get("dialtone_phase_seconds{phase=\"ice\"}"));
        assertEquals((first(evs, "media.dtls").path("t").asLong() - dial) / 1000.0, m.get("dialtone_phase_seconds{phase=\"dtls\"}"));
        assertEquals(first(evs, "media.first-audio").path("sinceAnswerMs").asLong() / 1000.0, m.get("dialtone_phase_seconds{phase=\"first_audio\"}"));
        JsonNode sum = first(evs, "call.summary");
        assertEquals(sum.path("mos").asDouble(), m.get("dialtone_mos"));
        assertEquals(sum.path("stats").path("packetsReceived").asDouble(), m.get("dialtone_packets_received"));
        assertEquals(0.0, m.get("dialtone_loss_ratio"));
        assertEquals(sum.path("stats").path("jitterMs").asDouble() / 1000, m.get("dialtone_jitter_seconds"));
        assertEquals(sum.path("talkMs").asDouble() / 1000, m.get("dialtone_talk_seconds"));
        assertEquals(java.time.Instant.parse("2027-01-02T05:13:40Z").getEpochSecond(), m.get("probe_ssl_earliest_cert_expiry"));
        assertNull(m.keySet().stream().filter(k -> k.startsWith("dialtone_failure_info")).findFirst().orElse(null));
        assertFalse(m.containsKey("dialtone_phase_seconds{phase=\"fetch\"}"), "direct mode fetched nothing");
    }

    /**
     * A child's lines as dialtone's JSON writer makes them: the phases between two lines come from their {@code tUs}
     * (microseconds), a fetch's from its timing's {@code ...Us}, not from the whole milliseconds of {@code t}.
     */
    @Test
    void aChildsPhasesHaveSubMillisecondResolutionFromItsOwnLines() throws IOException {
        java.time.Instant t0 = java.time.Instant.parse("2026-12-03T10:00:00Z");
        java.io.StringWriter out = new java.io.StringWriter();
        dialtone.report.JsonLinesReporter w = new dialtone.report.JsonLinesReporter(new java.io.PrintWriter(out), new dialtone.report.Redactor());
        w.accept(new dialtone.event.RunEvent.Started(t0, "call", 1, "dialtone", "test", "call"));
        w.accept(new dialtone.event.ConfigEvent.Fetched(t0.plusNanos(10_000_000), "call", 200, "application/json", 300,
                new dialtone.event.HttpTiming(0, 0, 1, 0, 3, 12, 412, 1_387, 642, 3_071)));
        w.accept(new dialtone.event.RegistrationEvent.Sending(t0.plusNanos(20_400_000), "call", "sip:bob@example.com", 600, false));
        w.accept(new dialtone.event.RegistrationEvent.Registered(t0.plusNanos(31_100_000), "call", "sip:bob@example.com", 600, 1, false));
        w.accept(new dialtone.event.CallEvent.Dialing(t0.plusNanos(40_900_000), "call", "sip:echo@example.com", "opus"));
        w.accept(new dialtone.event.CallEvent.Answered(t0.plusNanos(52_650_000), "call", 11, "opus"));
        w.accept(new dialtone.event.MediaEvent.IceState(t0.plusNanos(45_300_000), "call", "connected"));
        w.accept(new dialtone.event.MediaEvent.FirstAudio(t0.plusNanos(73_125_000), "call", 20));
        w.close();
        List<JsonNode> evs = out.toString().lines().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertEquals(31, first(evs, "registration.registered").path("t").asLong(), "t stays whole milliseconds");
        assertEquals(31_100, first(evs, "registration.registered").path("tUs").asLong());
        ProbeRun r = fold("call", evs);
        Map<String, Double> m = samples(text(r.metrics(new ProbeRun.Verdict(true, 0, null, null, null), 0.1, false)));
        assertEquals(0.0107, m.get("dialtone_phase_seconds{phase=\"register\"}"), 1e-9, "31.1 ms - 20.4 ms, not 31 - 20");
        assertEquals(0.011, m.get("dialtone_phase_seconds{phase=\"invite\"}"), 1e-9, "setupMs: from an instant no line carries");
        assertEquals(0.020, m.get("dialtone_phase_seconds{phase=\"first_audio\"}"), 1e-9,
                "sinceAnswerMs: from when the media took the answer, which no line's tUs carries");
        assertEquals(0.0044, m.get("dialtone_phase_seconds{phase=\"ice\"}"), 1e-9, "45.3 - 40.9 ms, not 45 - 40");
        assertEquals(0.001387, m.get("dialtone_phase_seconds{phase=\"fetch_tls\"}"), 1e-9);
        assertEquals(0.000412, m.get("dialtone_phase_seconds{phase=\"fetch_connect\"}"), 1e-9);
        assertEquals(0.000642, m.get("dialtone_phase_seconds{phase=\"fetch_processing\"}"), 1e-9);
        assertEquals(0.003071, m.get("dialtone_phase_seconds{phase=\"fetch\"}"), 1e-9);
    }

    @Test
    void aFailedFetchIsConfigWithItsCauseAndItsTimings() throws IOException {
        List<JsonNode> evs = events("config-404.jsonl");
        ProbeRun r = fold("config", evs);
        ProbeRun.Verdict v = r.verdict(3, false);
        assertFalse(v.success());
        assertEquals("CONFIG", v.layer());
        assertEquals("CONFIG_FETCH_FAILED", v.cause());
        Map<String, Double> m = samples(text(r.metrics(v, 0.6, false)));
        assertEquals(0.0, m.get("probe_success"));
        assertEquals(3.0, m.get("dialtone_exit_code"));
        assertEquals(1.0, m.get("dialtone_failure_info{cause=\"CONFIG_FETCH_FAILED\",layer=\"CONFIG\"}"));
        JsonNode t = first(evs, "config.fetched").path("timing");
        assertEquals(t.path("totalMs").asLong() / 1000.0, m.get("dialtone_phase_seconds{phase=\"fetch\"}"));
        assertEquals(t.path("tlsMs").asLong() / 1000.0, m.get("dialtone_phase_seconds{phase=\"fetch_tls\"}"));
        assertEquals(t.path("connectMs").asLong() / 1000.0, m.get("dialtone_phase_seconds{phase=\"fetch_connect\"}"));
        assertEquals(t.path("firstByteMs").asLong() / 1000.0, m.get("dialtone_phase_seconds{phase=\"fetch_processing\"}"));
        assertFalse(m.containsKey("dialtone_phase_seconds{phase=\"fetch_transfer\"}"),
                "a child's line has no transfer: the total less the whole-millisecond phases would be rounding, not the body");
    }

    @Test
    void aProbeGivesEachTransportsResult() throws IOException {
        List<JsonNode> evs = events("probe-turn.jsonl");
        ProbeRun r = fold("probe", evs);
        Map<String, Double> m = samples(text(r.metrics(r.verdict(0, false), 3.1, false)));
        assertEquals(1.0, m.get("probe_success"));
        long checks = evs.stream().filter(e -> e.path("type").asText().equals("probe.check")).count();
        assertEquals(checks, m.keySet().stream().filter(k -> k.startsWith("dialtone_check_success{")).count());
        assertEquals(1.0, m.get("dialtone_check_success{check=\"turn\",target=\"127.0.0.1:15349\",transport=\"tls\"}"));
        assertEquals(0.704, m.get("dialtone_check_duration_seconds{check=\"turn\",target=\"127.0.0.1:15349\",transport=\"tls\"}"));
    }

    @Test
    void aRunStoppedAtItsDeadlineFailsOnTheLayerItWasIn() throws IOException {
        List<JsonNode> evs = events("call-echo.jsonl");
        int dialing = indexOf(evs, "call.dialing");
        ProbeRun r = fold("call", evs.subList(0, dialing + 1));
        ProbeRun.Verdict v = r.verdict(null, true);
        assertEquals("CALL", v.layer());
        assertEquals(ProbeRun.TIMEOUT_CAUSE, v.cause());
        Map<String, Double> m = samples(text(r.metrics(v, 2.5, true)));
        assertEquals(0.0, m.get("probe_success"));
        assertEquals(1.0, m.get("dialtone_probe_timed_out"));
        assertEquals(-1.0, m.get("dialtone_exit_code"));
        assertTrue(m.containsKey("dialtone_phase_seconds{phase=\"register\"}"), "what was measured is answered");

        ProbeRun reg = fold("call", evs.subList(0, indexOf(evs, "registration.sending") + 1));
        assertEquals("REGISTRATION", reg.verdict(null, true).layer());
        ProbeRun media = fold("call", evs.subList(0, indexOf(evs, "call.answered") + 1));
        assertEquals("MEDIA", media.verdict(null, true).layer());
        ProbeRun nothing = fold("call", evs.subList(0, 1));
        assertEquals("CONFIG", nothing.verdict(null, true).layer());
    }

    @Test
    void aRunThatEndsWithoutItsVerdictOrDisagreesWithItsExitCodeFails() throws IOException {
        List<JsonNode> evs = events("call-echo.jsonl");
        ProbeRun cut = fold("call", evs.subList(0, indexOf(evs, "call.answered") + 1));
        ProbeRun.Verdict v = cut.verdict(70, false);
        assertFalse(v.success());
        assertEquals("INTERNAL", v.layer());
        assertEquals(ProbeRun.NO_VERDICT_CAUSE, v.cause());
        ProbeRun all = fold("call", evs);
        assertFalse(all.verdict(1, false).success(), "passed in run.finished but the process exited 1");
    }

    @Test
    void openMetricsIsWrittenWhenAsked() throws IOException {
        ProbeRun r = fold("config", events("config-404.jsonl"));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        OpenMetricsTextFormatWriter w = new OpenMetricsTextFormatWriter(false, false);
        assertTrue(w.accepts("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"));
        w.write(o, r.metrics(r.verdict(3, false), 0.5, false), EscapingScheme.DEFAULT);
        String s = o.toString(StandardCharsets.UTF_8);
        assertTrue(s.endsWith("# EOF\n"));
        assertTrue(s.contains("# TYPE dialtone_failure info"), s);
        assertTrue(s.contains("dialtone_failure_info{cause=\"CONFIG_FETCH_FAILED\",layer=\"CONFIG\"} 1"), s);
    }

    static int indexOf(List<JsonNode> evs, String type) {
        for (int i = 0; i < evs.size(); i++) {
            if (evs.get(i).path("type").asText().equals(type)) {
                return i;
            }
        }
        throw new AssertionError(type);
    }
}
