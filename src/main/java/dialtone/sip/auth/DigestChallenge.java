package dialtone.sip.auth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code WWW-Authenticate} or {@code Proxy-Authenticate} Digest challenge (RFC 3261 §22.4, RFC 7616 §3.3).
 *
 * @param qop the qop options offered, lower-cased; empty for the RFC 2069 compatibility mode
 */
public record DigestChallenge(String realm, String nonce, String opaque, DigestAlgorithm algorithm, List<String> qop,
                              boolean stale) {

    /** Parses one challenge; empty when it is not Digest, lacks realm/nonce, or names an unknown algorithm. */
    public static Optional<DigestChallenge> parse(String value) {
        String v = value.trim();
        if (!v.regionMatches(true, 0, "Digest", 0, 6) || (v.length() > 6 && !Character.isWhitespace(v.charAt(6)))) {
            return Optional.empty();
        }
        Map<String, String> p = params(v.substring(6));
        String realm = p.get("realm");
        String nonce = p.get("nonce");
        if (realm == null || nonce == null) {
            return Optional.empty();
        }
        Optional<DigestAlgorithm> alg = DigestAlgorithm.of(p.get("algorithm"));
        if (alg.isEmpty()) {
            return Optional.empty();
        }
        List<String> qop = p.get("qop") == null ? List.of()
                : List.of(p.get("qop").toLowerCase(Locale.ROOT).split("\\s*,\\s*"));
        return Optional.of(new DigestChallenge(realm, nonce, p.get("opaque"), alg.get(), qop,
                "true".equalsIgnoreCase(p.get("stale"))));
    }

    /** auth-param list: {@code name=token / name="quoted"}, separated by commas. */
    static Map<String, String> params(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ',' || Character.isWhitespace(s.charAt(i)))) {
                i++;
            }
            int ns = i;
            while (i < n && s.charAt(i) != '=' && s.charAt(i) != ',') {
                i++;
            }
            String name = s.substring(ns, i).trim().toLowerCase(Locale.ROOT);
            if (i >= n || s.charAt(i) != '=') {
                continue;
            }
            i++;
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            StringBuilder val = new StringBuilder();
            if (i < n && s.charAt(i) == '"') {
                i++;
                while (i < n && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    val.append(s.charAt(i++));
                }
                i++;
            } else {
                while (i < n && s.charAt(i) != ',') {
                    val.append(s.charAt(i++));
                }
            }
            if (!name.isEmpty()) {
                out.put(name, val.toString().trim());
            }
        }
        return out;
    }

    public boolean offersAuth() {
        return qop.contains("auth");
    }
}
