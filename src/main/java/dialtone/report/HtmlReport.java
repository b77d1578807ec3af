package dialtone.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dialtone.support.Printable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML report: one self-contained page from a run's JSON-lines events (already redacted). Hand-drawn SVG, no
 * script: it opens from disk or as a CI artifact under the strictest content security policy (Jenkins serves
 * artifacts with scripts off), nothing on the page can run, and it has no library to keep up to date. Its own
 * policy ({@code default-src 'none'}) forbids every fetch, so it cannot reach the network even by mistake.
 *
 * <p>Sections: the verdict (the failing layer and cause in plain words), checks, phase timings, a SIP ladder per
 * call (each arrow links to the message), ICE, DTLS and TLS facts, per-second charts with markers, the recording,
 * probe checks, a load or merge summary, and the full event list. Every text that came from outside is escaped
 * ({@link Printable} for control characters, then HTML).
 *
 * <p>This class lays out a run's page and writes the sections of its own (verdict, checks, phases, calls, network
 * facts, load ramp, summary, timeline); the others are {@link SipLadder}, {@link Charts} (with the recording),
 * {@link ProbeTable} and the merge's {@link MergePage}, all writing into one {@link HtmlPage} styled by {@link Css}.
 */
public final class HtmlReport extends HtmlPage {
    /** Ladders and charts for at most this many calls (failed ones first); the rest are in the tables. */
    static final int MAX_CALLS_DRAWN = 20;

    private HtmlReport() {
    }

    /**
     * A rendered page: its text with placeholders where the data URIs (the spectrogram, the audio) go, so that the
     * text can be redacted without touching the data, then {@link #fill filled}.
     */
    public record Page(String text, List<String> data) {
        public String fill(String redactedText) {
            String page = redactedText;
            for (int i = 0; i < data.size(); i++) {
                page = page.replace("@@DIALTONE-DATA-" + i + "@@", data.get(i));
            }
            return page;
        }
    }

    /** The page for one run. {@code dropped} events beyond the report's bound are said, not shown. */
    public static Page render(List<ObjectNode> events, List<RecordingView> recordings, long dropped) {
        return render(events, recordings, dropped, "");
    }

    /** The same, with what was left out by type ("sip.received 1,204, call.progress 1,180"). */
    public static Page render(List<ObjectNode> events, List<RecordingView> recordings, long dropped, String droppedDetail) {
        HtmlReport r = new HtmlReport();
        r.droppedDetail = droppedDetail == null ? "" : droppedDetail;
        r.run(events, recordings, dropped);
        return r.page();
    }

    /** The page for a merge of runs ({@code dialtone report merge --report}). */
    public static Page renderMerge(MergeReport.Summary s) {
        MergePage m = new MergePage(new HtmlPage());
        m.merge(s);
        return m.page();
    }


    private void run(List<ObjectNode> events, List<RecordingView> recordings, long dropped) {
        JsonNode started = first(events, "run.started");
        JsonNode finished = last(events, "run.finished");
        String command = started == null ? "?" : text(started, "command");
        boolean passed = finished != null && finished.path("passed").asBoolean(false);
        head("dialtone " + command + ": " + (finished == null ? "INCOMPLETE" : passed ? "PASS" : "FAIL"), passed);
        verdict(started, finished, events);
        checks(events);
        timings(events);
        ramp(events);
        Map<String, List<ObjectNode>> byScenario = new LinkedHashMap<>();
        for (ObjectNode e : events) {
            byScenario.computeIfAbsent(text(e, "scenario"), k -> new ArrayList<>()).add(e);
        }
        List<String> drawn = callsToDraw(byScenario);
        if (byScenario.size() > 1 && events.stream().anyMatch(e -> type(e).equals("call.summary") || type(e).equals("call.failed"))) {
            callTable(byScenario);
        }
        if (drawn.size() > 1) {
            // many calls (load): each call's ladder beside its charts, then the network facts of them all
            for (int i = 0; i < drawn.size(); i++) {
                new SipLadder(this).ladder(drawn.get(i), byScenario.get(drawn.get(i)), i);
                new Charts(this).charts(drawn.get(i), byScenario.get(drawn.get(i)), i);
            }
            network(events);
        } else {
            for (int i = 0; i < drawn.size(); i++) {
                new SipLadder(this).ladder(drawn.get(i), byScenario.get(drawn.get(i)), i);
            }
            network(events);
            for (int i = 0; i < drawn.size(); i++) {
                new Charts(this).charts(drawn.get(i), byScenario.get(drawn.get(i)), i);
            }
        }
        for (RecordingView v : recordings) {
            new Charts(this).recording(v);
        }
        ConversationTrack.append(h, events);
        new ProbeTable(this).probe(events);
        summary(finished);
        timeline(events, dropped);
        footer(started);
    }

