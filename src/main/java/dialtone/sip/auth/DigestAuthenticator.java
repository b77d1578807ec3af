package dialtone.sip.auth;

import java.util.function.Supplier;

/**
 * Computes the Authorization / Proxy-Authorization value for a challenge (RFC 3261 §22.4, RFC 2617 §3.2.2,
 * RFC 7616 §3.4): {@code response = H(H(A1):nonce:nc:cnonce:qop:H(A2))} with qop=auth, or
 * {@code H(H(A1):nonce:H(A2))} when the server offers no qop. auth-int is not offered by dialtone.
 * The nonce count grows per nonce; the cnonce source is injected so tests can check the RFC vectors.
 */
public final class DigestAuthenticator {
    private final Supplier<String> cnonces;
    private String lastNonce;
    private int nc;

    public DigestAuthenticator(Supplier<String> cnonces) {
        this.cnonces = cnonces;
    }

    public String authorize(DigestChallenge ch, DigestCredentials cred, String method, String uri) {
        if (!ch.nonce().equals(lastNonce)) {
            lastNonce = ch.nonce();
            nc = 0;
        }
        nc++;
        String ncHex = String.format("%08x", nc);
        DigestAlgorithm alg = ch.algorithm();
        String cnonce = cnonces.get();
        String ha1 = alg.hash(cred.username() + ":" + ch.realm() + ":" + cred.password().reveal());
        if (alg.session()) {
            ha1 = alg.hash(ha1 + ":" + ch.nonce() + ":" + cnonce);
        }
        String ha2 = alg.hash(method + ":" + uri);
        boolean qop = ch.offersAuth();
        String response = qop
                ? alg.hash(ha1 + ":" + ch.nonce() + ":" + ncHex + ":" + cnonce + ":auth:" + ha2)
                : alg.hash(ha1 + ":" + ch.nonce() + ":" + ha2);
        StringBuilder sb = new StringBuilder("Digest ");
        sb.append("username=\"").append(quote(cred.username())).append('"');
        sb.append(", realm=\"").append(quote(ch.realm())).append('"');
        sb.append(", nonce=\"").append(quote(ch.nonce())).append('"');
        sb.append(", uri=\"").append(quote(uri)).append('"');
        sb.append(", response=\"").append(response).append('"');
        sb.append(", algorithm=").append(alg.wire());
        if (ch.opaque() != null) {
            sb.append(", opaque=\"").append(quote(ch.opaque())).append('"');
        }
        if (qop) {
            sb.append(", qop=auth, nc=").append(ncHex).append(", cnonce=\"").append(quote(cnonce)).append('"');
        }
        return sb.toString();
    }

    private static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
