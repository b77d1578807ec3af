package dialtone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The teardown's grace after a signal is 300 ms of one core's work, at most 2 s. */
class StopSignalGraceTest {
    @Test
    void aProcessWithLessThanACoreGetsLonger() {
        assertEquals(300, StopSignal.graceFor(2));
        assertEquals(300, StopSignal.graceFor(1));
        assertEquals(300, StopSignal.graceFor(-1)); // unknown: a whole core assumed
        assertEquals(600, StopSignal.graceFor(0.5));
        assertEquals(2000, StopSignal.graceFor(0.15));
        assertEquals(2000, StopSignal.graceFor(0.01));
    }
}
