package dialtone.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void terminalControlSequencesAreShownNotObeyed() {
        assertEquals("\\e]0;owned\\u0007", Printable.escape("\u001b]0;owned\u0007"));
        assertEquals("\\e[2J\\e[1;1H", Printable.escape("\u001b[2J\u001b[1;1H"));
        assertEquals("a\\r\\nb\\t\\0", Printable.escape("a\r\nb\t\0"));
        assertEquals("\\u009b31m", Printable.escape("\u009b31m"), "C1 CSI");
        assertEquals("\\u007f", Printable.escape("\u007f"));
    }

    @Test
    void bidiOverridesAndSeparatorsAreEscaped() {
        assertEquals("evil\\u202eexe.txt", Printable.escape("evil\u202eexe.txt"));
        assertEquals("\\u2066x\\u2069", Printable.escape("\u2066x\u2069"));
        assertEquals("a\\u2028b", Printable.escape("a\u2028b"));
        assertEquals("\\ud800", Printable.escape("\ud800"), "a lone surrogate");
    }

    @Test
    void ordinaryTextIsLeftAlone() {
        String s = "Grüße, 日本語, emoji \uD83D\uDE00, back\\slash";
        assertSame(s, Printable.escape(s));
        assertTrue(Printable.isClean(s));
        assertFalse(Printable.isClean("x\u001b"));
    }
}
