package dialtone.sip.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/** The digest algorithms of RFC 7616 §3.7 (and RFC 8760 for SIP), with their {@code -sess} variants. */
public enum DigestAlgorithm {
    MD5("MD5", "MD5", false),
    MD5_SESS("MD5-sess", "MD5", true),
    SHA_256("SHA-256", "SHA-256", false),
    SHA_256_SESS("SHA-256-sess", "SHA-256", true),
    SHA_512_256("SHA-512-256", "SHA-512/256", false),
    SHA_512_256_SESS("SHA-512-256-sess", "SHA-512/256", true);

    private final String wire;
    private final String jca;
    private final boolean session;

    DigestAlgorithm(String wire, String jca, boolean session) {
        this.wire = wire;
        this.jca = jca;
        this.session = session;
    }

    public String wire() {
        return wire;
    }

    public boolean session() {
        return session;
    }

    /** A missing algorithm parameter means MD5 (RFC 2617 §3.2.1). */
    public static Optional<DigestAlgorithm> of(String name) {
        if (name == null) {
            return Optional.of(MD5);
        }
        for (DigestAlgorithm a : values()) {
            if (a.wire.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** Preference when a server offers several challenges (RFC 7616 §3.7: the strongest first). */
    public int strength() {
        return switch (this) {
            case SHA_512_256, SHA_512_256_SESS -> 3;
            case SHA_256, SHA_256_SESS -> 2;
            default -> 1;
        };
    }

    public String hash(String s) {
        try {
            MessageDigest md = MessageDigest.getInstance(jca);
            return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jca + " is missing from this JRE", e);
        }
    }
}
