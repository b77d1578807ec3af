package dialtone.event;

import java.util.Objects;

/**
 * A failure as data: which layer, why, who, and the SIP status when there was one (0 otherwise).
 * {@code message} is the one line a person reads; it never carries a secret.
 */
public record Failure(Layer layer, Cause cause, Originator originator, int status, String reason, String message) {
    public Failure {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(originator, "originator");
        Objects.requireNonNull(message, "message");
    }

    public static Failure of(Layer layer, Cause cause, String message) {
        return new Failure(layer, cause, Originator.SYSTEM, 0, null, message);
    }

    public static Failure sip(Layer layer, int status, String reason, String message) {
        return new Failure(layer, Cause.fromStatus(status), Originator.REMOTE, status, reason, message);
    }
}
