package dialtone.report;

import java.util.Locale;
import java.util.Map;

/** The page of {@code dialtone report merge --report}: the verdict, figures, failures by cause, MOS, runs. */
final class MergePage extends HtmlPage {
    MergePage(HtmlPage page) {
        super(page);
    }

    // ---- merge --------------------------------------------------------------------------------------------------

    void merge(MergeReport.Summary s) {
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
}
