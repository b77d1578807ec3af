package dialtone.sip.message;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Canonical header names, the compact forms of RFC 3261 §7.3.3 (and later RFCs), and which headers are lists. */
public final class HeaderNames {
    private static final Map<String, String> COMPACT = Map.ofEntries(
            Map.entry("i", "Call-ID"), Map.entry("m", "Contact"), Map.entry("e", "Content-Encoding"),
            Map.entry("l", "Content-Length"), Map.entry("c", "Content-Type"), Map.entry("f", "From"),
            Map.entry("s", "Subject"), Map.entry("k", "Supported"), Map.entry("t", "To"), Map.entry("v", "Via"),
            Map.entry("o", "Event"), Map.entry("u", "Allow-Events"), Map.entry("r", "Refer-To"),
            Map.entry("b", "Referred-By"), Map.entry("x", "Session-Expires"), Map.entry("a", "Accept-Contact"),
            Map.entry("j", "Reject-Contact"), Map.entry("d", "Request-Disposition"), Map.entry("y", "Identity"),
            Map.entry("n", "Identity-Info"));

    private static final Map<String, String> CANONICAL = Map.ofEntries(
            Map.entry("call-id", "Call-ID"), Map.entry("cseq", "CSeq"), Map.entry("www-authenticate", "WWW-Authenticate"),
            Map.entry("mime-version", "MIME-Version"), Map.entry("rack", "RAck"), Map.entry("rseq", "RSeq"));

    /** Headers whose value is a comma-separated list (RFC 3261 §7.3.1), for the ones dialtone reads. */
    private static final Set<String> LISTS = Set.of("via", "contact", "route", "record-route", "allow", "supported",
            "require", "proxy-require", "unsupported", "accept", "accept-encoding", "accept-language", "allow-events",
            "path", "service-route");

    private HeaderNames() {
    }

    /** The canonical spelling: compact forms expanded, {@code cALL-id} → {@code Call-ID}, others Title-Cased. */
    public static String canonical(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        String c = COMPACT.get(lower);
        if (c != null) {
            return c;
        }
        c = CANONICAL.get(lower);
        if (c != null) {
            return c;
        }
        StringBuilder sb = new StringBuilder(name.length());
        boolean up = true;
        for (char ch : lower.toCharArray()) {
            sb.append(up ? Character.toUpperCase(ch) : ch);
            up = ch == '-';
        }
        return sb.toString();
    }

    public static boolean isList(String canonicalName) {
        return LISTS.contains(canonicalName.toLowerCase(Locale.ROOT));
    }
}
