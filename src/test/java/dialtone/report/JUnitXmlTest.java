package dialtone.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.CallEvent;
import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.RunEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** Server text with characters XML 1.0 forbids still makes a report that an XML parser reads. */
class JUnitXmlTest {
    @Test
    void controlCharactersFromServersStillMakeValidXml(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("r.xml");
        JUnitXmlReporter r = new JUnitXmlReporter(out, new Redactor());
        Instant t = Instant.parse("2026-11-29T00:00:00Z");
        String evil = "Busy\u001b[2J\u0000\u0007\ud800\u202e\uffff";
        r.accept(new RunEvent.Started(t, "call", 1, "dialtone", "test", "call"));
        r.accept(new CallEvent.Progress(t, "call", 183, evil, false));
        r.accept(new CallEvent.Check(t, "call", "expect-info " + evil, false, evil));
        r.accept(new RunEvent.Finished(t.plusSeconds(1), "call", false, 6, 1000,
                new Failure(Layer.CALL, Cause.BUSY, dialtone.event.Originator.REMOTE, 486, evil, "rejected: " + evil), Map.of()));
        r.close();
        String xml = Files.readString(out);
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(out.toFile());
        assertTrue(d.getElementsByTagName("testcase").getLength() >= 2, xml);
        assertFalse(xml.contains("\u001b") || xml.contains("\u0000"), xml);
        assertTrue(xml.contains("\\e[2J"), xml);
        String timeline = d.getElementsByTagName("system-out").item(0).getTextContent();
        assertTrue(timeline.lines().count() >= 3 && timeline.lines().anyMatch(l -> l.contains("183 Busy\\e[2J")), timeline);
    }
}
