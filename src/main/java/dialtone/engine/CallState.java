package dialtone.engine;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a {@link Call} is, with the moves it may make (after SIP.js's SessionState and its checked transitions):
 *
 * <pre>
 * IDLE --dial--&gt; INVITING --2xx--&gt; ANSWERED --BYE/lost--&gt; ENDING --&gt; JUDGING --&gt; ENDED
 * IDLE --INVITE--&gt; OFFERED --accepted--&gt; ANSWERED
 * </pre>
 *
 * An unanswered call goes from INVITING or OFFERED to ENDING (CANCEL, a lost connection) or straight to JUDGING (a
 * final failure response, a rejection); one that never got a dialog goes from IDLE to JUDGING. JUDGING is the end of
 * the call being taken off the loop (last statistics, closing the media), ENDED its verdict.
 */
enum CallState {
    IDLE, INVITING, OFFERED, ANSWERED, ENDING, JUDGING, ENDED;

    /** The states this one may move to. */
    Set<CallState> next() {
        return switch (this) {
            case IDLE -> EnumSet.of(INVITING, OFFERED, JUDGING);
            case INVITING, OFFERED -> EnumSet.of(ANSWERED, ENDING, JUDGING);
            case ANSWERED -> EnumSet.of(ENDING, JUDGING);
            case ENDING -> EnumSet.of(JUDGING);
            case JUDGING -> EnumSet.of(ENDED);
            case ENDED -> EnumSet.noneOf(CallState.class);
        };
    }

    boolean mayMoveTo(CallState s) {
        return next().contains(s);
    }

    /** The call is over on the wire (its end is being taken or was taken). */
    boolean over() {
        return this == JUDGING || this == ENDED;
    }

    /** A move that is not in {@link #next()}: a bug in the caller, never a state to go on from. */
    static final class IllegalMove extends IllegalStateException {
        IllegalMove(CallState from, CallState to) {
            super("illegal call state move " + from + " -> " + to);
        }
    }
}