    // ---- verdict ----------------------------------------------------------------------------------------------

    private void verdict(JsonNode started, JsonNode finished, List<ObjectNode> events) {
        h.append("<header id=\"verdict\" class=\"verdict\">");
        if (finished == null) {
            h.append("<h1>INCOMPLETE</h1><p>The run did not finish (no <code>run.finished</code> event): it was killed or is still running.</p>");
        } else {
            boolean passed = finished.path("passed").asBoolean(false);
            h.append("<h1>").append(passed ? "PASS" : "FAIL").append("</h1>");
            h.append("<p class=\"what\"><code>dialtone ").append(esc(started == null ? "" : text(started, "command")))
                    .append("</code> exit code <b id=\"exit-code\">").append(finished.path("exitCode").asInt())
                    .append("</b> after ").append(secs(finished.path("durationMs").asLong())).append("</p>");
            JsonNode f = finished.path("failure");
            if (f.isObject()) {
                h.append("<p class=\"cause\">Failed at the <b id=\"failed-layer\">").append(esc(String.valueOf(text(f, "layer")).toLowerCase(Locale.ROOT)))
                        .append("</b> layer (").append(esc(layerWords(text(f, "layer")))).append("): ")
                        .append(esc(text(f, "message"))).append("</p><p class=\"detail\">cause <code>")
                        .append(esc(text(f, "cause"))).append("</code>, caused by ").append(esc(text(f, "originator")));
                if (f.path("status").asInt() > 0) {
                    h.append(", status ").append(f.path("status").asInt()).append(' ').append(esc(text(f, "reason")));
                }
                h.append("</p>");
            }
        }
        List<ObjectNode> warnings = of(events, "run.warning");
        for (ObjectNode w : warnings) {
            h.append("<p class=\"warn\">warning: ").append(esc(text(w, "message"))).append("</p>");
        }
        h.append("</header>\n");
    }

    static String layerWords(String layer) {
        return switch (layer == null ? "" : layer.toLowerCase(Locale.ROOT)) {
            case "config" -> "the endpoint configuration or the flags";
            case "transport" -> "TLS or the WebSocket to the SIP server";
            case "registration" -> "SIP REGISTER";
            case "call" -> "the SIP call: INVITE, answer, BYE";
            case "media" -> "ICE, DTLS or RTP";
            case "audio" -> "the audio heard or the checks on it";
            case "probe" -> "a network check";
            case "overload" -> "dialtone itself could not keep up (CPU)";
            case "internal" -> "dialtone itself";
            default -> "unknown";
        };
    }

    // ---- checks and timings ------------------------------------------------------------------------------------

