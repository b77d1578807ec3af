package dialtone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dialtone.event.CallEvent;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.MediaEvent;
import dialtone.event.MediaStats;
import dialtone.event.ProbeEvent;
import dialtone.event.RunEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The HTML pages, byte for byte, against the files HtmlReport wrote for the same events before it was split along
 * its jobs (ladder, charts, probe table, merge page, page and CSS). {@code -Ddialtone.golden.write=DIR} writes them.
 */
class HtmlGoldenTest {
    static final Instant T0 = HtmlReportTest.T0;
    static final String EVIL = "<b>&amp;</b> \u001b[2J\u202e";

    static List<Event> call(String sc, int offsetMs, boolean fail) {
        List<Event> l = new ArrayList<>();
        for (Event e : HtmlReportTest.call()) {
            if (e instanceof RunEvent) {
                continue;
            }
            l.add(e);
        }
        List<Event> out = new ArrayList<>(l); // the SIP events' scenario is rewritten on the JSON lines
        Instant t = T0.plusMillis(offsetMs);
        out.add(new MediaEvent.Candidate(t.plusMillis(60), sc, "srflx", "udp", "192.0.2.1", 50000, null));
        out.add(new MediaEvent.SelectedPair(t.plusMillis(70), sc, "srflx", "udp", "192.0.2.1:50000", "host",
                "203.0.113.9:40000", null, 12.5));
        out.add(new MediaEvent.Dtls(t.plusMillis(80), sc, "connected", "client", "DTLSv1.2", "ECDHE", "SRTP_AES128",
                "AB:CD", true));
        long recv = 0;
        for (int i = 0; i < 12; i++) {
            recv += i >= 5 && i < 7 ? 0 : 50;
            out.add(new MediaEvent.Stats(t.plusSeconds(1 + i), sc, new MediaStats(recv, i == 3 ? 2 : 0, 50L * i,
                    160L * recv, 8000L * i, 64, 64, 2.5 + i % 3, 40, 0.2, "audio/PCMU")));
        }
        out.add(new CallEvent.DtmfSent(t.plusSeconds(4), sc, "12#", "info"));
        out.add(new MediaEvent.Outage(t.plusMillis(7_300), sc, t.plusMillis(5_000), t.plusMillis(7_000), 2000,
                "no-packets", true, false, 0, "media outage of 2.00 s: no RTP packet arrived " + EVIL));
        out.add(new MediaEvent.Presence(t.plusSeconds(13), sc, 50, 50, 84.2, 100, 0, 100, 12, 600, 100, 1, 2000, 2000,
                null, false));
        out.add(new CallEvent.Check(t.plusSeconds(13), sc, "expect-tone 1000", !fail, "1000 Hz carries 98% " + EVIL));
        if (fail) {
            out.add(new CallEvent.Failed(t.plusSeconds(13), sc, Failure.of(Layer.MEDIA,
                    dialtone.event.Cause.ICE_FAILED, "ICE failed " + EVIL)));
        }
        out.add(new CallEvent.Summary(t.plusSeconds(14), sc, 40, 13000, fail ? -1 : 4.2, null));
        return out;
    }

    static List<com.fasterxml.jackson.databind.node.ObjectNode> withScenario(List<Event> events, String sc) {
        List<com.fasterxml.jackson.databind.node.ObjectNode> l = HtmlReportTest.lines(events);
        if (sc != null) {
            for (int i = 0; i < l.size(); i++) {
                if (!l.get(i).path("type").asText().startsWith("run.")) {
                    l.get(i).put("scenario", sc);
                }
            }
        }
        return l;
    }

    /** Map.of's order changes from one JVM to the next. */
    static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static String oneCall() {
        List<Event> l = new ArrayList<>();
        l.add(new RunEvent.Started(T0, "call", 1, "dialtone", "test", "call"));
        l.addAll(call("call", 0, true));
        l.add(new RunEvent.Finished(T0.plusSeconds(15), "call", false, 4, 15_000, Failure.of(Layer.MEDIA,
                dialtone.event.Cause.ICE_FAILED, "ICE failed " + EVIL), Map.of()));
        short[] s = new short[8000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (16000 * Math.sin(2 * Math.PI * 1000 * i / 8000.0));
        }
        RecordingView v = RecordingView.of(Path.of("x.wav"), false, f -> new RecordingView.Pcm(s, 8000));
        HtmlReport.Page p = HtmlReport.render(HtmlReportTest.lines(l), List.of(v), 3, "sip.received 3");
        return p.fill(p.text());
    }

