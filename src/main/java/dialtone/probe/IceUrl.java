package dialtone.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@code stun:}, {@code stuns:}, {@code turn:} or {@code turns:} URL (RFC 7064, RFC 7065): scheme, host, port,
 * transports to try. {@code turn:} without {@code ?transport=} is probed over UDP and TCP; {@code turns:} over TLS.
 *
 * <p>The one check of every ICE server URL a user gives (call, register, probe): it is strict, because what passes
 * here goes into libwebrtc, whose URL parser crashed the process on an out-of-range port, an unknown transport or an
 * unclosed IPv6 bracket. {@link #canonical()} is what libwebrtc is given.
 */
public record IceUrl(String scheme, String host, int port, String transport, List<String> transports) {
    private static final int MAX_LENGTH = 512;

    /** Parses and validates; IllegalArgumentException with a one-line reason (the URL itself is not repeated). */
    public static IceUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("is empty");
        }
        String u = url.trim();
        if (u.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("is longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < u.length(); i++) {
            char c = u.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new IllegalArgumentException("contains white space, a control or a non-ASCII character");
            }
        }
        int colon = u.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("is not a stun:, stuns:, turn: or turns: URL");
        }
        String scheme = u.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!List.of("stun", "stuns", "turn", "turns").contains(scheme)) {
            throw new IllegalArgumentException("is not a stun:, stuns:, turn: or turns: URL");
        }
        String rest = u.substring(colon + 1);
        if (rest.startsWith("//")) {
            throw new IllegalArgumentException("has '//': write " + scheme + ":host:port (RFC 7064/7065)");
        }
        if (rest.contains("@")) {
            throw new IllegalArgumentException("carries credentials: give them with --turn-user and a password source");
        }
        String transport = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            String query = rest.substring(q + 1).toLowerCase(Locale.ROOT);
            rest = rest.substring(0, q);
            if (!scheme.startsWith("turn")) {
                throw new IllegalArgumentException("has a query; only turn: and turns: take ?transport=udp|tcp");
            }
            if (!query.equals("transport=udp") && !query.equals("transport=tcp")) {
                throw new IllegalArgumentException("has an unknown query: only ?transport=udp or ?transport=tcp");
            }
            transport = query.substring("transport=".length());
        }
        String host;
        String portText = null;
        if (rest.startsWith("[")) {
            int end = rest.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("has an IPv6 address without its closing ']'");
            }
            host = rest.substring(1, end);
            if (host.isEmpty() || !host.matches("[0-9A-Fa-f:.]+") || !host.contains(":")) {
                throw new IllegalArgumentException("has an invalid IPv6 address");
            }
            String after = rest.substring(end + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("has text after the IPv6 address");
                }
                portText = after.substring(1);
            }
        } else {
            int pc = rest.indexOf(':');
            host = pc < 0 ? rest : rest.substring(0, pc);
            portText = pc < 0 ? null : rest.substring(pc + 1);
            String problem = dialtone.config.SipFields.host(host);
            if (problem != null) {
                throw new IllegalArgumentException("host " + problem);
            }
        }
        int port = defaultPort(scheme);
        if (portText != null) {
            if (!portText.matches("\\d{1,5}")) {
                throw new IllegalArgumentException("has a port that is not a number");
            }
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("has a port outside 1-65535");
            }
        }
        List<String> ts = new ArrayList<>();
        switch (scheme) {
            case "stun" -> ts.add("udp");
            case "stuns", "turns" -> ts.add("tls");
            default -> {
                if (transport == null) {
                    ts.add("udp");
                    ts.add("tcp");
                } else {
                    ts.add(transport);
                }
            }
        }
        return new IceUrl(scheme, host, port, transport, List.copyOf(ts));
    }

    static int defaultPort(String scheme) {
        return scheme.endsWith("s") ? 5349 : 3478;
    }

    public boolean turn() {
        return scheme.startsWith("turn");
    }

    public String hostPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The URL rebuilt from its checked parts: the only form that reaches libwebrtc. */
    public String canonical() {
        return scheme + ":" + hostPort() + (transport == null ? "" : "?transport=" + transport);
    }
}
