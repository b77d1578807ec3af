package dialtone.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * RFC 8122: the certificate is hashed with the SDP's algorithm, whatever hash signed it. Certificates signed with
 * SHA-1, SHA-256 and SHA-384, and their fingerprints in four algorithms as openssl computed them
 * (src/test/resources/dtls/fingerprints.txt), so the oracle is not this code.
 */
class FingerprintTest {
    static List<String[]> vectors() throws IOException {
        try (InputStream in = FingerprintTest.class.getResourceAsStream("/dtls/fingerprints.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().map(l -> l.split(" ")).toList();
        }
    }

    static String der(String signedWith) throws IOException {
        try (InputStream in = FingerprintTest.class.getResourceAsStream("/dtls/cert-" + signedWith + ".pem")) {
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        }
    }

    static String sdpAlg(String openssl) {
        return "sha-" + openssl.substring(3);
    }

    @ParameterizedTest(name = "signed with {0}, a=fingerprint:{1}")
    @MethodSource("vectors")
    void matchesInEveryAlgorithmWhateverSignedTheCertificate(String signedWith, String alg, String fp) throws IOException {
        Fingerprint.Check c = Fingerprint.check(sdpAlg(alg) + " " + fp, der(signedWith));
        assertEquals(Boolean.TRUE, c.matches(), c.detail());
        Fingerprint.Check lower = Fingerprint.check(sdpAlg(alg).toUpperCase() + " " + fp.toLowerCase(), der(signedWith));
        assertEquals(Boolean.TRUE, lower.matches(), "case does not matter: " + lower.detail());
    }

    @ParameterizedTest(name = "another certificate, a=fingerprint:{1}")
    @MethodSource("vectors")
    void anotherCertificateDoesNotMatch(String signedWith, String alg, String fp) throws IOException {
        String other = signedWith.equals("sha256") ? "sha1" : "sha256";
        Fingerprint.Check c = Fingerprint.check(sdpAlg(alg) + " " + fp, der(other));
        assertEquals(Boolean.FALSE, c.matches(), c.detail());
        assertTrue(c.detail().contains("does not match"), c.detail());
    }

    @Test
    void malformedOrUnknownFingerprintsFail() throws IOException {
        String der = der("sha256");
        assertFalse(Fingerprint.check("sha-256", der).matches());
        assertFalse(Fingerprint.check("sha-999 AB:CD", der).matches());
        assertFalse(Fingerprint.check("sha-256 zz:zz", der).matches());
        assertNull(Fingerprint.check(null, der).matches());
        assertNull(Fingerprint.check("sha-256 AB", null).matches());
        assertNull(Fingerprint.check("sha-256 AB", "%%%not base64").matches());
        assertTrue(Base64.getMimeDecoder().decode(der).length > 100);
    }
}
