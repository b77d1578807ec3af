package dialtone.config;

import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.support.DialtoneException;
import dialtone.support.Hosts;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The transport rules of the security model: the config endpoint over HTTPS (plain HTTP only to loopback),
 * signalling over {@code wss://} ({@code ws://} only to loopback, and only when asked for).
 */
public final class UrlPolicy {
    static final int MIN_TOKEN = 12;

    private UrlPolicy() {
    }

    public static URI configUrl(String text) {
        URI u = parse(text, "endpoint URL");
        String scheme = lower(u.getScheme());
        if ("https".equals(scheme)) {
            return u;
        }
        if ("http".equals(scheme)) {
            if (Hosts.isLoopback(u.getHost())) {
                return u;
            }
            throw bad("refusing plain http:// to " + u.getHost() + ": the configuration carries credentials, use https://"
                    + " (http:// is allowed to loopback only)");
        }
        throw bad("the endpoint URL must be https:// (got " + (scheme == null ? "no scheme" : scheme + "://") + ")");
    }

    /**
     * Checks a SIP WebSocket URI.
     *
     * @param allowWs the user asked for {@code ws://} (honoured on loopback only)
     */
    public static URI wsUri(String text, boolean allowWs, String where) {
        URI u = parse(text, where);
        if (u.getRawUserInfo() != null) {
            // a browser never sends URI credentials on a WebSocket upgrade; they would only leak into logs
            throw bad(where + " carries a user name or password (user:pass@host): refused, and not shown");
        }
        String scheme = lower(u.getScheme());
        if ("wss".equals(scheme)) {
            return u;
        }
        if ("ws".equals(scheme)) {
            if (!Hosts.isLoopback(u.getHost())) {
                throw bad(where + " " + u + " is not wss://: signalling must be encrypted (ws:// is allowed to loopback only)");
            }
            if (!allowWs) {
                throw bad(where + " " + u + " is not wss://; add --allow-ws to use plain ws:// on loopback");
            }
            return u;
        }
        throw bad(where + " must be a wss:// URI (got " + (scheme == null ? "no scheme" : scheme + "://") + ")");
    }

    private static URI parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw bad(what + " is empty");
        }
        try {
            URI u = new URI(text.trim());
            if (u.getHost() == null) {
                throw bad(what + " has no host" + (u.getRawAuthority() != null && u.getRawAuthority().contains("@")
                        ? "" : ": " + redact(u)));
            }
            return u;
        } catch (URISyntaxException e) {
            throw bad(what + " is not a valid URI (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
    }

    /**
     * The URL as it may be shown: the last path segment (the SDK's URL token) and any query are masked.
     * {@code https://host:8443/c2c/abcdef} becomes {@code https://host:8443/c2c/***}.
     */
    public static String redact(URI u) {
        StringBuilder sb = new StringBuilder();
        sb.append(u.getScheme()).append("://").append(u.getHost());
        if (u.getPort() >= 0) {
            sb.append(':').append(u.getPort());
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        int cut = path.endsWith("/") ? path.lastIndexOf('/', path.length() - 2) : path.lastIndexOf('/');
        if (cut >= 0 && cut < path.length() - 1) {
            sb.append(path, 0, cut + 1).append("***");
            if (path.endsWith("/")) {
                sb.append('/');
            }
        } else {
            sb.append(path);
        }
        if (u.getRawQuery() != null) {
            sb.append("?***");
        }
        return sb.toString();
    }

    /**
     * The secret parts of a config URL (its last path segment, its query, user info), for the redactor. A last
     * segment shorter than {@value #MIN_TOKEN} characters is a path name rather than a token (real tokens are 64 hex
     * digits); it is still masked wherever the URL is shown, but not hunted for in all other text.
     */
    public static java.util.List<String> secrets(URI u) {
        java.util.List<String> out = new java.util.ArrayList<>();
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        int cut = trimmed.lastIndexOf('/');
        if (cut >= 0 && cut < trimmed.length() - MIN_TOKEN) {
            String seg = trimmed.substring(cut + 1);
            out.add(seg);
            out.add(java.net.URLDecoder.decode(seg, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (u.getRawQuery() != null) {
            out.add(u.getRawQuery());
        }
        if (u.getRawUserInfo() != null) {
            out.add(u.getRawUserInfo());
        }
        return out;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static DialtoneException bad(String msg) {
        return new DialtoneException(Failure.of(Layer.CONFIG, Cause.CONFIG_INVALID, msg));
    }
}
