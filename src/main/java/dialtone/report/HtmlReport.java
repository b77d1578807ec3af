package dialtone.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dialtone.event.MediaStats;
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
 */
public final class HtmlReport {
    /** Ladders and charts for at most this many calls (failed ones first); the rest are in the tables. */
    static final int MAX_CALLS_DRAWN = 20;

    private final StringBuilder h = new StringBuilder(64 * 1024);
    private final List<String> data = new ArrayList<>();

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
        return new Page(r.h.toString(), List.copyOf(r.data));
    }

    /** The page for a merge of runs ({@code dialtone report merge --report}). */
    public static Page renderMerge(MergeReport.Summary s) {
        HtmlReport r = new HtmlReport();
        r.merge(s);
        return new Page(r.h.toString(), List.copyOf(r.data));
    }

    /** Data URIs are kept out of the text until the end, so that redaction never touches them. */
    private String dataRef(String uri) {
        data.add(uri);
        return "@@DIALTONE-DATA-" + (data.size() - 1) + "@@";
    }

    // ---------------------------------------------------------------------------------------------------------

    private void head(String title, boolean passed) {
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; media-src data:\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(title)).append("</title><style>").append(CSS).append("</style></head>\n<body class=\"")
                .append(passed ? "pass" : "fail").append("\">\n");
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
                ladder(drawn.get(i), byScenario.get(drawn.get(i)), i);
                charts(drawn.get(i), byScenario.get(drawn.get(i)), i);
            }
            network(events);
        } else {
            for (int i = 0; i < drawn.size(); i++) {
                ladder(drawn.get(i), byScenario.get(drawn.get(i)), i);
            }
            network(events);
            for (int i = 0; i < drawn.size(); i++) {
                charts(drawn.get(i), byScenario.get(drawn.get(i)), i);
            }
        }
        for (RecordingView v : recordings) {
            recording(v);
        }
        ConversationTrack.append(h, events);
        probe(events);
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

    // ---- SIP ladder ----------------------------------------------------------------------------------------

    /** A SIP message as the ladder needs it. */
    record Msg(long t, boolean sent, String startLine, String raw, boolean farEnd) {
    }

    /**
     * Which party a message is to or from, as its headers say: all of them cross the one WebSocket to the server;
     * those of the INVITE dialog (and an incoming call) go on to the far end, REGISTER, out-of-dialog OPTIONS, and
     * the hop-by-hop 100 and proxy challenges stop at the server.
     */
    static boolean farEnd(boolean sent, String startLine, String raw) {
        String method;
        boolean response = startLine.startsWith("SIP/2.0");
        if (response) {
            String[] parts = startLine.split(" ", 3);
            int status = parts.length > 1 && parts[1].matches("\\d{3}") ? Integer.parseInt(parts[1]) : 0;
            method = cseqMethod(raw);
            if (!sent && (status == 100 || status == 401 || status == 407)) {
                return false;
            }
        } else {
            method = startLine.split(" ", 2)[0];
        }
        if (method.equals("REGISTER") || method.equals("CANCEL")) {
            return false; // the registrar; CANCEL is hop-by-hop (RFC 3261 §9.2)
        }
        if (method.equals("OPTIONS") || method.equals("NOTIFY") || method.equals("SUBSCRIBE")) {
            return hasToTag(raw);
        }
        return true;
    }

    static String header(String raw, String name, String compact) {
        for (String line : raw.split("\r?\n")) {
            if (line.isEmpty()) {
                break;
            }
            int c = line.indexOf(':');
            if (c > 0) {
                String n = line.substring(0, c).trim();
                if (n.equalsIgnoreCase(name) || (compact != null && n.equalsIgnoreCase(compact))) {
                    return line.substring(c + 1).trim();
                }
            }
        }
        return null;
    }

    private static String cseqMethod(String raw) {
        String v = header(raw, "CSeq", null);
        if (v == null) {
            return "";
        }
        String[] p = v.trim().split("\\s+");
        return p.length > 1 ? p[1] : "";
    }

    private static boolean hasToTag(String raw) {
        String to = header(raw, "To", "t");
        return to != null && to.toLowerCase(Locale.ROOT).contains(";tag=");
    }

    private void ladder(String scenario, List<ObjectNode> evs, int index) {
        List<Msg> msgs = messages(evs);
        if (msgs.isEmpty()) {
            return;
        }
        ObjectNode conn = first(evs, "transport.connected");
        String local = conn == null ? null : text(conn, "localAddress");
        String server = conn == null ? null : text(conn, "remoteAddress");
        String farLabel = farEndLabel(msgs);
        String id = "c" + index;
        int laneA = 90;
        int laneB = 380;
        int laneC = 670;
        int rowH = 28;
        int top = 64;
        int height = top + msgs.size() * rowH + 20;
        h.append("<section class=\"ladder-section\" id=\"ladder-").append(id).append("\"><h2>SIP ladder: ")
                .append(esc(scenario)).append("</h2><p class=\"note\">Every message crosses the one WebSocket to the server; ")
                .append("arrows that go on to the far end are the ones its headers place in the call (proxied by the server). ")
                .append("Click an arrow for the message (credentials masked).</p><div class=\"ladder-wrap\">")
                .append("<svg class=\"ladder\" data-messages=\"").append(msgs.size()).append("\" width=\"760\" height=\"")
                .append(height).append("\" viewBox=\"0 0 760 ").append(height).append("\" role=\"img\" aria-label=\"SIP ladder\">")
                .append("<defs><marker id=\"ah-").append(id).append("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/></marker></defs>");
        lane(laneA, "dialtone", local, height);
        lane(laneB, "SIP server", server, height);
        lane(laneC, "far end", farLabel, height);
        for (int i = 0; i < msgs.size(); i++) {
            Msg m = msgs.get(i);
            int y = top + i * rowH + 16;
            int to = m.farEnd() ? laneC : laneB;
            int x1 = m.sent() ? laneA : to;
            int x2 = m.sent() ? to : laneA;
            String cls = m.startLine().startsWith("SIP/2.0") ? (m.startLine().matches("SIP/2\\.0 [3-6]\\d\\d.*") ? "arrow resp err" : "arrow resp") : "arrow req";
            h.append("<a href=\"#").append(id).append("-m").append(i).append("\" class=\"").append(cls)
                    .append("\" data-index=\"").append(i).append("\"><title>").append(esc(clip(m.startLine(), 200))).append("</title>")
                    .append("<rect x=\"").append(Math.min(x1, x2)).append("\" y=\"").append(y - 18).append("\" width=\"")
                    .append(Math.abs(x2 - x1)).append("\" height=\"24\" fill=\"transparent\"/>")
                    .append("<line x1=\"").append(x1).append("\" y1=\"").append(y).append("\" x2=\"").append(x2).append("\" y2=\"").append(y)
                    .append("\" marker-end=\"url(#ah-").append(id).append(")\"/>");
            if (m.farEnd()) {
                h.append("<circle cx=\"").append(laneB).append("\" cy=\"").append(y).append("\" r=\"3\"/>");
            }
            int lx = (x1 + x2) / 2;
            h.append("<text x=\"").append(lx).append("\" y=\"").append(y - 5).append("\" text-anchor=\"middle\">")
                    .append(esc(clip(m.startLine().startsWith("SIP/2.0") ? m.startLine().substring(8) : requestLabel(m.startLine()), 44)))
                    .append("</text></a><text class=\"time\" x=\"4\" y=\"").append(y + 4).append("\">")
                    .append(String.format(Locale.ROOT, "%.3f", m.t() / 1000.0)).append("</text>");
        }
        h.append("</svg><div class=\"messages\">");
        for (int i = 0; i < msgs.size(); i++) {
            Msg m = msgs.get(i);
            h.append("<div class=\"msg\" id=\"").append(id).append("-m").append(i).append("\"><h4>")
                    .append(m.sent() ? "sent" : "received").append(" at ").append(String.format(Locale.ROOT, "%.3f s", m.t() / 1000.0))
                    .append(m.farEnd() ? " (dialog, via the server)" : " (server)").append("</h4><pre>")
                    .append(escPre(m.raw())).append("</pre></div>");
        }
        h.append("<div class=\"msg-hint\">Click an arrow to see its message here.</div></div></div></section>\n");
    }

    /**
     * The run's SIP messages with their far party. An ACK is end-to-end only for a 2xx; for a non-2xx final response
     * it is hop-by-hop and ends at the server (RFC 3261 §17.1.1.3), whoever sent the response.
     */
    static List<Msg> messages(List<ObjectNode> evs) {
        List<Msg> msgs = new ArrayList<>();
        Map<String, Integer> finals = new java.util.HashMap<>();
        Map<String, Boolean> requests = new java.util.HashMap<>();
        for (ObjectNode e : evs) {
            if (!type(e).equals("sip.sent") && !type(e).equals("sip.received")) {
                continue;
            }
            boolean sent = type(e).equals("sip.sent");
            String sl = text(e, "summary") == null ? "" : text(e, "summary");
            String raw = text(e, "raw") == null ? "" : text(e, "raw");
            String cseq = header(raw, "CSeq", null);
            String key = header(raw, "Call-ID", "i") + "/" + (cseq == null ? "" : cseq.trim().split("\\s+")[0]);
            boolean response = sl.startsWith("SIP/2.0 ");
            String txKey = key + "/" + (response ? cseqMethod(raw) : sl.split(" ", 2)[0]);
            boolean far;
            if (sl.startsWith("ACK ")) {
                Integer st = finals.get(key);
                far = st == null || (st >= 200 && st < 300);
            } else if (response && requests.containsKey(txKey) && farEnd(sent, sl, raw)) {
                far = requests.get(txKey); // a response comes back the way its request went
            } else {
                far = farEnd(sent, sl, raw);
            }
            if (!response) {
                requests.put(txKey, far);
            }
            if (sl.startsWith("SIP/2.0 ") && "INVITE".equals(cseqMethod(raw))) {
                String[] p = sl.split(" ", 3);
                if (p.length > 1 && p[1].matches("[2-6]\\d\\d")) {
                    finals.put(key, Integer.parseInt(p[1]));
                }
            }
            msgs.add(new Msg(e.path("t").asLong(), sent, sl, raw, far));
        }
        return msgs;
    }

    private static String requestLabel(String startLine) {
        String[] p = startLine.split(" ");
        return p.length >= 2 ? p[0] + " " + (p[1].length() > 30 ? p[1].substring(0, 30) + "…" : p[1]) : startLine;
    }

    private void lane(int x, String name, String sub, int height) {
        h.append("<g class=\"lane\"><text x=\"").append(x).append("\" y=\"20\" text-anchor=\"middle\" class=\"lane-name\">")
                .append(esc(name)).append("</text>");
        if (sub != null) {
            h.append("<text x=\"").append(x).append("\" y=\"36\" text-anchor=\"middle\" class=\"lane-sub\">").append(esc(clip(sub, 44)))
                    .append("</text>");
        }
        h.append("<line x1=\"").append(x).append("\" y1=\"46\" x2=\"").append(x).append("\" y2=\"").append(height - 6)
                .append("\"/></g>");
    }

    /** The far end as its headers name it: the dialog's remote URI and its Server or User-Agent. */
    private static String farEndLabel(List<Msg> msgs) {
        String uri = null;
        String agent = null;
        for (Msg m : msgs) {
            if (!m.farEnd()) {
                continue;
            }
            boolean request = !m.startLine().startsWith("SIP/2.0");
            if (uri == null && request && m.startLine().startsWith("INVITE")) {
                String v = header(m.raw(), m.sent() ? "To" : "From", m.sent() ? "t" : "f");
                uri = v == null ? null : v.replaceAll(";tag=.*", "");
            }
            if (agent == null && !m.sent()) {
                String a = header(m.raw(), request ? "User-Agent" : "Server", null);
                agent = a;
            }
        }
        String s = uri == null ? "" : uri;
        if (agent != null) {
            s = s + (s.isEmpty() ? "" : " ") + "(" + agent + ")";
        }
        return s.isEmpty() ? null : s;
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

    // ---- charts ---------------------------------------------------------------------------------------------

    record Marker(double t, String label) {
    }

    /** A span of a chart (seconds since the run started): an outage, shaded; {@code failing} ones in red. */
    record Span(double t0, double t1, String label, boolean failing) {
    }

    /** The media.outage events of a call as spans: their ISO start and end placed on the run's clock by the event's t. */
    static List<Span> outageSpans(List<ObjectNode> evs) {
        List<Span> out = new ArrayList<>();
        for (ObjectNode e : of(evs, "media.outage")) {
            try {
                java.time.Instant at = java.time.Instant.parse(e.path("at").asText());
                java.time.Instant start = java.time.Instant.parse(e.path("start").asText());
                java.time.Instant end = java.time.Instant.parse(e.path("end").asText());
                double t = e.path("t").asLong() / 1000.0;
                double t0 = t - java.time.Duration.between(start, at).toNanos() / 1e9;
                double t1 = t - java.time.Duration.between(end, at).toNanos() / 1e9;
                out.add(new Span(t0, t1, String.format(Locale.ROOT, "outage %.2f s (%s)", e.path("lengthMs").asLong() / 1000.0,
                        text(e, "cause")), e.path("failing").asBoolean()));
            } catch (RuntimeException x) {
                // an event without its times is left off the charts (the timeline still has it)
            }
        }
        return out;
    }

    private void charts(String scenario, List<ObjectNode> evs, int index) {
        List<ObjectNode> stats = of(evs, "media.stats");
        if (stats.isEmpty()) {
            return;
        }
        int n = stats.size();
        double[] ts = new double[n];
        double[] in = new double[n];
        double[] out = new double[n];
        double[] loss = new double[n];
        double[] jitter = new double[n];
        double[] rtt = new double[n];
        double[] level = new double[n];
        double[] mos = new double[n];
        double[] recvRate = new double[n];
        double[] sentRate = new double[n];
        double[] expectedRate = new double[n];
        List<Span> spans = outageSpans(evs);
        ObjectNode presence = last(evs, "media.presence");
        double perSecond = presence == null ? -1 : presence.path("expectedPerSecondIn").asDouble(-1);
        double perSecondOut = presence == null ? -1 : presence.path("expectedPerSecondOut").asDouble(-1);
        long prevRecv = 0;
        long prevLost = 0;
        long prevSent = 0;
        for (int i = 0; i < n; i++) {
            JsonNode s = stats.get(i).path("stats");
            ts[i] = stats.get(i).path("t").asLong() / 1000.0;
            in[i] = s.path("bitrateInKbps").asDouble(-1);
            out[i] = s.path("bitrateOutKbps").asDouble(-1);
            long recv = s.path("packetsReceived").asLong();
            long lost = s.path("packetsLost").asLong();
            long dr = Math.max(0, recv - prevRecv);
            long dl = Math.max(0, lost - prevLost);
            loss[i] = dr + dl == 0 ? -1 : 100.0 * dl / (dr + dl);
            jitter[i] = s.path("jitterMs").asDouble(-1);
            rtt[i] = s.path("rttMs").asDouble(-1);
            level[i] = s.path("audioLevel").asDouble(-1);
            long sent = s.path("packetsSent").asLong();
            double dtS = i == 0 ? -1 : ts[i] - ts[i - 1];
            recvRate[i] = dtS <= 0.2 ? -1 : Math.max(0, recv - prevRecv) / dtS;
            sentRate[i] = dtS <= 0.2 ? -1 : Math.max(0, sent - prevSent) / dtS;
            expectedRate[i] = perSecond > 0 ? perSecond : perSecondOut;
            // an interval with an outage has missing packets whether or not sequence numbers said so (a paused sender)
            long missing = 0;
            if (i > 0 && perSecond > 0) {
                for (Span sp : spans) {
                    double overlap = Math.min(sp.t1(), ts[i]) - Math.max(sp.t0(), ts[i - 1]);
                    missing += overlap > 0 ? Math.round(overlap * perSecond) : 0;
                }
            }
            mos[i] = dr == 0 && missing > 0 ? 1.0 // nothing came in an outage: the worst, not "not measured"
                    : MediaStats.mos(s.path("rttMs").asDouble(-1), s.path("jitterMs").asDouble(-1), Math.max(dl, missing), dr);
            prevRecv = recv;
            prevLost = lost;
            prevSent = sent;
        }
        List<Marker> markers = new ArrayList<>();
        for (ObjectNode e : evs) {
            String label = switch (type(e)) {
                case "call.dtmf-sent" -> "DTMF sent " + text(e, "digits");
                case "call.dtmf-received" -> "DTMF heard " + text(e, "digit");
                case "call.info-sent" -> "INFO sent";
                case "call.info-received" -> "INFO received";
                case "call.muted" -> e.path("muted").asBoolean() ? "muted" : "unmuted";
                case "call.refreshed" -> e.path("hold").asBoolean() ? "hold (" + text(e, "direction") + ")" : "re-" + text(e, "method");
                case "call.step" -> "step " + e.path("line").asInt() + ": " + text(e, "command");
                case "media.first-audio" -> "first audio";
                default -> null;
            };
            if (label != null) {
                markers.add(new Marker(e.path("t").asLong() / 1000.0, label));
            }
        }
        String id = "c" + index;
        h.append("<section class=\"charts\" id=\"charts-").append(id).append("\" data-samples=\"").append(n)
                .append("\"><h2>Media over time: ").append(esc(scenario)).append("</h2><p class=\"note\">One point per stats sample (")
                .append(n).append("); dashed lines mark events. Gaps: not measured in that interval.</p><div class=\"grid\">");
        this.spans = spans;
        chart(id + "-bitrate", "Bitrate (kbit/s)", ts, new double[][] {in, out}, new String[] {"in", "out"}, markers, -1);
        chart(id + "-packets", "Packets per second" + (perSecond > 0 ? String.format(Locale.ROOT, " (the packet time makes %.0f/s)", perSecond) : ""),
                ts, new double[][] {recvRate, sentRate, expectedRate}, new String[] {"received", "sent", "expected"}, markers, -1);
        chart(id + "-loss", "Packet loss per interval (%)", ts, new double[][] {loss}, new String[] {"loss"}, markers, -1);
        chart(id + "-jitter", "Jitter (ms)", ts, new double[][] {jitter}, new String[] {"jitter"}, markers, -1);
        chart(id + "-rtt", "Round-trip time (ms)", ts, new double[][] {rtt}, new String[] {"RTT"}, markers, -1);
        chart(id + "-level", "Received audio level (0-1)", ts, new double[][] {level}, new String[] {"level"}, markers, 1);
        chart(id + "-mos", "Estimated MOS per interval (1-4.5, outages count as lost packets)", ts, new double[][] {mos},
                new String[] {"MOS"}, markers, 4.5);
        this.spans = List.of();
        h.append("</div>");
        if (!spans.isEmpty()) {
            h.append("<p class=\"outages\">Outages (shaded on every chart; red: 1 s or more, a media failure): ");
            for (int i = 0; i < spans.size(); i++) {
                Span sp = spans.get(i);
                h.append(i == 0 ? "" : "; ").append("<span class=\"").append(sp.failing() ? "bad" : "warn").append("\">")
                        .append(String.format(Locale.ROOT, "%.2f-%.2f s ", sp.t0(), sp.t1())).append(esc(sp.label())).append("</span>");
            }
            h.append("</p>");
        }
        if (presence != null) {
            h.append("<p class=\"presence\">").append(esc(HumanFormat.presence(presenceEvent(presence)))).append("</p>");
        }
        if (!markers.isEmpty()) {
            h.append("<p class=\"markers\">Markers: ");
            for (int i = 0; i < markers.size(); i++) {
                h.append(i == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%.2f s ", markers.get(i).t())).append(esc(markers.get(i).label()));
            }
            h.append("</p>");
        }
        h.append("</section>\n");
    }

    /** The outage spans the charts being drawn shade (set around one call's charts). */
    private List<Span> spans = List.of();

    /** A media.presence line back into its record, to word it as the timeline does. */
    private static dialtone.event.MediaEvent.Presence presenceEvent(JsonNode p) {
        return new dialtone.event.MediaEvent.Presence(null, null, p.path("expectedPerSecondIn").asDouble(-1),
                p.path("expectedPerSecondOut").asDouble(-1), p.path("receivedPct").asDouble(-1), p.path("sentPct").asDouble(-1),
                p.path("worstSecondReceivedPct").asDouble(-1), p.path("worstSecondSentPct").asDouble(-1),
                p.path("secondsJudged").asInt(), p.path("packetsExpected").asLong(-1), p.path("packetsMissing").asLong(),
                p.path("outages").asInt(), p.path("outageMs").asLong(), p.path("longestOutageMs").asLong(),
                p.hasNonNull("notJudged") ? p.path("notJudged").asText() : null, p.path("passed").asBoolean(true));
    }

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

    /** A line chart: each series one polyline per unbroken run of measured values (-1 is "not measured"). */
    private void chart(String id, String title, double[] ts, double[][] series, String[] names, List<Marker> markers,
                       double fixedMax) {
        int w = 460;
        int hh = 170;
        int l = 46;
        int r = 10;
        int t = 24;
        int b = 26;
        double t0 = ts[0];
        double t1 = Math.max(ts[ts.length - 1], t0 + 1);
        for (Marker m : markers) {
            t1 = Math.max(t1, m.t());
            t0 = Math.min(t0, m.t());
        }
        for (Span sp : spans) {
            t1 = Math.max(t1, sp.t1());
        }
        double max = fixedMax;
        if (max <= 0) {
            max = 0;
            for (double[] s : series) {
                for (double v : s) {
                    max = Math.max(max, v);
                }
            }
            max = nice(max);
        }
        final double tMin = t0;
        final double tMax = t1;
        final double yMax = max;
        java.util.function.DoubleUnaryOperator x = v -> l + (v - tMin) / (tMax - tMin) * (w - l - r);
        java.util.function.DoubleUnaryOperator y = v -> t + (1 - Math.min(v, yMax) / yMax) * (hh - t - b);
        int measured = 0;
        for (double v : series[0]) {
            measured += v >= 0 ? 1 : 0;
        }
        h.append("<figure class=\"chart\" id=\"").append(id).append("\"><svg width=\"").append(w).append("\" height=\"").append(hh)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(hh).append("\" role=\"img\" aria-label=\"").append(esc(title))
                .append("\"><text x=\"").append(l).append("\" y=\"14\" class=\"title\">").append(esc(title)).append("</text>");
        for (int k = 0; k <= 4; k++) {
            double v = yMax * k / 4;
            double yy = y.applyAsDouble(v);
            h.append("<line class=\"grid\" x1=\"").append(l).append("\" x2=\"").append(w - r).append("\" y1=\"").append(f(yy))
                    .append("\" y2=\"").append(f(yy)).append("\"/><text class=\"axis\" x=\"").append(l - 4).append("\" y=\"")
                    .append(f(yy + 3)).append("\" text-anchor=\"end\">").append(num(v)).append("</text>");
        }
        for (int k = 0; k <= 4; k++) {
            double v = tMin + (tMax - tMin) * k / 4;
            h.append("<text class=\"axis\" x=\"").append(f(x.applyAsDouble(v))).append("\" y=\"").append(hh - 8)
                    .append("\" text-anchor=\"middle\">").append(num(v)).append(" s</text>");
        }
        for (Span sp : spans) {
            double x0 = x.applyAsDouble(Math.max(tMin, sp.t0()));
            double x1 = x.applyAsDouble(Math.min(tMax, sp.t1()));
            h.append("<rect class=\"outage").append(sp.failing() ? " failing" : "").append("\" x=\"").append(f(x0)).append("\" y=\"")
                    .append(t).append("\" width=\"").append(f(Math.max(1, x1 - x0))).append("\" height=\"").append(hh - t - b)
                    .append("\"><title>").append(esc(sp.label())).append("</title></rect>");
        }
        for (Marker m : markers) {
            double xx = x.applyAsDouble(m.t());
            h.append("<line class=\"marker\" x1=\"").append(f(xx)).append("\" x2=\"").append(f(xx)).append("\" y1=\"").append(t)
                    .append("\" y2=\"").append(hh - b).append("\"><title>").append(esc(m.label())).append(String.format(Locale.ROOT, " at %.2f s", m.t()))
                    .append("</title></line>");
        }
        for (int s = 0; s < series.length; s++) {
            StringBuilder pts = new StringBuilder();
            int count = 0;
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < ts.length; i++) {
                double v = series[s][i];
                if (v < 0 || Double.isNaN(v)) {
                    if (pts.length() > 0) {
                        runs.add(pts.toString());
                        pts.setLength(0);
                    }
                    continue;
                }
                count++;
                pts.append(pts.length() == 0 ? "" : " ").append(f(x.applyAsDouble(ts[i]))).append(',').append(f(y.applyAsDouble(v)));
            }
            if (pts.length() > 0) {
                runs.add(pts.toString());
            }
            h.append("<g class=\"series\" data-name=\"").append(esc(names[s])).append("\" data-points=\"").append(count).append("\">");
            for (String run : runs) {
                String[] p = run.split(" ");
                if (p.length == 1) {
                    String[] xy = p[0].split(",");
                    h.append("<circle class=\"pt\" cx=\"").append(xy[0]).append("\" cy=\"").append(xy[1]).append("\" r=\"2\" fill=\"")
                            .append(COLORS[s % COLORS.length]).append("\"/>");
                } else {
                    h.append("<polyline fill=\"none\" stroke=\"").append(COLORS[s % COLORS.length]).append("\" points=\"").append(run).append("\"/>");
                }
            }
            h.append("</g>");
        }
        h.append("</svg><figcaption>");
        for (int s = 0; s < series.length; s++) {
            h.append("<span style=\"color:").append(COLORS[s % COLORS.length]).append("\">■ ").append(esc(names[s])).append("</span> ");
        }
        if (measured == 0) {
            h.append("not measured");
        }
        h.append("</figcaption></figure>");
    }

    private static double nice(double max) {
        if (max <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(max)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (max <= m * p) {
                return m * p;
            }
        }
        return 10 * p;
    }

    // ---- recording --------------------------------------------------------------------------------------------

    private void recording(RecordingView v) {
        h.append("<section class=\"recording\"><h2>Recording: ").append(esc(v.path())).append("</h2>");
        if (v.error() != null) {
            h.append("<p class=\"bad\">Could not read it: ").append(esc(v.error())).append("</p></section>\n");
            return;
        }
        h.append("<p>").append(String.format(Locale.ROOT, "%.2f s at %d Hz", v.seconds(), v.rate())).append("</p>");
        int w = 600;
        int hh = 120;
        StringBuilder d = new StringBuilder();
        for (int c = 0; c < v.min().length; c++) {
            double x = c * (double) w / v.min().length;
            d.append('M').append(f(x)).append(',').append(f(hh / 2.0 - v.max()[c] * (hh / 2.0 - 2)))
                    .append('V').append(f(hh / 2.0 - v.min()[c] * (hh / 2.0 - 2)));
        }
        h.append("<figure><svg class=\"waveform\" width=\"").append(w).append("\" height=\"").append(hh).append("\" viewBox=\"0 0 ")
                .append(w).append(' ').append(hh).append("\" role=\"img\" aria-label=\"waveform\"><line class=\"grid\" x1=\"0\" x2=\"").append(w)
                .append("\" y1=\"").append(hh / 2).append("\" y2=\"").append(hh / 2).append("\"/><path d=\"").append(d)
                .append("\" stroke=\"#1f77b4\" stroke-width=\"1\"/></svg><figcaption>waveform</figcaption></figure>");
        if (v.spectrogramPng() != null) {
            h.append("<figure><img class=\"spectrogram\" alt=\"spectrogram\" width=\"").append(w).append("\" height=\"").append(v.specHeight() * 2)
                    .append("\" src=\"").append(dataRef("data:image/png;base64," + v.spectrogramPng())).append("\"><figcaption>spectrogram, 0 to ")
                    .append(num(v.maxHz())).append(" Hz (bottom to top), ").append(String.format(Locale.ROOT, "%.1f s", v.seconds()))
                    .append(" left to right</figcaption></figure>");
        }
        if (v.wavBase64() != null) {
            h.append("<audio controls src=\"").append(dataRef("data:audio/wav;base64," + v.wavBase64())).append("\"></audio>");
        }
        h.append("</section>\n");
    }

    // ---- probe --------------------------------------------------------------------------------------------------

    private void probe(List<ObjectNode> events) {
        List<ObjectNode> checks = of(events, "probe.check");
        ObjectNode verdict = last(events, "probe.verdict");
        if (checks.isEmpty() && verdict == null) {
            return;
        }
        h.append("<section id=\"probe\"><h2>Network checks</h2>");
        if (verdict != null) {
            h.append("<p>Media can take: <b>");
            List<String> ways = new ArrayList<>();
            verdict.path("mediaWays").forEach(w -> ways.add(w.asText()));
            h.append(ways.isEmpty() ? "no way found" : esc(String.join(", ", ways))).append("</b>");
            if (verdict.path("turnRequired").isBoolean()) {
                h.append("; TURN ").append(verdict.path("turnRequired").asBoolean() ? "is required" : "is not required");
            }
            if (verdict.hasNonNull("firstBroken")) {
                h.append("; first broken: <b>").append(esc(text(verdict, "firstBroken"))).append("</b>");
            }
            h.append("</p>");
        }
        // per transport: direct (STUN binding) and relayed (TURN allocation + relay echo, ICE through it)
        h.append("<table id=\"transports\"><tr><th>transport</th><th>direct</th><th>relayed (TURN)</th><th>ICE through the relay</th></tr>");
        for (String tr : new String[] {"udp", "tcp", "tls"}) {
            h.append("<tr><td>").append(tr.toUpperCase(Locale.ROOT)).append("</td>")
                    .append(cell(checks, "stun", tr)).append(cell(checks, "turn", tr)).append(cell(checks, "ice", tr)).append("</tr>");
        }
        h.append("</table>");
        for (ObjectNode c : checks) {
            if ("nat".equals(text(c, "check")) && c.path("facts").hasNonNull("mapping")) {
                h.append("<p id=\"nat\">NAT mapping: <b>").append(esc(c.path("facts").path("mapping").asText())).append("</b> (")
                        .append(esc(text(c, "detail"))).append(")</p>");
            }
        }
        h.append("<table id=\"probe-checks\"><tr><th>check</th><th>target</th><th>transport</th><th>result</th><th>time</th><th>detail</th></tr>");
        for (ObjectNode c : checks) {
            boolean ok = c.path("passed").asBoolean();
            h.append("<tr class=\"").append(ok ? "ok" : "bad").append("\"><td>").append(esc(text(c, "check"))).append("</td><td>")
                    .append(esc(text(c, "target"))).append("</td><td>").append(esc(text(c, "transport"))).append("</td><td>")
                    .append(ok ? "pass" : "FAIL").append("</td><td class=\"num\">").append(c.path("ms").asLong()).append(" ms</td><td>")
                    .append(esc(text(c, "detail"))).append("</td></tr>");
        }
        h.append("</table></section>\n");
    }

    private static String cell(List<ObjectNode> checks, String check, String transport) {
        Boolean all = null;
        for (ObjectNode c : checks) {
            if (check.equals(text(c, "check")) && transport.equals(text(c, "transport"))) {
                all = (all == null || all) && c.path("passed").asBoolean();
            }
        }
        return all == null ? "<td class=\"na\">not tried</td>" : all ? "<td class=\"ok\">works</td>" : "<td class=\"bad\">FAILS</td>";
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
            rest.remove(List.of("type", "t", "at", "scenario", "raw"));
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

    // ---- merge --------------------------------------------------------------------------------------------------

    private void merge(MergeReport.Summary s) {
        boolean passed = s.passed();
        head("dialtone report merge: " + (passed ? "PASS" : "FAIL"), passed);
        h.append("<header id=\"verdict\" class=\"verdict\"><h1>").append(passed ? "PASS" : "FAIL").append("</h1><p class=\"what\">")
                .append(s.runs()).append(" runs, ").append(s.runsPassed()).append(" passed; ").append(s.calls()).append(" calls, ")
                .append(s.callsFailed()).append(" failed (").append(String.format(Locale.ROOT, "%.2f %%", 100 * s.failureRate()))
                .append(", allowed ").append(String.format(Locale.ROOT, "%.2f %%", 100 * s.maxFailureRate())).append(")</p></header>\n");
        h.append("<section id=\"summary\"><h2>Figures</h2><table>");
        for (Map.Entry<String, Object> e : s.figures().entrySet()) {
            h.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(esc(String.valueOf(e.getValue()))).append("</td></tr>");
        }
        h.append("</table></section>\n");
        if (!s.failures().isEmpty()) {
            h.append("<section id=\"failures\"><h2>Failures by layer and cause</h2><table><tr><th>layer/cause</th><th>count</th><th>example</th></tr>");
            for (MergeReport.Group g : s.failures()) {
                h.append("<tr class=\"bad\"><td>").append(esc(g.key())).append("</td><td class=\"num\">").append(g.count()).append("</td><td>")
                        .append(esc(g.example())).append("</td></tr>");
            }
            h.append("</table></section>\n");
        }
        if (!s.mosHistogram().isEmpty()) {
            h.append("<section id=\"mos\"><h2>MOS distribution</h2><table><tr><th>MOS</th><th>calls</th></tr>");
            s.mosHistogram().forEach((k, v) -> h.append("<tr><td>").append(esc(k)).append("</td><td class=\"num\">").append(v).append("</td></tr>"));
            h.append("</table></section>\n");
        }
        h.append("<section id=\"runs\"><h2>Runs</h2><table><tr><th>file</th><th>command</th><th>result</th><th>exit</th><th>calls</th><th>failure</th></tr>");
        for (MergeReport.Run r : s.runList()) {
            h.append("<tr class=\"").append(r.passed() ? "ok" : "bad").append("\"><td>").append(esc(r.file())).append("</td><td>")
                    .append(esc(r.command())).append("</td><td>").append(r.passed() ? "pass" : "FAIL").append("</td><td class=\"num\">")
                    .append(r.exitCode()).append("</td><td class=\"num\">").append(r.calls()).append("</td><td>")
                    .append(esc(r.failure())).append("</td></tr>");
        }
        h.append("</table></section>\n<footer>Written by dialtone report merge.</footer>\n</body></html>\n");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    static String type(JsonNode e) {
        return e.path("type").asText("");
    }

    static String text(JsonNode e, String field) {
        JsonNode v = e.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<ObjectNode> of(List<ObjectNode> events, String type) {
        List<ObjectNode> l = new ArrayList<>();
        for (ObjectNode e : events) {
            if (type(e).equals(type)) {
                l.add(e);
            }
        }
        return l;
    }

    private static ObjectNode first(List<ObjectNode> events, String type) {
        for (ObjectNode e : events) {
            if (type(e).equals(type)) {
                return e;
            }
        }
        return null;
    }

    private static ObjectNode last(List<ObjectNode> events, String type) {
        ObjectNode r = null;
        for (ObjectNode e : events) {
            if (type(e).equals(type)) {
                r = e;
            }
        }
        return r;
    }

    /** Escaped for HTML text and attributes, control characters made visible first. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        String p = Printable.escape(s);
        StringBuilder b = new StringBuilder(p.length() + 16);
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A SIP message for a {@code <pre>}: its lines kept, every other control character made visible. */
    static String escPre(String raw) {
        StringBuilder b = new StringBuilder();
        for (String line : raw.split("\r\n|\n", -1)) {
            b.append(esc(line)).append('\n');
        }
        return b.toString();
    }

    private static String clip(String s, int n) {
        if (s == null) {
            return "";
        }
        return s.length() <= n ? s : s.substring(0, n) + "…";
    }

    private static String secs(long ms) {
        return String.format(Locale.ROOT, "%.3f s", ms / 1000.0);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "");
    }

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1180px;padding:0 16px 40px;color:#1b1b1b}
            h1{margin:0;font-size:34px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:14px 0 6px}
            .verdict{padding:16px 20px;margin:16px 0;border-radius:6px;color:#fff}
            body.pass .verdict{background:#1e7a34}body.fail .verdict{background:#b3261e}
            .verdict p{margin:6px 0}.verdict code{color:#fff}.verdict .warn{color:#ffe9a8}
.step-pass{color:#1e7a34}.step-fail{color:#b3261e}.step-warn{color:#8a6d00}
            table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
            th{background:#f5f5f5}td.num{text-align:right;white-space:nowrap}tr.bad td,td.bad,.bad{color:#b3261e;font-weight:600}
            td.ok{color:#1e7a34}td.na{color:#777}.note{color:#555;font-size:13px}
            .ladder-wrap{display:flex;gap:16px;align-items:flex-start}
            svg.ladder{flex:none;background:#fcfcfc;border:1px solid #e3e3e3}
            svg.ladder .lane line{stroke:#999;stroke-dasharray:4 3}svg.ladder .lane-name{font-weight:600;font-size:13px}
            svg.ladder .lane-sub{font-size:11px;fill:#555}svg.ladder text{font-size:11px;font-family:ui-monospace,monospace}
            svg.ladder .time{fill:#777;font-size:10px}
            svg.ladder a line{stroke:#333;stroke-width:1.4}svg.ladder a.resp line{stroke:#1f77b4}svg.ladder a.err line{stroke:#b3261e}
            svg.ladder a.resp text{fill:#1f77b4}svg.ladder a.err text{fill:#b3261e}svg.ladder a:hover line{stroke-width:3}
            svg.ladder circle{fill:#999}
            .messages{flex:1;min-width:0;position:sticky;top:8px}.msg{display:none}.msg:target{display:block}
            .msg:target ~ .msg-hint{display:none}.msg-hint{color:#777;font-size:13px;padding:8px}
            .msg pre{background:#f6f8fa;border:1px solid #e3e3e3;padding:8px;overflow:auto;max-height:70vh;font-size:12px;white-space:pre-wrap;word-break:break-all}
            .msg h4{margin:0 0 4px}
            .grid{display:flex;flex-wrap:wrap;gap:8px}figure{margin:4px}figcaption{font-size:12px;color:#555}
            .chart svg{background:#fcfcfc;border:1px solid #e3e3e3}.chart .title{font-size:12px;font-weight:600}
            .chart .axis{font-size:10px;fill:#666}line.grid{stroke:#eee}line.marker{stroke:#e08a00;stroke-dasharray:3 3;stroke-width:1.2}
            rect.outage{fill:#f0b400;fill-opacity:.25}rect.outage.failing{fill:#d62728;fill-opacity:.22}
            polyline{stroke-width:1.6}svg.waveform{background:#fcfcfc;border:1px solid #e3e3e3}
            img.spectrogram{image-rendering:pixelated;border:1px solid #e3e3e3;background:#000}
            table.events code{font-size:11px;word-break:break-all}footer{margin-top:30px;color:#777;font-size:12px}
            """;
}
