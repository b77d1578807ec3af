package dialtone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dialtone.event.CallEvent;
import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.RunEvent;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Both JUnit XML reports, byte for byte, against the files they wrote for the same input before they shared one
 * writer: server text with control characters, bidi overrides, XML markup and a CDATA end ({@code ]]>}).
 * {@code -Ddialtone.golden.write=DIR} writes the files to DIR instead of comparing.
 */
class JUnitGoldenTest {
    static final String EVIL = "Busy <b>&amp;</b> ]]> \u001b[2J\u0000\u0007\u202e";

    static String run() {
        JUnitXmlReporter r = new JUnitXmlReporter(Path.of("unused.xml"), new Redactor());
        Instant t = Instant.parse("2026-11-29T00:00:00Z");
        r.accept(new RunEvent.Started(t, "call", 1, "dialtone", "test", "call"));
        r.accept(new CallEvent.Progress(t.plusMillis(40), "call", 183, EVIL, false));
        r.accept(new CallEvent.Answered(t.plusMillis(120), "call", 120, "opus"));
        r.accept(new CallEvent.Check(t.plusMillis(900), "call", "expect-tone 1000", true, "1000 Hz carries 98% ]]>"));
        r.accept(new CallEvent.Check(t.plusMillis(900), "call", "expect-info " + EVIL, false, EVIL));
        r.accept(new CallEvent.Step(t.plusMillis(950), "call", 2, "dtmf 12#", true, "sent"));
        r.accept(new RunEvent.Finished(t.plusSeconds(1), "call", false, 6, 1000,
                new Failure(Layer.CALL, Cause.BUSY, dialtone.event.Originator.REMOTE, 486, EVIL, "rejected: " + EVIL),
                Map.of()));
        return r.render();
    }

    static String merge() {
        List<MergeReport.Unit> units = List.of(
                new MergeReport.Unit("a.jsonl", "call", true, null, null, null, 120, 40, 4.3),
                new MergeReport.Unit("b.jsonl", "call#1", true, null, null, null, -1, -1, -1),
                new MergeReport.Unit("b.jsonl", "call#2 " + EVIL, false, "MEDIA", "ICE_FAILED", EVIL, 300, -1, -1),
                new MergeReport.Unit("c ]]>\u001b.jsonl", "register", false, "REGISTRATION", "AUTHENTICATION_ERROR",
                        null, -1, -1, -1));
        MergeReport.Summary s = new MergeReport.Summary(false, 3, 1, 4, 2, 0.5, 0, Map.of(), List.of(), Map.of(),
                List.of(), units, "media");
        return MergeReport.junit(s);
    }

    static String golden(String name, String actual) throws Exception {
        String dir = System.getProperty("dialtone.golden.write");
        if (dir != null) {
            Files.writeString(Path.of(dir, name), actual);
            return actual;
        }
        try (InputStream in = JUnitGoldenTest.class.getResourceAsStream("/dialtone/report/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theRunsReportIsUnchanged() throws Exception {
        String xml = run();
        assertEquals(golden("junit-run.xml", xml), xml);
    }

    @Test
    void theMergedReportIsUnchanged() throws Exception {
        String xml = merge();
        assertEquals(golden("junit-merge.xml", xml), xml);
    }
}
