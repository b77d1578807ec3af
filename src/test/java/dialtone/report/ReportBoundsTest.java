package dialtone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.CallEvent;
import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.RunEvent;
import dialtone.event.SipEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22 case 3: a flood of distinct, large messages (20 kB headers, 40,000 transcript INFOs) reaches the HTML and
 * JUnit reporters; what they keep is bounded, the verdicts are all kept, and the file says what was left out.
 */
class ReportBoundsTest {
    @TempDir
    Path dir;

    static final Instant T = Instant.parse("2026-12-01T00:00:00Z");
    static final String PAD = "y".repeat(20 * 1024);

    /** A call flooded with 20 kB 183s and transcripts, then its checks and its verdict. */
    static void flood(dialtone.event.EventSink s, int n) {
        s.accept(new RunEvent.Started(T, "call", 1, "dialtone", "test", "call"));
        for (int i = 0; i < n; i++) {
            s.accept(new SipEvent.Received(T.plusMillis(i), "call", "SIP/2.0 183 Session Progress " + i,
                    "SIP/2.0 183 Session Progress " + i + "\r\nX-Pad-" + i + ": " + PAD + "\r\n\r\n"));
            s.accept(new CallEvent.Transcript(T.plusMillis(i), "call", "remote", "line " + i));
        }
        for (int i = 0; i < 50; i++) {
            s.accept(new CallEvent.Check(T.plusSeconds(100), "call", "check-" + i, i != 7, "detail " + i));
        }
        Failure f = Failure.of(Layer.CALL, Cause.NO_ANSWER, "no answer within 5 s (--setup-timeout)");
        s.accept(new CallEvent.Failed(T.plusSeconds(100), "call", f));
        s.accept(new RunEvent.Finished(T.plusSeconds(100), "call", false, 6, 100_000, f, Map.of()));
    }

    @Test
    void theHtmlReportKeepsABoundedSampleAndSaysWhatItLeftOut() throws Exception {
        Path file = dir.resolve("r.html");
        HtmlReporter r = new HtmlReporter(file, new Redactor(), false, p -> null);
        flood(r, 2000); // 2000 x 20 kB = 40 MB of SIP text offered
        r.close();
        String page = Files.readString(file);
        assertTrue(page.length() < 3 * HtmlReporter.MAX_CHARS, "page " + page.length());
        assertTrue(page.contains("more events were left out of this report to bound its size"), "says so");
        assertTrue(page.matches("(?s).*id=\"dropped\">[0-9,]+ more events.*sip\\.received [0-9,]+.*"), "by type");
        for (int i = 0; i < 50; i++) {
            assertTrue(page.contains("check-" + i), "every check kept: check-" + i);
        }
        assertTrue(page.contains("no answer within 5 s"), "the verdict");
    }

    @Test
    void theJUnitFileKeepsEveryCheckAndABoundedTimeline() throws Exception {
        Path file = dir.resolve("j.xml");
        JUnitXmlReporter r = new JUnitXmlReporter(file, new Redactor());
        flood(r, 2000);
        r.close();
        String xml = Files.readString(file);
        assertTrue(xml.length() < 3 * JUnitXmlReporter.MAX_WEIGHT, "file " + xml.length());
        assertEquals(51, xml.split("<testcase").length - 1, "the call and its 50 checks");
        assertTrue(xml.contains("failures=\"2\""), xml.substring(0, 400));
        assertTrue(xml.matches("(?s).*more events were left out of this timeline to bound its size: call.transcript [0-9,]+, sip.received [0-9,]+.*"),
                "says what it left out");
    }

    @Test
    void aShortRunLosesNothing() throws Exception {
        Path file = dir.resolve("j.xml");
        JUnitXmlReporter r = new JUnitXmlReporter(file, new Redactor());
        flood(r, 20);
        r.close();
        String xml = Files.readString(file);
        assertTrue(!xml.contains("left out"), "nothing left out");
        assertTrue(xml.contains("line 19"));
        Path html = dir.resolve("r.html");
        HtmlReporter h = new HtmlReporter(html, new Redactor(), false, p -> null);
        flood(h, 20);
        h.close();
        assertTrue(!Files.readString(html).contains("id=\"dropped\""));
    }

}
