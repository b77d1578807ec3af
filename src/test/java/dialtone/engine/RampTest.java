package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code load --ramp}: parsing, the steps, each call's talk time, a step's verdict and the capacity found. */
class RampTest {
    @Test
    void parsesFromToStepAndHold() {
        Ramp r = Ramp.parse("50:400:50");
        assertEquals(List.of(50, 100, 150, 200, 250, 300, 350, 400), r.levels());
        assertEquals(Ramp.DEFAULT_HOLD, r.hold());
        assertEquals(Duration.ofSeconds(30), Ramp.parse("10:30:10:30s").hold());
        assertEquals(Duration.ofMinutes(2), Ramp.parse("10:30:10:2m").hold());
        assertEquals(Duration.ofSeconds(15), Ramp.parse("10:30:10:15").hold());
        assertEquals(List.of(5, 12, 19, 20), Ramp.parse("5:20:7").levels(), "TO is always a step");
        assertEquals(5 + 12 + 19 + 20, Ramp.parse("5:20:7").totalCalls());
        for (String bad : List.of("", "50", "50:400", "0:10:5", "20:10:5", "10:20:0", "a:20:5", "10:20:5:x", "10:20:5:0s",
                "1:500:1", "10:20:5:2h", "10:20:5:10s:1", "-5:10:5")) {
            assertThrows(IllegalArgumentException.class, () -> Ramp.parse(bad), bad);
        }
    }

    @Test
    void everyCallOfAStepIsUpAtOnceForTheHold() {
        Ramp r = Ramp.parse("10:20:10:20s");
        // 10 calls at 5 per second: the first starts 1.8 s before the last and talks 1.8 s longer
        assertEquals(Duration.ofMillis(21_800), r.talk(0, 10, 5));
        assertEquals(Duration.ofSeconds(20), r.talk(9, 10, 5));
        for (int i = 0; i < 10; i++) { // start (i / rate) + talk is the same for every call
            assertEquals(21_800, i * 200 + r.talk(i, 10, 5).toMillis());
        }
    }

    @Test
    void aStepPassesOnlyWhenEveryCallPassedAndDialtoneKeptUp() {
        assertTrue(Ramp.judge(null, Map.of(), 50, 50).passed());
        Ramp.StepVerdict far = Ramp.judge(null, Map.of("MEDIA/NO_MEDIA", 3, "CALL/BUSY", 1), 50, 50);
        assertFalse(far.passed());
        assertEquals("far end", far.saturated());
        assertTrue(far.reason().contains("4 of 50") && far.reason().contains("MEDIA/NO_MEDIA (3)"), far.reason());
        // dialtone overloaded: its verdict even when calls failed at the media layer meanwhile
        Failure over = new Failure(Layer.OVERLOAD, Cause.OVERLOADED, dialtone.event.Originator.LOCAL, 0, null,
                "dialtone overloaded at 120 calls");
        Ramp.StepVerdict mine = Ramp.judge(over, Map.of("MEDIA/NO_MEDIA", 30), 150, 150);
        assertEquals("dialtone", mine.saturated());
        assertFalse(Ramp.judge(null, Map.of(), 50, 49).passed());
        assertEquals("dialtone", Ramp.judge(null, Map.of("INTERNAL/INTERNAL_ERROR", 1), 50, 50).saturated());
    }

    @Test
    void theCapacityIsTheHighestStepThatPassed() {
        Map<String, Object> s = Ramp.summary(List.of(step(50, true, null), step(100, true, null), step(150, false, "dialtone")));
        assertEquals(100, s.get("capacity"));
        assertEquals("dialtone", s.get("saturatedFirst"));
        Map<String, Object> none = Ramp.summary(List.of(step(50, false, "far end")));
        assertEquals(0, none.get("capacity"));
        assertEquals("far end", none.get("saturatedFirst"));
        assertNull(Ramp.summary(List.of(step(50, true, null))).get("saturatedFirst"));
        assertEquals("50 pass | 100 pass | 150 FAIL dialtone", LoadScenario.table(List.of(step(50, true, null),
                step(100, true, null), step(150, false, "dialtone"))));
    }

    static Map<String, Object> step(int c, boolean passed, String saturated) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("concurrency", c);
        m.put("passed", passed);
        if (saturated != null) {
            m.put("saturated", saturated);
        }
        return m;
    }
}
