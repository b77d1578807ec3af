package dialtone.sip.message;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A SIP or SIPS URI (RFC 3261 §19.1): {@code sip:user:password@host:port;uri-parameters?headers}. Values are kept
 * as written (escapes included); {@link #toString()} gives back a canonical text.
 *
 * @param port -1 when absent
 */
public record SipUri(String scheme, String user, String password, String host, int port,
                     Map<String, String> params, String headers) {

    /** Parses; returns empty for a malformed sip/sips URI or another scheme. */
    public static Optional<SipUri> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("sip") && !scheme.equals("sips")) {
            return Optional.empty();
        }
        String rest = text.substring(colon + 1);
        if (rest.isEmpty() || Grammar.hasWhitespace(rest) || rest.indexOf('<') >= 0 || rest.indexOf('>') >= 0) {
            return Optional.empty();
        }
        // '@' cannot appear unescaped in URI parameters or headers, so the last one ends the userinfo (which may
        // itself hold ';', '?' and ',': RFC 4475 §3.1.1.2).
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userinfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            if (userinfo.isEmpty()) {
                return Optional.empty();
            }
            int pc = userinfo.indexOf(':');
            if (pc >= 0) {
                user = userinfo.substring(0, pc);
                password = userinfo.substring(pc + 1);
            } else {
                user = userinfo;
            }
        }
        String headers = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            headers = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String hostport;
        Map<String, String> params = new LinkedHashMap<>();
        int semi = rest.indexOf(';');
        if (semi >= 0) {
            hostport = rest.substring(0, semi);
            for (String p : rest.substring(semi + 1).split(";", -1)) {
                if (p.isEmpty()) {
                    return Optional.empty();
                }
                int eq = p.indexOf('=');
                params.put(eq < 0 ? p.toLowerCase(Locale.ROOT) : p.substring(0, eq).toLowerCase(Locale.ROOT),
                        eq < 0 ? null : p.substring(eq + 1));
            }
        } else {
            hostport = rest;
        }
        String host;
        int port = -1;
        if (hostport.startsWith("[")) {
            int end = hostport.indexOf(']');
            if (end < 0) {
                return Optional.empty();
            }
            host = hostport.substring(0, end + 1);
            String after = hostport.substring(end + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":") || !Grammar.isDigits(after.substring(1))) {
                    return Optional.empty();
                }
                port = parsePort(after.substring(1));
            }
        } else {
            int pc = hostport.lastIndexOf(':');
            if (pc >= 0) {
                host = hostport.substring(0, pc);
                String ps = hostport.substring(pc + 1);
                if (!Grammar.isDigits(ps)) {
                    return Optional.empty();
                }
                port = parsePort(ps);
            } else {
                host = hostport;
            }
        }
        if (host.isEmpty() || port < -1 || !validHost(host)) {
            return Optional.empty();
        }
        return Optional.of(new SipUri(scheme, user, password, host, port, java.util.Collections.unmodifiableMap(params), headers));
    }

    private static int parsePort(String s) {
        if (s.length() > 5) {
            return -2;
        }
        int p = Integer.parseInt(s);
        return p > 65535 ? -2 : p;
    }

    private static boolean validHost(String h) {
        if (h.startsWith("[")) {
            return h.endsWith("]") && h.length() > 2 && h.substring(1, h.length() - 1).matches("[0-9a-fA-F:.]+");
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
    }

    public boolean hasParam(String name) {
        return params.containsKey(name.toLowerCase(Locale.ROOT));
    }

    public String hostPort() {
        return port >= 0 ? host + ":" + port : host;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(scheme).append(':');
        if (user != null) {
            sb.append(user);
            if (password != null) {
                sb.append(':').append(password);
            }
            sb.append('@');
        }
        sb.append(hostPort());
        for (Map.Entry<String, String> p : params.entrySet()) {
            sb.append(';').append(p.getKey());
            if (p.getValue() != null) {
                sb.append('=').append(p.getValue());
            }
        }
        if (headers != null) {
            sb.append('?').append(headers);
        }
        return sb.toString();
    }
}
