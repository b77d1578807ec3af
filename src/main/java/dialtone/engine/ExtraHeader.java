package dialtone.engine;

import dialtone.config.SipFields;
import dialtone.sip.message.Grammar;
import dialtone.sip.message.HeaderNames;
import dialtone.support.Printable;
import java.util.Locale;
import java.util.Set;

/**
 * A header the user adds to the INVITE ({@code --header 'X-Name: value'}), checked: a token, a colon, printable text,
 * and none of the headers the SIP layers own. Parsed once where the flag is read; the call writes it as given.
 */
public record ExtraHeader(String name, String value) {
    /**
     * The headers that the transaction and dialog layers write themselves (RFC 3261 §8.1.1), those that authenticate
     * (the digest layer answers challenges), those that name extensions the user agent must implement, and every
     * Content- header (the body is the SDP offer): lower case, compact forms expanded by {@link #ownedBy}.
     */
    static final Set<String> OWNED_HEADERS = Set.of("via", "call-id", "cseq", "from", "to",
            "max-forwards", "contact", "content-length", "content-type", "authorization", "proxy-authorization",
            "www-authenticate", "proxy-authenticate", "authentication-info", "user-agent", "allow", "supported",
            "require", "proxy-require", "rack", "rseq");

    /** The headers that decide where a request goes (RFC 3261 §16.12, RFC 3327, RFC 3608): the proxies' and the dialog's. */
    static final Set<String> ROUTING_HEADERS = Set.of("route", "record-route", "path", "service-route");

    /**
     * {@code Name: value} as the flag gives it; IllegalArgumentException with a one-line reason that starts with what
     * was refused (the flag's name is the caller's to add).
     */
    public static ExtraHeader parse(String h) {
        int c = h.indexOf(':');
        // only spaces and tabs are trimmed: trim() would silently drop control characters at either end
        String name = c < 0 ? "" : h.substring(0, c).strip();
        String value = c < 0 ? "" : h.substring(c + 1).replaceAll("^[ \t]+|[ \t]+$", "");
        if (!Grammar.isToken(name) || value.isEmpty() || SipFields.headerValue(value) != null) {
            throw new IllegalArgumentException("'" + Printable.escape(h) + "' is not 'Name: value' (a token, a colon,"
                    + " printable text)");
        }
        String owner = ownedBy(name);
        if (owner != null) {
            throw new IllegalArgumentException(name + ": " + owner);
        }
        return new ExtraHeader(name, value);
    }

    /** Why an added header cannot be {@code name}: null when it can. */
    public static String ownedBy(String name) {
        String n = HeaderNames.canonical(name).toLowerCase(Locale.ROOT);
        if (ROUTING_HEADERS.contains(n) || n.equals("via") || n.equals("max-forwards") || n.equals("contact")) {
            return "routing headers are owned by the SIP server and dialtone's dialog layer; a request's route cannot be"
                    + " set by hand";
        }
        if (OWNED_HEADERS.contains(n) || n.startsWith("content-")) {
            return "dialtone's transaction, dialog and authentication layers own that header; it cannot be replaced or"
                    + " repeated";
        }
        return null;
    }
}
