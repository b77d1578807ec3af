package dialtone.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@code stun:}, {@code turn:} or {@code turns:} URL (RFC 7064, RFC 7065): scheme, host, port, transports to try.
 * {@code turn:} without {@code ?transport=} is probed over UDP and TCP; {@code turns:} over TLS.
 */
public record IceUrl(String scheme, String host, int port, List<String> transports) {
    public static IceUrl parse(String url) {
        String u = url.trim();
        int colon = u.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(url + " is not a stun:/turn:/turns: URL");
        }
        String scheme = u.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = u.substring(colon + 1);
        String transport = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            String query = rest.substring(q + 1).toLowerCase(Locale.ROOT);
            rest = rest.substring(0, q);
            if (query.startsWith("transport=")) {
                transport = query.substring("transport=".length());
            }
        }
        String host;
        int port;
        if (rest.startsWith("[")) {
            int end = rest.indexOf(']');
            host = rest.substring(1, end);
            port = end + 2 <= rest.length() - 1 ? Integer.parseInt(rest.substring(end + 2)) : defaultPort(scheme);
        } else {
            int pc = rest.lastIndexOf(':');
            host = pc < 0 ? rest : rest.substring(0, pc);
            port = pc < 0 ? defaultPort(scheme) : Integer.parseInt(rest.substring(pc + 1));
        }
        List<String> ts = new ArrayList<>();
        switch (scheme) {
            case "stun" -> ts.add("udp");
            case "stuns" -> ts.add("tls");
            case "turn" -> {
                if (transport == null) {
                    ts.add("udp");
                    ts.add("tcp");
                } else {
                    ts.add(transport);
                }
            }
            case "turns" -> ts.add("tls");
            default -> throw new IllegalArgumentException(url + " is not a stun:/turn:/turns: URL");
        }
        return new IceUrl(scheme, host, port, List.copyOf(ts));
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
}