    private void checks(List<ObjectNode> events) {
        List<ObjectNode> cs = new ArrayList<>();
        for (ObjectNode e : events) {
            if (type(e).equals("call.check") || type(e).equals("call.step")) {
                cs.add(e);
            }
        }
        if (cs.isEmpty()) {
            return;
        }
        h.append("<section id=\"checks\"><h2>Checks and script steps</h2><table><tr><th>t</th><th>call</th><th>check</th><th>result</th><th>detail</th></tr>");
        for (ObjectNode c : cs) {
            boolean ok = c.path("passed").asBoolean();
            String name = type(c).equals("call.step") ? "line " + c.path("line").asInt() + ": " + text(c, "command") : text(c, "name");
            h.append("<tr class=\"").append(ok ? "ok" : "bad").append("\"><td>").append(secs(c.path("t").asLong()))
                    .append("</td><td>").append(esc(text(c, "scenario"))).append("</td><td>").append(esc(name))
                    .append("</td><td>").append(ok ? "pass" : "FAIL").append("</td><td>").append(esc(text(c, "detail")))
                    .append("</td></tr>");
        }
        h.append("</table></section>\n");
    }

    private void timings(List<ObjectNode> events) {
        List<String[]> rows = new ArrayList<>();
        ObjectNode fetched = first(events, "config.fetched");
        if (fetched != null && fetched.path("timing").isObject()) {
            JsonNode t = fetched.path("timing");
            rows.add(new String[] {"configuration (HTTPS GET)", t.path("totalMs").asLong() + " ms",
                "DNS " + t.path("dnsMs").asLong() + ", TCP " + t.path("connectMs").asLong() + ", TLS " + t.path("tlsMs").asLong()
                    + ", first byte " + t.path("firstByteMs").asLong() + " (ms; -1: not measured); HTTP " + fetched.path("status").asInt()
                    + ", " + fetched.path("bytes").asInt() + " bytes"});
        }
        ObjectNode conn = first(events, "transport.connected");
        if (conn != null) {
            rows.add(new String[] {"WebSocket (TCP, TLS, upgrade)", conn.path("handshakeMs").asLong() + " ms",
                esc(text(conn, "url")) + (conn.hasNonNull("remoteAddress") ? ", " + esc(text(conn, "localAddress")) + " → " + esc(text(conn, "remoteAddress")) : "")});
        }
        ObjectNode regSend = first(events, "registration.sending");
        ObjectNode reg = first(events, "registration.registered");
        if (regSend != null && reg != null) {
            rows.add(new String[] {"registration (REGISTER to 200)", (reg.path("t").asLong() - regSend.path("t").asLong()) + " ms",
                "expires " + reg.path("expires").asInt() + " s" + (first(events, "registration.challenged") != null ? ", after a digest challenge" : "")});
        }
        ObjectNode dial = first(events, "call.dialing");
        ObjectNode ans = first(events, "call.answered");
        if (ans != null) {
            rows.add(new String[] {"call setup (INVITE to 200)", ans.path("setupMs").asLong() + " ms", "codec " + esc(text(ans, "codec"))});
        }
        long t0 = dial != null ? dial.path("t").asLong() : ans != null ? ans.path("t").asLong() : -1;
        for (String[] ph : new String[][] {{"media.ice-state", "connected", "ICE connected"},
                {"media.dtls", "connected", "DTLS connected"}}) {
            for (ObjectNode e : of(events, ph[0])) {
                if (ph[1].equals(text(e, "state")) && t0 >= 0) {
                    rows.add(new String[] {ph[2], "+" + (e.path("t").asLong() - t0) + " ms", "after the INVITE"});
                    break;
                }
            }
        }
        ObjectNode fa = first(events, "media.first-audio");
        if (fa != null) {
            rows.add(new String[] {"first remote audio", fa.path("sinceAnswerMs").asLong() + " ms", "after the answer"});
        }
        if (rows.isEmpty()) {
            return;
        }
        h.append("<section id=\"timings\"><h2>Phases</h2><table><tr><th>phase</th><th>time</th><th>detail</th></tr>");
        for (String[] r : rows) {
            h.append("<tr><td>").append(esc(r[0])).append("</td><td class=\"num\">").append(esc(r[1])).append("</td><td>")
                    .append(r[2]).append("</td></tr>");
        }
        h.append("</table></section>\n");
    }

    // ---- calls ---------------------------------------------------------------------------------------------

