package dialtone.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 22 case 9: SIGHUP exits 129 and says so (it printed "exit 130"). */
class SignalsTest {
    @AfterEach
    void forget() {
        Signals.reset();
    }

    @Test
    void eachSignalHasItsCodeAndName() {
        Signals.received("HUP");
        assertEquals(129, Signals.exitCode());
        assertEquals("SIGHUP", Signals.describe());
        Signals.reset();
        Signals.received("TERM");
        assertEquals(143, Signals.exitCode());
        assertEquals("SIGTERM", Signals.describe());
        Signals.reset();
        Signals.received("INT");
        assertEquals(130, Signals.exitCode());
        assertEquals("Ctrl-C", Signals.describe());
    }

    @Test
    void theFirstSignalWins() {
        Signals.received("HUP");
        Signals.received("TERM");
        assertEquals(129, Signals.exitCode());
    }
}
