package dialtone.report;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in everything dialtone writes: the SIP password, TURN credentials, the config URL's token, and the
 * credential parameters of Authorization / Proxy-Authorization headers. Every output path (human text, JSON lines,
 * JUnit XML, stderr, logs) goes through one instance per run.
 *
 * <p>Secrets are registered as soon as they are known (read from a file or env var, parsed from the config
 * response), before anything can print them. Each one is masked in its raw, JSON-escaped, XML-escaped and
 * URL-encoded forms. Secrets shorter than {@value #MIN_LENGTH} characters are not masked by substring (that would
 * mangle everything); they are still never put into output by the code that holds them.
 */
public final class Redactor {
    public static final String MASK = "***";
    static final int MIN_LENGTH = 4;

    /** Digest credential parameters that are derived from the password, and the header's full value on Basic. */
    private static final Pattern AUTH_PARAMS = Pattern.compile(
            "(?i)\\b(response|cnonce|ha1|password|credential)(\\s*=\\s*)"
                    + "(\\\\\"[^\"\\\\]*\\\\\"|\"[^\"\\r\\n]*\"|[^,\\s\"\\\\\\r\\n]+)");
    private static final Pattern BASIC = Pattern.compile("(?i)(Authorization\\s*:\\s*Basic\\s+)\\S+");

    private final Set<String> forms = new LinkedHashSet<>();
    private volatile List<String> ordered = List.of();

    /** Registers a secret; null and blank are ignored. */
    public synchronized void addSecret(String secret) {
        if (secret == null || secret.isBlank() || secret.length() < MIN_LENGTH) {
            return;
        }
        boolean changed = false;
        // JSON escapes of control characters come in both cases: Jackson writes \u001B, others \u001b
        for (String f : List.of(secret, jsonEscape(secret), upperHexEscapes(jsonEscape(secret)), xmlEscape(secret),
                URLEncoder.encode(secret, StandardCharsets.UTF_8), dialtone.support.Printable.escape(secret))) {
            changed |= forms.add(f);
        }
        if (changed) {
            List<String> l = new ArrayList<>(forms);
            l.sort(Comparator.comparingInt(String::length).reversed());
            ordered = List.copyOf(l);
        }
    }

    /**
     * Masks only the registered secrets (password, TURN credential, URL token), not the Authorization parameters
     * derived from them: for {@code --pcap-unredacted}, which keeps what a server checks but never the secrets.
     */
    public String redactSecrets(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : ordered) {
            if (out.contains(s)) {
                out = out.replace(s, MASK);
            }
        }
        return out;
    }

    /**
     * Binary data seen as ISO-8859-1 text: each registered secret's UTF-8 bytes are overwritten with as many
     * {@code *}, so lengths inside the data stay right.
     */
    public String maskSecretsSameLength(String latin1) {
        String out = latin1;
        for (String s : ordered) {
            String bytes = new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            if (out.contains(bytes)) {
                out = out.replace(bytes, "*".repeat(bytes.length()));
            }
        }
        return out;
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = redactSecrets(text);
        String lower = out.toLowerCase(Locale.ROOT);
        if (lower.contains("authoriz") || lower.contains("response") || lower.contains("ha1")
                || lower.contains("password") || lower.contains("credential")) {
            out = BASIC.matcher(out).replaceAll("$1" + MASK);
            Matcher m = AUTH_PARAMS.matcher(out);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String v = m.group(3);
                String masked = v.startsWith("\\\"") ? "\\\"" + MASK + "\\\""
                        : v.startsWith("\"") ? "\"" + MASK + "\"" : MASK;
                m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + m.group(2) + masked));
            }
            m.appendTail(sb);
            out = sb.toString();
        }
        return out;
    }

    static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.toString();
    }

    /** {@code \u001b} → {@code \u001B}: the same escape with upper-case hex digits. */
    static String upperHexEscapes(String json) {
        Matcher m = Pattern.compile("\\\\u([0-9a-f]{4})").matcher(json);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement("\\u" + m.group(1).toUpperCase(Locale.ROOT)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }
}
