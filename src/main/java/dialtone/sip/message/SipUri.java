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

    /** The URI parameters a Request-URI that a user types may carry, with the values each may take. */
    public static final Map<String, java.util.Set<String>> TARGET_PARAMS = Map.of(
            "transport", java.util.Set.of("udp", "tcp", "tls", "sctp", "ws", "wss"),
            "user", java.util.Set.of("phone", "ip", "dialog"));

    /**
     * Why {@code text} cannot be the Request-URI of a request dialtone sends as written; null when it can. RFC 3261
     * §19.1.5: headers in a URI are for building a request, "not to be used" as they are in a Request-URI; dialtone
     * does not build requests from them, so a TARGET with {@code ?Via=...} is refused rather than sent. URI parameters
     * steer proxies ({@code maddr} names another hop, {@code lr} marks a loose router, {@code method} and {@code ttl}
     * have no place in a Request-URI: §19.1.1, table 1): only {@code transport} and {@code user} are taken, with
     * the values the RFC defines, each once. The user part must be RFC 3261 user characters (escapes allowed), and
     * a password in the URI is refused (§19.1.1: not recommended, and a secret on the command line).
     */
    public static String requestTargetProblem(String text) {
        Optional<SipUri> parsed = parse(text);
        if (parsed.isEmpty()) {
            return "is not a SIP URI";
        }
        SipUri u = parsed.get();
        if (u.headers() != null) {
            return "URI headers ('?" + u.headers().split("=", 2)[0] + "=...') are not taken in a Request-URI"
                    + " (RFC 3261 §19.1.5); give a header with --header 'Name: value'";
        }
        if (u.password() != null) {
            return "a password in the URI is not taken (RFC 3261 §19.1.1)";
        }
        if (u.user() != null) {
            String bad = userProblem(u.user());
            if (bad != null) {
                return "its user part " + bad;
            }
            if (u.user().indexOf('?') >= 0) {
                // legal in a user part, but a parser that looks for '?' first reads what follows as URI headers
                return "its user part contains '?': write it escaped (%3F)";
            }
        }
        if (!u.host().startsWith("[")) {
            for (String label : u.host().split("\\.", -1)) {
                if (label.isEmpty() && !u.host().endsWith(".") || label.length() > 63 || !label.matches("[A-Za-z0-9-]*")) {
                    return "its host is not a host name or an IP address";
                }
            }
        }
        int semi = text.indexOf(';', text.lastIndexOf('@') + 1);
        if (semi >= 0) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String p : text.substring(semi + 1).split(";", -1)) {
                int eq = p.indexOf('=');
                String name = (eq < 0 ? p : p.substring(0, eq)).toLowerCase(Locale.ROOT);
                String value = eq < 0 ? null : p.substring(eq + 1).toLowerCase(Locale.ROOT);
                java.util.Set<String> allowed = TARGET_PARAMS.get(name);
                if (allowed == null) {
                    return "the URI parameter '" + name + "' is not taken in a Request-URI that dialtone sends (it takes "
                            + "transport= and user=)";
                }
                if (value == null || !allowed.contains(value)) {
                    return "the URI parameter " + name + " takes " + String.join(", ", new java.util.TreeSet<>(allowed));
                }
                if (!seen.add(name)) {
                    return "the URI parameter " + name + " is given twice";
                }
            }
        }
        return null;
    }

    /** {@code user = 1*( unreserved / escaped / user-unreserved )} (RFC 3261 §25.1); null when it is one. */
    private static String userProblem(String v) {
        if (v.isEmpty() || v.length() > 256) {
            return "is empty or longer than 256 characters";
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '%') {
                if (i + 2 >= v.length() || Character.digit(v.charAt(i + 1), 16) < 0 || Character.digit(v.charAt(i + 2), 16) < 0) {
                    return "has a % that is not followed by two hex digits";
                }
                i += 2;
            } else if (!(c < 0x80 && Character.isLetterOrDigit(c) || "-_.!~*'()&=+$,;?/".indexOf(c) >= 0)) {
                return "contains '" + (c < 0x20 || c >= 0x7f ? "\\u" + String.format("%04x", (int) c) : String.valueOf(c))
                        + "', which it cannot carry unescaped";
            }
        }
        return null;
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
