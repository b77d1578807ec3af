package dialtone.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTML report's conversation track of a call: who spoke when, from the answer to the end (the far end's turns
 * above, what dialtone said below), each latency marked, the words where known; and a table of the turns.
 */
final class ConversationTrack {
    private ConversationTrack() {
    }

    /** Appends one section per call that has a conversation ({@code speech.*} events); nothing otherwise. */
    static void append(StringBuilder h, List<ObjectNode> events) {
        List<String> scenarios = new ArrayList<>();
        for (ObjectNode e : events) {
            String s = e.path("scenario").asText();
            if (e.path("type").asText().startsWith("speech.") && !scenarios.contains(s)) {
                scenarios.add(s);
            }
        }
        for (String s : scenarios) {
            if (scenarios.indexOf(s) >= 20) {
                h.append("<p>(conversations of further calls are not drawn)</p>");
                break;
            }
            one(h, s, events.stream().filter(e -> e.path("scenario").asText().equals(s)).toList());
        }
    }

    private static Instant at(JsonNode e, String field) {
        try {
            return Instant.parse(e.path(field).asText());
        } catch (RuntimeException x) {
            return null;
        }
    }

    private static void one(StringBuilder h, String scenario, List<ObjectNode> ev) {
        Instant t0 = null;
        Instant end = null;
        for (ObjectNode e : ev) {
            String type = e.path("type").asText();
            if (type.equals("call.answered") && t0 == null) {
                t0 = at(e, "at");
            }
            if (type.equals("call.ended")) {
                end = at(e, "at");
            }
        }
        List<ObjectNode> turns = ev.stream().filter(e -> e.path("type").asText().equals("speech.turn")).toList();
        List<ObjectNode> said = ev.stream().filter(e -> e.path("type").asText().equals("speech.said")).toList();
        for (ObjectNode e : turns) {
            t0 = t0 == null ? at(e, "startedAt") : t0;
            Instant x = at(e, "endedAt");
            end = end == null || (x != null && x.isAfter(end)) ? x : end;
        }
        for (ObjectNode e : said) {
            Instant x = at(e, "endedAt");
            end = end == null || (x != null && x.isAfter(end)) ? x : end;
        }
        if (t0 == null || end == null || !end.isAfter(t0)) {
            return;
        }
        double total = Duration.between(t0, end).toMillis();
        int w = 760;
        int left = 80;
        int hh = 90;
        double px = (w - left - 10) / total;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"conversation\" width=\"").append(w).append("\" height=\"").append(hh)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(hh).append("\" role=\"img\" aria-label=\"conversation\">");
        svg.append("<text x=\"4\" y=\"24\" font-size=\"11\">far end</text><text x=\"4\" y=\"64\" font-size=\"11\">dialtone</text>");
        for (ObjectNode t : turns) {
            Instant a = at(t, "startedAt");
            Instant b = at(t, "endedAt");
            if (a == null || b == null) {
                continue;
            }
            double x = left + Duration.between(t0, a).toMillis() * px;
            double bw = Math.max(1, Duration.between(a, b).toMillis() * px);
            String words = t.hasNonNull("words") ? t.path("words").asText() : null;
            svg.append("<rect class=\"turn\" x=\"").append(f(x)).append("\" y=\"12\" width=\"").append(f(bw))
                    .append("\" height=\"18\" fill=\"#2ca02c\"><title>turn ").append(t.path("turn").asInt()).append(": ")
                    .append(t.path("talkMs").asLong()).append(" ms")
                    .append(words == null ? "" : ": " + HtmlReport.esc(words)).append("</title></rect>");
            if (t.hasNonNull("latencyMs")) {
                long l = t.path("latencyMs").asLong();
                double lx = x - Math.max(0, l) * px;
                svg.append("<line x1=\"").append(f(lx)).append("\" x2=\"").append(f(x)).append("\" y1=\"40\" y2=\"40\" stroke=\"#d62728\"/>")
                        .append("<text class=\"latency\" x=\"").append(f(lx)).append("\" y=\"50\" font-size=\"10\" fill=\"#d62728\">")
                        .append(l).append(" ms</text>");
            }
            if (t.hasNonNull("overrunMs")) {
                svg.append("<text x=\"").append(f(x + bw)).append("\" y=\"10\" font-size=\"10\" fill=\"#9467bd\">overrun ")
                        .append(t.path("overrunMs").asLong()).append(" ms</text>");
            }
        }
        for (ObjectNode s : said) {
            Instant a = at(s, "startedAt");
            Instant b = at(s, "endedAt");
            if (a == null || b == null) {
                continue;
            }
            double x = left + Duration.between(t0, a).toMillis() * px;
            double bw = Math.max(1, Duration.between(a, b).toMillis() * px);
            svg.append("<rect class=\"said\" x=\"").append(f(x)).append("\" y=\"54\" width=\"").append(f(bw))
                    .append("\" height=\"18\" fill=\"").append(s.path("bargeIn").asBoolean() ? "#9467bd" : "#1f77b4")
                    .append("\"><title>").append(HtmlReport.esc(s.path("what").asText())).append("</title></rect>");
        }
        svg.append("<text x=\"").append(left).append("\" y=\"86\" font-size=\"10\">0 s (answer)</text><text x=\"").append(w - 60)
                .append("\" y=\"86\" font-size=\"10\">").append(String.format(Locale.ROOT, "%.1f s", total / 1000)).append("</text></svg>");
        h.append("<section class=\"conversation\"><h2>Conversation: ").append(HtmlReport.esc(scenario)).append("</h2><figure>")
                .append(svg).append("<figcaption>who spoke when, from the answer; red: response latency</figcaption></figure>");
        h.append("<table><tr><th>turn</th><th>from</th><th>talk</th><th>latency</th><th>overrun</th><th>words</th></tr>");
        for (ObjectNode t : turns) {
            Instant a = at(t, "startedAt");
            h.append("<tr><td>").append(t.path("turn").asInt()).append("</td><td>")
                    .append(a == null ? "?" : String.format(Locale.ROOT, "%.2f s", Duration.between(t0, a).toMillis() / 1000.0))
                    .append("</td><td>").append(t.path("talkMs").asLong()).append(" ms</td><td>")
                    .append(t.hasNonNull("latencyMs") ? t.path("latencyMs").asLong() + " ms" : "").append("</td><td>")
                    .append(t.hasNonNull("overrunMs") ? t.path("overrunMs").asLong() + " ms" : "").append("</td><td>")
                    .append(t.hasNonNull("words") ? HtmlReport.esc(t.path("words").asText()) + " (" + HtmlReport.esc(t.path("wordsSource").asText()) + ")" : "")
                    .append("</td></tr>");
        }
        h.append("</table></section>\n");
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
