package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptTest {
    @Test
    void aCatastrophicPatternMatchesInLinearTime() {
        // java.util.regex backtracks exponentially on this (100 % CPU for minutes); RE2/J answers at once
        Script.Command c = Script.parseLine("expect-info (.*a){12}$ 8s", 1);
        String body = "a".repeat(40) + "b";
        boolean found = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> c.regex().matcher(body).find());
        assertFalse(found);
        assertTrue(c.regex().matcher("a".repeat(40)).find());
    }

    @Test
    void deepJsonInAnInfoLineIsRefusedBeforeTheCall() {
        String deep = "{\"a\":".repeat(5000) + "1" + "}".repeat(5000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Script.parse(List.of("info hello " + deep)));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Script.parse(List.of("info hello {not json")));
    }

    @Test
    void sizeIsBounded() {
        List<String> many = new ArrayList<>(Collections.nCopies(Script.MAX_LINES + 1, "wait 1s"));
        assertThrows(IllegalArgumentException.class, () -> Script.parse(many));
        assertThrows(IllegalArgumentException.class, () -> Script.parse(List.of("info " + "x".repeat(Script.MAX_LINE_LENGTH + 1))));
    }

    @Test
    void anUnknownCommandIsEchoedEscaped() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Script.parseLine("\u001b]0;owned\u0007 now", 3));
        assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
        assertTrue(e.getMessage().contains("\\e]0;owned"), e.getMessage());
    }
}
