package dialtone.engine;

/**
 * Whether the answering side takes one more call: beyond {@code --max-calls} a call gets 486 Busy Here; while
 * dialtone is behind for good (its own audio pacing, {@link Overload#sustained()}: two seconds in a row, not the
 * moment of a few calls connecting), or at or beyond the number of calls it had when it last
 * fell behind, 503 Service Unavailable with a Retry-After, so that the calls it carries stay whole. That learned
 * capacity is forgotten after {@link #FORGET_NANOS} without falling behind (a passing stall must not cap a whole
 * run). Not thread-safe: the UA loop owns it.
 */
final class Admission {
    enum Decision { ACCEPT, BUSY, OVERLOADED }

    /** Seconds a caller is told to wait before trying again (Retry-After). */
    static final int RETRY_AFTER_SECONDS = 5;
    static final long FORGET_NANOS = 30_000_000_000L;

    private final int maxCalls;
    private int learned = Integer.MAX_VALUE;
    private long lastBehind;
    private boolean wasBehind;
    private long busy;
    private long overloaded;

    Admission(int maxCalls) {
        this.maxCalls = Math.max(1, maxCalls);
    }

    /** One INVITE arriving with {@code active} calls in progress, dialtone {@code behind} or not, at {@code now}. */
    Decision decide(int active, boolean behind, long now) {
        if (behind) {
            if (!wasBehind) { // fell behind carrying this many: that is more than it can carry
                learned = Math.min(learned, Math.max(2, active));
            }
            lastBehind = now;
        } else if (learned != Integer.MAX_VALUE && now - lastBehind > FORGET_NANOS) {
            learned = Integer.MAX_VALUE;
        }
        wasBehind = behind;
        if (active >= maxCalls) {
            busy++;
            return Decision.BUSY;
        }
        if (behind || active + 1 >= learned) { // the next call would bring it back to where it fell behind
            overloaded++;
            return Decision.OVERLOADED;
        }
        return Decision.ACCEPT;
    }

    /** The capacity learned from falling behind (calls), or -1 when there is none now. */
    int learnedCapacity() {
        return learned == Integer.MAX_VALUE ? -1 : learned;
    }

    long busy() {
        return busy;
    }

    long overloaded() {
        return overloaded;
    }
}
