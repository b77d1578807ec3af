package dialtone.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The network checks of {@code dialtone probe}: a table of checks by transport, and the verdict. */
final class ProbeTable extends HtmlPage {
    ProbeTable(HtmlPage page) {
        super(page);
    }

    // ---- probe --------------------------------------------------------------------------------------------------

    void probe(List<ObjectNode> events) {
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

    static String cell(List<ObjectNode> checks, String check, String transport) {
        Boolean all = null;
        for (ObjectNode c : checks) {
            if (check.equals(text(c, "check")) && transport.equals(text(c, "transport"))) {
                all = (all == null || all) && c.path("passed").asBoolean();
            }
        }
        return all == null ? "<td class=\"na\">not tried</td>" : all ? "<td class=\"ok\">works</td>" : "<td class=\"bad\">FAILS</td>";
    }
}
