package dialtone.sip.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.support.Secret;
import org.junit.jupiter.api.Test;

/** RFC 2617 §3.5 and RFC 7616 §3.9.1 vectors, cnonce injected. */
class DigestVectorsTest {
    static String response(String header) {
        int i = header.indexOf("response=\"") + 10;
        return header.substring(i, header.indexOf('"', i));
    }

    @Test
    void rfc2617Mufasa() {
        DigestChallenge ch = DigestChallenge.parse("Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"").orElseThrow();
        String h = new DigestAuthenticator(() -> "0a4f113b").authorize(ch,
                new DigestCredentials("Mufasa", Secret.of("Circle Of Life")), "GET", "/dir/index.html");
        assertEquals("6629fae49393a05397450978507c4ef1", response(h));
        assertTrue(h.contains("nc=00000001"), h);
        assertTrue(h.contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""), h);
        assertFalse(h.contains("Circle"), h);
    }

    @Test
    void rfc7616Md5AndSha256() {
        String base = "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
                + "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
        DigestCredentials cred = new DigestCredentials("Mufasa", Secret.of("Circle of Life"));
        String cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        DigestChallenge md5 = DigestChallenge.parse(base + ", algorithm=MD5").orElseThrow();
        assertEquals("8ca523f5e9506fed4657c9700eebdbec",
                response(new DigestAuthenticator(() -> cnonce).authorize(md5, cred, "GET", "/dir/index.html")));
        DigestChallenge sha = DigestChallenge.parse(base + ", algorithm=SHA-256").orElseThrow();
        assertEquals(DigestAlgorithm.SHA_256, sha.algorithm());
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
                response(new DigestAuthenticator(() -> cnonce).authorize(sha, cred, "GET", "/dir/index.html")));
    }

    @Test
    void nonceCountGrowsPerNonceAndResets() {
        DigestAuthenticator a = new DigestAuthenticator(() -> "c");
        DigestCredentials cred = new DigestCredentials("u", Secret.of("p"));
        DigestChallenge n1 = DigestChallenge.parse("Digest realm=\"r\", nonce=\"n1\", qop=\"auth\"").orElseThrow();
        assertTrue(a.authorize(n1, cred, "REGISTER", "sip:r").contains("nc=00000001"));
        assertTrue(a.authorize(n1, cred, "REGISTER", "sip:r").contains("nc=00000002"));
        DigestChallenge n2 = DigestChallenge.parse("Digest realm=\"r\", nonce=\"n2\", qop=\"auth\", stale=TRUE").orElseThrow();
        assertTrue(n2.stale());
        assertTrue(a.authorize(n2, cred, "REGISTER", "sip:r").contains("nc=00000001"));
    }

    @Test
    void challengesThatCannotBeAnswered() {
        assertTrue(DigestChallenge.parse("Basic realm=\"x\"").isEmpty());
        assertTrue(DigestChallenge.parse("Digest realm=\"x\"").isEmpty());
        assertTrue(DigestChallenge.parse("Digest realm=\"x\", nonce=\"y\", algorithm=FOO").isEmpty());
        assertTrue(DigestChallenge.parse("Digestive realm=\"x\", nonce=\"y\"").isEmpty());
    }

    @Test
    void noQopIsRfc2069Mode() {
        DigestChallenge ch = DigestChallenge.parse("Digest realm=\"r\", nonce=\"n\"").orElseThrow();
        String h = new DigestAuthenticator(() -> "c").authorize(ch, new DigestCredentials("u", Secret.of("p")),
                "REGISTER", "sip:r");
        assertFalse(h.contains("qop="), h);
        assertEquals(DigestAlgorithm.MD5.hash(DigestAlgorithm.MD5.hash("u:r:p") + ":n:" + DigestAlgorithm.MD5.hash("REGISTER:sip:r")),
                response(h));
    }
}
