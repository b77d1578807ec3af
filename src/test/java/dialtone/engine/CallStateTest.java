package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The moves a call may make, and those it refuses. */
class CallStateTest {
    @Test
    void theLegalMovesAreTheOnesDrawn() {
        assertEquals(EnumSet.of(CallState.INVITING, CallState.OFFERED, CallState.JUDGING), CallState.IDLE.next());
        assertEquals(EnumSet.of(CallState.ANSWERED, CallState.ENDING, CallState.JUDGING), CallState.INVITING.next());
        assertEquals(EnumSet.of(CallState.ANSWERED, CallState.ENDING, CallState.JUDGING), CallState.OFFERED.next());
        assertEquals(EnumSet.of(CallState.ENDING, CallState.JUDGING), CallState.ANSWERED.next());
        assertEquals(EnumSet.of(CallState.JUDGING), CallState.ENDING.next());
        assertEquals(EnumSet.of(CallState.ENDED), CallState.JUDGING.next());
        assertTrue(CallState.ENDED.next().isEmpty());
    }

    @Test
    void noStateGoesBackAndNothingSkipsTheJudging() {
        for (CallState from : CallState.values()) {
            for (CallState to : CallState.values()) {
                if (to.ordinal() <= from.ordinal()) {
                    assertFalse(from.mayMoveTo(to), from + " -> " + to);
                }
            }
            assertEquals(from == CallState.JUDGING, from.mayMoveTo(CallState.ENDED), from + " -> ENDED");
        }
        // an outbound call is never offered, an inbound one never invites
        assertFalse(CallState.INVITING.mayMoveTo(CallState.OFFERED));
        assertFalse(CallState.OFFERED.mayMoveTo(CallState.INVITING));
    }

    @Test
    void everyStateButTheLastCanReachTheEnd() {
        for (CallState s : CallState.values()) {
            Set<CallState> seen = EnumSet.of(s);
            boolean grew = true;
            while (grew) {
                grew = false;
                for (CallState x : EnumSet.copyOf(seen)) {
                    grew |= seen.addAll(x.next());
                }
            }
            assertTrue(seen.contains(CallState.ENDED), s + " cannot end");
        }
        assertTrue(CallState.JUDGING.over() && CallState.ENDED.over() && !CallState.ENDING.over());
    }
}
