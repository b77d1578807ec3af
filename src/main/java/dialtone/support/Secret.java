package dialtone.support;

/**
 * A secret value (SIP password, TURN credential) that cannot be printed by accident: {@link #toString()} masks it.
 * Use {@link #reveal()} only where the value is needed for a computation (the digest hash, the TURN HMAC).
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return value == null ? null : new Secret(value);
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "***";
    }
}
