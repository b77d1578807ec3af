package dialtone.sip.transaction;

import java.time.Duration;

/**
 * RFC 3261 timer values (§17, Table 4) for a reliable transport, which RFC 7118 WebSocket is: no retransmission
 * timers (A, E, G), and zero waits for D, I, J, K.
 */
public final class Timers {
    public static final Duration T1 = Duration.ofMillis(500);
    /** INVITE transaction timeout, 64*T1. */
    public static final Duration B = T1.multipliedBy(64);
    /** non-INVITE transaction timeout, 64*T1. */
    public static final Duration F = T1.multipliedBy(64);
    /** Wait in Accepted for 2xx retransmissions (RFC 6026), 64*T1. */
    public static final Duration M = T1.multipliedBy(64);

    private Timers() {
    }
}