    private static boolean failedScenario(List<ObjectNode> evs) {
        return evs.stream().anyMatch(e -> type(e).equals("call.failed")
                || (type(e).equals("call.check") && !e.path("passed").asBoolean(true)));
    }

    private static List<String> callsToDraw(Map<String, List<ObjectNode>> byScenario) {
        List<String> failed = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (Map.Entry<String, List<ObjectNode>> e : byScenario.entrySet()) {
            boolean sip = e.getValue().stream().anyMatch(x -> type(x).startsWith("sip.") || type(x).equals("media.stats"));
            if (!sip) {
                continue;
            }
            (failedScenario(e.getValue()) ? failed : other).add(e.getKey());
        }
        List<String> all = new ArrayList<>(failed);
        all.addAll(other);
        return all.size() > MAX_CALLS_DRAWN ? all.subList(0, MAX_CALLS_DRAWN) : all;
    }

    private void callTable(Map<String, List<ObjectNode>> byScenario) {
        h.append("<section id=\"calls\"><h2>Calls</h2><table><tr><th>call</th><th>result</th><th>setup</th><th>MOS</th><th>failure</th></tr>");
        for (Map.Entry<String, List<ObjectNode>> e : byScenario.entrySet()) {
            ObjectNode sum = last(e.getValue(), "call.summary");
            ObjectNode fail = last(e.getValue(), "call.failed");
            if (sum == null && fail == null) {
                continue;
            }
            boolean ok = fail == null && !failedScenario(e.getValue());
            h.append("<tr class=\"").append(ok ? "ok" : "bad").append("\"><td>").append(esc(e.getKey())).append("</td><td>")
                    .append(ok ? "pass" : "FAIL").append("</td><td class=\"num\">")
                    .append(sum == null ? "" : sum.path("setupMs").asLong() + " ms").append("</td><td class=\"num\">")
                    .append(sum == null || sum.path("mos").asDouble(-1) < 0 ? "" : String.format(Locale.ROOT, "%.2f", sum.path("mos").asDouble()))
                    .append("</td><td>").append(fail == null ? "" : esc(text(fail.path("failure"), "layer") + "/" + text(fail.path("failure"), "cause")
                            + ": " + text(fail.path("failure"), "message"))).append("</td></tr>");
        }
        h.append("</table></section>\n");
    }

    // ---- ICE, DTLS, TLS --------------------------------------------------------------------------------------

