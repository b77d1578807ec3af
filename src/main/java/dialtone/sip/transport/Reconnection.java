package dialtone.sip.transport;

import dialtone.support.Scheduler;
import java.time.Duration;

/**
 * How a SIP transport comes back after it drops (JsSIP's policy): the next attempt 2 s after a loss, the delay
 * doubling with every failed attempt up to 30 s, back to 2 s once connected. A first connect that fails is not
 * retried (there is nothing to come back to: the caller reports it). {@link #stop()} ends the attempts and closes
 * the transport. Everything runs on the loop.
 */
public final class Reconnection {
    /** Told of each attempt, for the timeline. */
    public interface Attempts {
        /** Attempt {@code n} (1: the first connect) starts now. */
        void connecting(int n);

        /** Reconnection attempt {@code n} (1: the first after a loss) starts in {@code delayMs}. */
        void reconnecting(int n, long delayMs);
    }

    /** The longest wait between two attempts. */
    public static final Duration MAX_DELAY = Duration.ofSeconds(30);

    private final Scheduler loop;
    private final SipTransport transport;
    private final Attempts attempts;
    private boolean everConnected;
    private boolean stopping;
    private int attempt;
    private Scheduler.Cancellable timer;

    public Reconnection(Scheduler loop, SipTransport transport, Attempts attempts) {
        this.loop = loop;
        this.transport = transport;
        this.attempts = attempts;
    }

    /** The first connect. */
    public void start() {
        attempts.connecting(1);
        transport.connect();
    }

    /** The transport connected; true when it is the first time. */
    public boolean connected() {
        attempt = 0;
        boolean first = !everConnected;
        everConnected = true;
        return first;
    }

    public boolean everConnected() {
        return everConnected;
    }

    /** Whether {@link #stop()} was called. */
    public boolean stopping() {
        return stopping;
    }

    /** The connection was lost, or a reconnection attempt failed: the next attempt is scheduled unless stopping. */
    public void lost() {
        if (stopping) {
            return;
        }
        attempt++;
        long delay = delaySeconds(attempt);
        attempts.reconnecting(attempt, delay * 1000);
        timer = loop.schedule(Duration.ofSeconds(delay), () -> {
            if (!stopping) {
                attempts.connecting(attempt + 1);
                transport.connect();
            }
        });
    }

    /** No more attempts; closes the transport. */
    public void stop() {
        stopping = true;
        if (timer != null) {
            timer.cancel();
        }
        transport.close();
    }

    /** The wait before reconnection attempt {@code n}: 2, 4, 8, 16, then 30 s. */
    static long delaySeconds(int n) {
        return Math.min(MAX_DELAY.toSeconds(), 1L << Math.min(n, 5));
    }
}
