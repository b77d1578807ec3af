package dialtone.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dialtone.support.Printable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The page being written: its text, the data URIs kept out of it ({@link HtmlReport.Page}), the page's head, and the
 * helpers every section uses: escaping (control characters made visible by {@link Printable}, then HTML), event
 * lookups and number formats. A section ({@link SipLadder}, {@link Charts}, {@link ProbeTable}, {@link MergePage})
 * is a view of the same page.
 */
class HtmlPage {
    final StringBuilder h;
    private final List<String> data;

    HtmlPage() {
        this.h = new StringBuilder(64 * 1024);
        this.data = new ArrayList<>();
    }

    /** A section writing into {@code page}. */
    HtmlPage(HtmlPage page) {
        this.h = page.h;
        this.data = page.data;
    }

    HtmlReport.Page page() {
        return new HtmlReport.Page(h.toString(), List.copyOf(data));
    }

    /** Data URIs are kept out of the text until the end, so that redaction never touches them. */
    String dataRef(String uri) {
        data.add(uri);
        return "@@DIALTONE-DATA-" + (data.size() - 1) + "@@";
    }

    void head(String title, boolean passed) {
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; media-src data:\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(title)).append("</title><style>").append(Css.CSS).append("</style></head>\n<body class=\"")
                .append(passed ? "pass" : "fail").append("\">\n");
    }


    static String type(JsonNode e) {
        return e.path("type").asText("");
    }

    static String text(JsonNode e, String field) {
        JsonNode v = e.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static List<ObjectNode> of(List<ObjectNode> events, String type) {
        List<ObjectNode> l = new ArrayList<>();
        for (ObjectNode e : events) {
            if (type(e).equals(type)) {
                l.add(e);
            }
        }
        return l;
    }

    static ObjectNode first(List<ObjectNode> events, String type) {
        for (ObjectNode e : events) {
            if (type(e).equals(type)) {
                return e;
            }
        }
        return null;
    }

    static ObjectNode last(List<ObjectNode> events, String type) {
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

    static String clip(String s, int n) {
        if (s == null) {
            return "";
        }
        return s.length() <= n ? s : s.substring(0, n) + "…";
    }

    static String secs(long ms) {
        return String.format(Locale.ROOT, "%.3f s", ms / 1000.0);
    }

    static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "");
    }
}