    private void network(List<ObjectNode> events) {
        List<ObjectNode> cands = of(events, "media.candidate");
        ObjectNode pair = last(events, "media.selected-pair");
        ObjectNode dtls = null;
        for (ObjectNode d : of(events, "media.dtls")) {
            if ("connected".equals(text(d, "state"))) {
                dtls = d;
            }
        }
        ObjectNode cfgTls = first(events, "config.tls");
        ObjectNode conn = first(events, "transport.connected");
        if (cands.isEmpty() && pair == null && dtls == null && cfgTls == null && conn == null) {
            return;
        }
        h.append("<section id=\"network\"><h2>TLS, ICE and DTLS</h2>");
        if (cfgTls != null && cfgTls.path("tls").isObject()) {
            tlsTable("HTTPS (configuration)", cfgTls.path("tls"));
        }
        if (conn != null && conn.path("tls").isObject()) {
            tlsTable("WSS (SIP)", conn.path("tls"));
        }
        if (!cands.isEmpty()) {
            h.append("<h3>Local candidates</h3><table id=\"candidates\"><tr><th>call</th><th>type</th><th>protocol</th><th>address</th><th>relay via</th></tr>");
            for (ObjectNode c : cands) {
                h.append("<tr><td>").append(esc(text(c, "scenario"))).append("</td><td>").append(esc(text(c, "candidateType")))
                        .append("</td><td>").append(esc(text(c, "protocol"))).append("</td><td>").append(esc(text(c, "address")))
                        .append(':').append(c.path("port").asInt()).append("</td><td>").append(esc(text(c, "relayProtocol")))
                        .append("</td></tr>");
            }
            h.append("</table>");
        }
        if (pair != null) {
            h.append("<h3>Selected pair</h3><table id=\"selected-pair\"><tr><th>local</th><th>remote</th><th>RTT</th></tr><tr><td>")
                    .append(esc(text(pair, "localType") + " " + text(pair, "localProtocol") + " " + text(pair, "localAddress")))
                    .append(pair.hasNonNull("relayProtocol") ? esc(" (relayed over " + text(pair, "relayProtocol") + ")") : "")
                    .append("</td><td>").append(esc(text(pair, "remoteType") + " " + text(pair, "remoteAddress")))
                    .append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%.1f ms", pair.path("rttMs").asDouble()))
                    .append("</td></tr></table>");
        }
        List<ObjectNode> states = new ArrayList<>(of(events, "media.ice-state"));
        if (!states.isEmpty()) {
            h.append("<p>ICE states: ");
            for (int i = 0; i < states.size(); i++) {
                h.append(i == 0 ? "" : " → ").append(esc(text(states.get(i), "state"))).append(" <small>")
                        .append(secs(states.get(i).path("t").asLong())).append("</small>");
            }
            h.append("</p>");
        }
        if (dtls != null) {
            Boolean match = dtls.path("fingerprintMatches").isBoolean() ? dtls.path("fingerprintMatches").asBoolean() : null;
            h.append("<h3>DTLS-SRTP</h3><table id=\"dtls\"><tr><th>role</th><td>").append(esc(text(dtls, "role")))
                    .append("</td></tr><tr><th>version</th><td>").append(esc(text(dtls, "tlsVersion")))
                    .append("</td></tr><tr><th>cipher</th><td>").append(esc(text(dtls, "cipher")))
                    .append("</td></tr><tr><th>SRTP profile</th><td>").append(esc(text(dtls, "srtpProfile")))
                    .append("</td></tr><tr><th>remote fingerprint</th><td class=\"").append(match == null ? "" : match ? "ok" : "bad")
                    .append("\">").append(esc(text(dtls, "remoteFingerprint"))).append(match == null ? "" : match
                            ? " (matches the SDP)" : " (DOES NOT match the SDP)").append("</td></tr></table>");
        }
        h.append("</section>\n");
    }

    private void tlsTable(String what, JsonNode t) {
        h.append("<h3>").append(esc(what)).append("</h3><table class=\"tls\"><tr><th>version</th><td>").append(esc(text(t, "protocol")))
                .append("</td></tr><tr><th>cipher</th><td>").append(esc(text(t, "cipherSuite")))
                .append("</td></tr><tr><th>certificate</th><td>").append(esc(text(t, "subject")))
                .append("</td></tr><tr><th>issuer</th><td>").append(esc(text(t, "issuer")))
                .append("</td></tr><tr><th>valid until</th><td>").append(esc(text(t, "notAfter")))
                .append("</td></tr><tr><th>names</th><td>").append(esc(text(t, "subjectAltNames"))).append("</td></tr></table>");
    }

    // ---- load: dialtone's own pace, the ramp's steps ------------------------------------------------------------

