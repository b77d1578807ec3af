package dialtone.media;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The DTLS certificate check of RFC 8122 §5: the far end's certificate, hashed with the algorithm its SDP
 * {@code a=fingerprint} names, must give that fingerprint. The algorithm of the SDP line decides, not the
 * certificate's own signature algorithm (libwebrtc's stats report the fingerprint with the latter: a certificate
 * signed with SHA-1 under {@code a=fingerprint:sha-256} is fine when its SHA-256 matches).
 */
public final class Fingerprint {
    /** The outcome: {@code matches} null when it could not be checked, with the reason in {@code detail}. */
    public record Check(Boolean matches, String detail) {
    }

    private Fingerprint() {
    }

    /**
     * @param sdpFingerprint the SDP value, e.g. {@code sha-256 AB:CD:...}
     * @param base64Der      the remote certificate (DER, base64) as the stats report carries it
     */
    public static Check check(String sdpFingerprint, String base64Der) {
        if (sdpFingerprint == null || base64Der == null) {
            return new Check(null, "not checked: " + (sdpFingerprint == null ? "no a=fingerprint in the SDP" : "no certificate in the stats"));
        }
        String[] parts = sdpFingerprint.strip().split("\\s+", 2);
        if (parts.length != 2) {
            return new Check(false, "the SDP's a=fingerprint is malformed");
        }
        String alg = parts[0].toLowerCase(Locale.ROOT);
        String javaAlg = switch (alg) {
            case "sha-1" -> "SHA-1";
            case "sha-224" -> "SHA-224";
            case "sha-256" -> "SHA-256";
            case "sha-384" -> "SHA-384";
            case "sha-512" -> "SHA-512";
            case "md5" -> "MD5";
            default -> null;
        };
        if (javaAlg == null) {
            return new Check(false, "the SDP's fingerprint algorithm is not one of RFC 8122's hash functions");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(base64Der);
        } catch (IllegalArgumentException e) {
            return new Check(null, "not checked: the certificate in the stats is not base64");
        }
        byte[] want;
        try {
            want = HexFormat.ofDelimiter(":").parseHex(parts[1].strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return new Check(false, "the SDP's fingerprint is not colon-separated hex");
        }
        try {
            byte[] got = MessageDigest.getInstance(javaAlg).digest(der);
            boolean ok = MessageDigest.isEqual(got, want);
            return new Check(ok, ok ? alg + " of the certificate matches the SDP"
                    : "the certificate's " + alg + " " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(got)
                    + " does not match the SDP's " + parts[1].strip());
        } catch (NoSuchAlgorithmException e) {
            return new Check(null, "not checked: " + javaAlg + " is not available");
        }
    }
}