    static String load() {
        List<com.fasterxml.jackson.databind.node.ObjectNode> l = new ArrayList<>();
        l.addAll(HtmlReportTest.lines(List.of(new RunEvent.Started(T0, "load", 1, "dialtone", "test", "load"))));
        l.addAll(withScenario(call("call#1", 0, false), "call#1"));
        l.addAll(withScenario(call("call#2", 500, true), "call#2"));
        l.addAll(HtmlReportTest.lines(List.of(
                new RunEvent.LoadStep(T0.plusSeconds(20), "load", 1, 2, 2, 1, 1, false, true, null, null,
                        ordered("frameLateMsP95Max", 12, "cpuCoresMax", 0.8, "mosMin", 4.2)),
                new RunEvent.Finished(T0.plusSeconds(21), "load", false, 4, 21_000, Failure.of(Layer.MEDIA,
                        dialtone.event.Cause.ICE_FAILED, "1 of 2 calls failed"), Map.of("capacity", 2)))));
        return HtmlReport.render(l, List.of(), 0).text();
    }

    static String probe() {
        List<Event> l = new ArrayList<>();
        l.add(new RunEvent.Started(T0, "probe", 1, "dialtone", "test", "probe"));
        l.add(new ProbeEvent.Check(T0.plusMillis(10), "probe", "dns", "sip.example.com", null, true, 3, "2 addresses",
                Map.of("addresses", "192.0.2.1")));
        l.add(new ProbeEvent.Check(T0.plusMillis(20), "probe", "stun", "stun.example.com:3478", "udp", true, 20,
                "mapped 192.0.2.1:5000", Map.of("mapped", "192.0.2.1:5000")));
        l.add(new ProbeEvent.Check(T0.plusMillis(30), "probe", "turn", "turn.example.com:3478", "udp", false, 900,
                "allocation refused " + EVIL, Map.of()));
        l.add(new ProbeEvent.Check(T0.plusMillis(40), "probe", "turn", "turn.example.com:443", "tls", true, 90,
                "relayed", Map.of("relayed", "198.51.100.1:6000")));
        l.add(new ProbeEvent.Verdict(T0.plusMillis(50), "probe", List.of("direct UDP", "TURNS"), false, null, 3, 1));
        l.add(new RunEvent.Finished(T0.plusSeconds(1), "probe", true, 0, 1000, null, Map.of()));
        return HtmlReport.render(HtmlReportTest.lines(l), List.of(), 0).text();
    }

    static String merge() {
        List<MergeReport.Unit> units = List.of(
                new MergeReport.Unit("a.jsonl", "call", true, null, null, null, 120, 40, 4.3),
                new MergeReport.Unit("b.jsonl", "call#2 " + EVIL, false, "MEDIA", "ICE_FAILED", EVIL, 300, -1, -1));
        Map<String, Object> fig = new java.util.LinkedHashMap<>();
        fig.put("runs", 2);
        fig.put("calls", 2);
        fig.put("setupMsP50", 120L);
        fig.put("setupMsP95", 300L);
        fig.put("mosMin", 4.3);
        fig.put("mosP5", 4.3);
        fig.put("mosP50", 4.3);
        Map<String, Integer> hist = new java.util.LinkedHashMap<>();
        hist.put("4.3-4.5", 1);
        hist.put("4.0-4.3", 0);
        MergeReport.Summary s = new MergeReport.Summary(false, 2, 1, 2, 1, 0.5, 0, fig,
                List.of(new MergeReport.Group("MEDIA/ICE_FAILED", 1, "b.jsonl call#2: " + EVIL, "media")), hist,
                List.of(new MergeReport.Run("a.jsonl", "call", true, 0, 1, null, null),
                        new MergeReport.Run("b.jsonl", "load " + EVIL, false, 4, 1, "ICE failed " + EVIL, "2/2")),
                units, "media");
        return HtmlReport.renderMerge(s).text();
    }

    @Test
    void aCallsPageIsUnchanged() throws Exception {
        String page = oneCall();
        assertEquals(JUnitGoldenTest.golden("html-call.html", page), page);
    }

    @Test
    void aLoadPageIsUnchanged() throws Exception {
        String page = load();
        assertEquals(JUnitGoldenTest.golden("html-load.html", page), page);
    }

    @Test
    void aProbePageIsUnchanged() throws Exception {
        String page = probe();
        assertEquals(JUnitGoldenTest.golden("html-probe.html", page), page);
    }

    @Test
    void aMergePageIsUnchanged() throws Exception {
        String page = merge();
        assertEquals(JUnitGoldenTest.golden("html-merge.html", page), page);
    }
}