    /**
     * {@code load --ramp}: one row per step (calls held at once, passed, the step's worst second of dialtone's own
     * pacing, its CPU, MOS, the verdict and the side that saturated), a bar per step; and every stretch in which
     * dialtone itself was behind ({@code run.overloaded}).
     */
    private void ramp(List<ObjectNode> events) {
        List<ObjectNode> steps = of(events, "load.step");
        List<ObjectNode> behind = of(events, "run.overloaded");
        if (steps.isEmpty() && behind.isEmpty()) {
            return;
        }
        h.append("<section id=\"capacity\"><h2>Capacity and dialtone's own pace</h2>");
        if (!steps.isEmpty()) {
            int max = steps.stream().mapToInt(e -> e.path("concurrency").asInt()).max().orElse(1);
            h.append("<table><tr><th>step</th><th>calls at once</th><th>passed</th><th>frames late p95 (ms)</th>"
                    + "<th>CPU (cores)</th><th>MOS min</th><th>verdict</th><th></th></tr>");
            for (ObjectNode st : steps) {
                JsonNode sum = st.path("summary");
                boolean ok = st.path("stepPassed").asBoolean();
                int c = st.path("concurrency").asInt();
                h.append("<tr><td>").append(st.path("step").asInt()).append("</td><td>").append(c).append("</td><td>")
                        .append(st.path("passed").asInt()).append("</td><td>").append(esc(sum.path("frameLateMsP95Max").asText("-")))
                        .append("</td><td>").append(esc(sum.path("cpuCoresMax").asText("-"))).append("</td><td>")
                        .append(esc(sum.path("mosMin").asText("-"))).append("</td><td class=\"").append(ok ? "step-pass" : "step-fail")
                        .append("\">").append(ok ? "PASS" : "FAIL: " + esc(text(st, "saturated")) + " saturated ("
                                + esc(text(st, "reason")) + ")")
                        .append("</td><td><svg width=\"200\" height=\"12\"><rect width=\"").append(200 * c / Math.max(1, max))
                        .append("\" height=\"12\" fill=\"").append(ok ? "#2ca02c" : "#d62728").append("\"/></svg></td></tr>");
            }
            h.append("</table>");
        }
        for (ObjectNode o : behind) {
            h.append("<p class=\"").append("behind".equals(text(o, "state")) ? "step-fail" : "step-warn").append("\">")
                    .append(esc(text(o, "message"))).append("</p>");
        }
        h.append("</section>\n");
    }

    // ---- summary, timeline, footer -------------------------------------------------------------------------------

    private void summary(JsonNode finished) {
        if (finished == null || !finished.path("summary").isObject() || finished.path("summary").isEmpty()) {
            return;
        }
        h.append("<section id=\"summary\"><h2>Summary</h2><table>");
        finished.path("summary").fields().forEachRemaining(e -> h.append("<tr><th>").append(esc(e.getKey())).append("</th><td>")
                .append(esc(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString())).append("</td></tr>"));
        h.append("</table></section>\n");
    }

    private String droppedDetail = "";

    private void timeline(List<ObjectNode> events, long dropped) {
        h.append("<section id=\"timeline\"><details><summary>All ").append(events.size()).append(" events</summary>");
        if (dropped > 0) {
            h.append("<p class=\"warn\" id=\"dropped\">").append(String.format(Locale.ROOT, "%,d", dropped))
                    .append(" more events were left out of this report to bound its size")
                    .append(droppedDetail.isEmpty() ? "" : " (" + esc(droppedDetail) + ")")
                    .append("; the verdicts are all here, and the JSON lines account for every event.</p>");
        }
        h.append("<table class=\"events\"><tr><th>t (s)</th><th>scenario</th><th>type</th><th>fields</th></tr>");
        for (ObjectNode e : events) {
            ObjectNode rest = e.deepCopy();
            rest.remove(List.of("type", "t", "tUs", "at", "scenario", "raw"));
            h.append("<tr><td class=\"num\">").append(String.format(Locale.ROOT, "%.3f", e.path("t").asLong() / 1000.0)).append("</td><td>")
                    .append(esc(text(e, "scenario"))).append("</td><td>").append(esc(type(e))).append("</td><td><code>")
                    .append(esc(clip(rest.toString(), 600))).append("</code></td></tr>");
        }
        h.append("</table></details></section>\n");
    }

    private void footer(JsonNode started) {
        h.append("<footer>Written by ").append(esc(started == null ? "dialtone" : text(started, "tool") + " " + text(started, "version")))
                .append(", JSON-lines schema ").append(started == null ? "?" : started.path("schemaVersion").asInt())
                .append(". Secrets are masked as in every other output.</footer>\n</body></html>\n");
    }

}
