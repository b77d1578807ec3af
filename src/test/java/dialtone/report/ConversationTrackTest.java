package dialtone.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.Event;
import dialtone.event.SpeechEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConversationTrackTest {
    @Test
    void theReportDrawsWhoSpokeWhenWithLatenciesAndEscapedWords() {
        List<Event> l = new ArrayList<>(HtmlReportTest.call());
        var t = HtmlReportTest.T0;
        l.add(new SpeechEvent.Turn(t.plusSeconds(5), "call", 1, t.plusMillis(1200), t.plusMillis(3000), 1800, null, null,
                1200L, "Hello <script>alert(1)</script>", "platform"));
        l.add(new SpeechEvent.Said(t.plusSeconds(5), "call", "What is my balance", t.plusMillis(3500), t.plusMillis(4500), false));
        l.add(new SpeechEvent.Turn(t.plusSeconds(8), "call", 2, t.plusMillis(5312), t.plusMillis(7000), 1688, 812L, null,
                812L, null, null));
        String page = HtmlReport.render(HtmlReportTest.lines(l), List.of(), 0).text();
        assertTrue(page.contains("<section class=\"conversation\">"), page);
        assertTrue(page.contains(">812 ms</text>"), "the latency is marked on the track");
        assertTrue(page.contains("Hello &lt;script&gt;alert(1)&lt;/script&gt; (platform)"), "the words, escaped");
        assertFalse(page.contains("<script>alert"), "nothing a far end says runs in the page");
        assertTrue(page.contains("class=\"said\""));
    }

    @Test
    void aCallWithoutAConversationHasNoTrack() {
        String page = HtmlReport.render(HtmlReportTest.lines(HtmlReportTest.call()), List.of(), 0).text();
        assertFalse(page.contains("class=\"conversation\""));
    }
}
