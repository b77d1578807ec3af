package dialtone.config;

import java.util.List;
import java.util.Locale;

/**
 * A {@code stun:}, {@code stuns:}, {@code turn:} or {@code turns:} URL (RFC 7064, RFC 7065), parsed once where the user
 * gives it (the {@code --ice-server} flag's converter) and passed on as this value: scheme, host (an IPv6 literal
 * without its brackets), port (the scheme's default when none is written) and the {@code ?transport=} given, or null.
 *
 * <p>The one check of every ICE server URL (call, register, probe): it is strict, because what passes here goes into
 * libwebrtc, whose URL parser crashed the process on an out-of-range port, an unknown transport or an unclosed IPv6
 * bracket. {@link #canonical()} (also {@link #toString()}) is what libwebrtc is given. A URL never carries a
 * credential: one with {@code user:pass@} is refused.
 */
public record IceUrl(String scheme, String host, int port, String transport) {
    private static final int MAX_LENGTH = 512;
    private static final List<String> SCHEMES = List.of("stun", "stuns", "turn", "turns");

    /** Checks the parts, so that no IceUrl exists that {@link #parse} would refuse. */
    public IceUrl {
        if (!SCHEMES.contains(scheme) || host == null || host.isEmpty() || port < 1 || port > 65535
                || transport != null && (!scheme.startsWith("turn") || !transport.equals("udp") && !transport.equals("tcp"))) {
            throw new IllegalArgumentException("is not a valid stun:, stuns:, turn: or turns: URL");
        }
    }

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
        String scheme = colon < 0 ? "" : u.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
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
            String problem = SipFields.host(host);
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
        return new IceUrl(scheme, host, port, transport);
    }

    static int defaultPort(String scheme) {
        return scheme.endsWith("s") ? 5349 : 3478;
    }

    /** A TURN server (turn: or turns:), which needs credentials and gives relay candidates. */
    public boolean turn() {
        return scheme.startsWith("turn");
    }

    /** Reached over TLS (stuns:, turns:). */
    public boolean tls() {
        return scheme.endsWith("s");
    }

    /**
     * The transports to try, in order: stun: over UDP; stuns: and turns: over TLS; turn: over the one its
     * {@code ?transport=} names, else UDP and TCP.
     */
    public List<String> transports() {
        if (tls()) {
            return List.of("tls");
        }
        if (!turn()) {
            return List.of("udp");
        }
        return transport == null ? List.of("udp", "tcp") : List.of(transport);
    }

    /**
     * This server reached over {@code t} only (one of {@link #transports()}), as libwebrtc takes it: turns: runs its
     * TLS over TCP, so its {@code tls} is {@code ?transport=tcp}.
     */
    public IceUrl over(String t) {
        if (!transports().contains(t)) {
            throw new IllegalArgumentException(canonical() + " is not reached over " + t);
        }
        return turn() ? new IceUrl(scheme, host, port, tls() ? "tcp" : t) : this;
    }

    public String hostPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The URL rebuilt from its checked parts: the only form that reaches libwebrtc. */
    public String canonical() {
        return scheme + ":" + hostPort() + (transport == null ? "" : "?transport=" + transport);
    }

    @Override
    public String toString() {
        return canonical();
    }
}
