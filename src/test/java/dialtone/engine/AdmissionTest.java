package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dialtone.engine.Admission.Decision;
import org.junit.jupiter.api.Test;

/** The answering side sheds what it cannot carry: 486 beyond --max-calls, 503 while behind and at its learned limit. */
class AdmissionTest {
    static final long S = 1_000_000_000L;

    @Test
    void beyondMaxCallsIsBusy() {
        Admission a = new Admission(3);
        assertEquals(Decision.ACCEPT, a.decide(2, false, 0));
        assertEquals(Decision.BUSY, a.decide(3, false, 0));
        assertEquals(Decision.BUSY, a.decide(3, true, 0), "486 first: it is the configured limit");
        assertEquals(2, a.busy());
    }

    @Test
    void whileBehindEveryNewCallIsRefusedAndTheLimitIsRemembered() {
        Admission a = new Admission(500);
        assertEquals(Decision.ACCEPT, a.decide(100, false, 0));
        assertEquals(Decision.OVERLOADED, a.decide(120, true, 1 * S)); // fell behind carrying 120
        assertEquals(120, a.learnedCapacity());
        // caught up, calls ended: below what it carried when it fell behind it takes calls again, not up to it
        assertEquals(Decision.ACCEPT, a.decide(100, false, 5 * S));
        assertEquals(Decision.OVERLOADED, a.decide(119, false, 6 * S));
        // 30 s without falling behind: the limit is forgotten (a passing stall must not cap the run)
        assertEquals(Decision.ACCEPT, a.decide(119, false, 32 * S));
        assertEquals(-1, a.learnedCapacity());
        assertEquals(2, a.overloaded());
    }

    @Test
    void oneCallIsAlwaysAllowedOnceCaughtUp() {
        Admission a = new Admission(10);
        assertEquals(Decision.OVERLOADED, a.decide(0, true, 0));
        assertEquals(Decision.ACCEPT, a.decide(0, false, S));
    }
}
