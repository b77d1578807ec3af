package dialtone.sip.message;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code name-addr} or {@code addr-spec} with header parameters (From, To, Contact, Route, Record-Route; RFC 3261
 * §20.10, §25.1). {@code uri} is the URI text; {@link #sipUri()} parses it when the scheme is sip or sips.
 *
 * @param display the display name without quotes, or null
 * @param angle   whether the URI was enclosed in {@code <>}
 */
public record NameAddr(String display, String uri, boolean angle, Map<String, String> params) {

    public static NameAddr parse(String value) throws SyntaxError {
        String s = value.trim();
        if (s.isEmpty()) {
            throw new SyntaxError("empty address");
        }
        String display = null;
        String rest;
        if (s.charAt(0) == '"') {
            int end = closingQuote(s);
            if (end < 0) {
                throw new SyntaxError("unterminated quoted string in the display name");
            }
            display = unescape(s.substring(1, end));
            rest = s.substring(end + 1).trim();
            if (rest.isEmpty() || rest.charAt(0) != '<') {
                throw new SyntaxError("a quoted display name must be followed by <URI>");
            }
        } else {
            int lt = s.indexOf('<');
            if (lt >= 0) {
                String dn = s.substring(0, lt).trim();
                if (!dn.isEmpty()) {
                    for (String word : dn.split("[ \t]+")) {
                        if (!Grammar.isToken(word)) {
                            throw new SyntaxError("the display name \"" + Params.abbreviate(dn)
                                    + "\" has characters that are only allowed in quotes");
                        }
                    }
                    display = dn;
                }
                rest = s.substring(lt);
            } else {
                rest = null;
            }
        }
        if (rest != null) {
            int gt = rest.indexOf('>');
            if (gt < 0) {
                throw new SyntaxError("<URI> is not closed with >");
            }
            String uri = rest.substring(1, gt);
            if (Grammar.hasWhitespace(uri)) {
                throw new SyntaxError("white space inside <URI>");
            }
            checkUri(uri);
            return new NameAddr(display, uri, true, Params.parse(rest.substring(gt + 1)));
        }
        // addr-spec: the URI runs to the first ';', and those parameters belong to the header
        int semi = s.indexOf(';');
        String uri = (semi < 0 ? s : s.substring(0, semi)).trim();
        if (uri.indexOf('?') >= 0 || uri.indexOf(',') >= 0) {
            throw new SyntaxError("a URI with '?' or ',' must be enclosed in <>");
        }
        if (Grammar.hasWhitespace(uri)) {
            throw new SyntaxError("white space inside the URI");
        }
        checkUri(uri);
        return new NameAddr(null, uri, false, Params.parse(semi < 0 ? "" : s.substring(semi)));
    }

    private static void checkUri(String uri) throws SyntaxError {
        int colon = uri.indexOf(':');
        if (colon <= 0) {
            throw new SyntaxError("\"" + Params.abbreviate(uri) + "\" is not a URI");
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.matches("[a-z][a-z0-9+.-]*")) {
            throw new SyntaxError("bad URI scheme \"" + Params.abbreviate(scheme) + "\"");
        }
        if ((scheme.equals("sip") || scheme.equals("sips")) && SipUri.parse(uri).isEmpty()) {
            throw new SyntaxError("malformed SIP URI \"" + Params.abbreviate(uri) + "\"");
        }
    }

    static int closingQuote(String s) {
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }

    private static String unescape(String q) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < q.length(); i++) {
            char c = q.charAt(i);
            if (c == '\\' && i + 1 < q.length()) {
                c = q.charAt(++i);
            }
            sb.append(c);
        }
        return sb.toString();
    }

    public Optional<SipUri> sipUri() {
        return SipUri.parse(uri);
    }

    public Optional<String> tag() {
        return Optional.ofNullable(params.get("tag"));
    }

    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Always in {@code <>} form, so URI parameters and header parameters cannot be confused. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (display != null) {
            sb.append('"').append(display.replace("\\", "\\\\").replace("\"", "\\\"")).append("\" ");
        }
        sb.append('<').append(uri).append('>');
        for (Map.Entry<String, String> p : params.entrySet()) {
            sb.append(';').append(p.getKey());
            if (p.getValue() != null) {
                sb.append('=').append(p.getValue());
            }
        }
        return sb.toString();
    }
}
