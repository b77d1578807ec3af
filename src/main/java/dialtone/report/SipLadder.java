package dialtone.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The SIP ladder of one call: a lane per party, an arrow per message, each linking to the message text. */
final class SipLadder extends HtmlPage {
    SipLadder(HtmlPage page) {
        super(page);
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

    static String cseqMethod(String raw) {
        String v = header(raw, "CSeq", null);
        if (v == null) {
            return "";
        }
        String[] p = v.trim().split("\\s+");
        return p.length > 1 ? p[1] : "";
    }

    static boolean hasToTag(String raw) {
        String to = header(raw, "To", "t");
        return to != null && to.toLowerCase(Locale.ROOT).contains(";tag=");
    }

    void ladder(String scenario, List<ObjectNode> evs, int index) {
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

    static String requestLabel(String startLine) {
        String[] p = startLine.split(" ");
        return p.length >= 2 ? p[0] + " " + (p[1].length() > 30 ? p[1].substring(0, 30) + "…" : p[1]) : startLine;
    }

    void lane(int x, String name, String sub, int height) {
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
    static String farEndLabel(List<Msg> msgs) {
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
}
