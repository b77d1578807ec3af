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

    @Test
    void spokenVerbsParseAndCheckTheirInput() {
        Script.Command say = Script.parseLine("say Hello, how are you?", 1);
        assertTrue(say.arg().equals("Hello, how are you?"));
        Script.Command listen = Script.parseLine("listen", 2);
        assertTrue(listen.within().equals(Script.DEFAULT_LISTEN));
        assertTrue(Script.parseLine("listen 3s", 3).within().equals(Duration.ofSeconds(3)));
        Script.Command b = Script.parseLine("barge-in Stop, go back after 1500ms", 4);
        assertTrue(b.arg().equals("Stop, go back") && b.within().equals(Duration.ofMillis(1500)), b.toString());
        Script.Command w = Script.parseLine("expect-words one hundred (and )?twenty 5s", 5);
        assertTrue(w.within().equals(Duration.ofSeconds(5)) && w.regex().matcher("ONE HUNDRED AND TWENTY dollars").find());
        assertTrue(Script.parseLine("expect-words balance", 6).within().equals(Script.DEFAULT_LISTEN));
        assertTrue(Script.parseLine("expect-quiet 2s", 7).within().equals(Duration.ofSeconds(2)));
        assertThrows(IllegalArgumentException.class, () -> Script.parseLine("say", 1));
        assertThrows(IllegalArgumentException.class, () -> Script.parseLine("say @/no/such/file.wav", 1));
        assertThrows(IllegalArgumentException.class, () -> Script.parseLine("say bell\u0007 \u202e", 1));
        assertThrows(IllegalArgumentException.class, () -> Script.parseLine("say " + "x".repeat(SpeechTools.MAX_TEXT + 1), 1));
        assertThrows(IllegalArgumentException.class, () -> Script.parseLine("barge-in Stop", 1));
        assertThrows(IllegalArgumentException.class, () -> Script.parseLine("expect-speech", 1));
    }

    @Test
    void speechAssertsParseAsTimes() {
        assertTrue(Check.parse("latency<1.2s").value() == 1200);
        assertTrue(Check.parse("greeting<3s").value() == 3000);
        assertTrue(Check.parse("dead-air<4s").value() == 4000);
        assertTrue(Check.parse("overrun<800ms").value() == 800);
        assertTrue(Check.parse("overrun<800ms").speech() && !Check.parse("rtt<100ms").speech());
        assertThrows(IllegalArgumentException.class, () -> Check.parse("latency<5%"));
    }

    @Test
    void commandTemplatesNeedTheirPlaceholders() {
        assertTrue(SpeechTools.template("sh single", false).equals(List.of("sh", "single", "{wav}")));
        assertTrue(SpeechTools.template("sh -t {text} -o {wav}", true).size() == 5);
        assertThrows(IllegalArgumentException.class, () -> SpeechTools.template("sh -t {text}", true));
        assertThrows(IllegalArgumentException.class, () -> SpeechTools.template("  ", false));
        assertThrows(IllegalArgumentException.class, () -> SpeechTools.template("no-such-recogniser-x {wav}", false));
    }
}
