package dialtone.report;

import dialtone.support.Printable;
import java.io.StringWriter;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The one JUnit XML writer (the Ant/Surefire schema CI systems read), for a run's report ({@link JUnitXmlReporter})
 * and a merge of runs ({@link MergeReport}). Callers hand it plain text; every attribute and text is made
 * printable here ({@link Printable#escape}: control characters, which XML 1.0 forbids and a hostile server may send,
 * and bidi overrides become visible escapes; in {@code <system-out>} line by line, so a timeline keeps its lines), the
 * XML writer escapes markup, and {@code ]]>} inside {@code <system-out>} is split across two CDATA sections. Each element starts on its own line, indented two spaces a
 * level; an element without children stays on one line.
 */
final class JUnitXml {
    private JUnitXml() {
    }

    /** A {@code <failure>}; {@code text} null writes none. */
    record Failure(String type, String message, String text) {
    }

    /** A {@code <testcase>}: {@code time} (seconds, as written), {@code failure} and {@code systemOut} may be null. */
    record TestCase(String classname, String name, String time, Failure failure, String systemOut) {
    }

    /**
     * A {@code <testsuite>}: {@code errors} and {@code skipped} are written only with a {@code time} (a run's suite);
     * {@code time} and {@code timestamp} may be null.
     */
    record TestSuite(String name, int tests, int failures, String time, String timestamp, List<TestCase> cases) {
    }

    /** A document whose root is one {@code <testsuite>}. */
    static String suite(TestSuite s) {
        return document(w -> suite(w, s, 0));
    }

    /** A document whose root is {@code <testsuites>} holding {@code suites}. */
    static String suites(String name, int tests, int failures, List<TestSuite> suites) {
        return document(w -> {
            w.writeStartElement("testsuites");
            attribute(w, "name", name);
            attribute(w, "tests", Integer.toString(tests));
            attribute(w, "failures", Integer.toString(failures));
            w.writeCharacters("\n");
            for (TestSuite s : suites) {
                suite(w, s, 1);
            }
            w.writeEndElement();
        });
    }

    /** Seconds with three decimals, as both reports write them. */
    static String seconds(long ms) {
        return String.format(java.util.Locale.ROOT, "%.3f", ms / 1000.0);
    }

    private interface Body {
        void write(XMLStreamWriter w) throws XMLStreamException;
    }

    private static String document(Body body) {
        try {
            StringWriter sw = new StringWriter();
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(sw);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeCharacters("\n");
            body.write(w);
            w.writeCharacters("\n");
            w.writeEndDocument();
            w.close();
            return sw.toString();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot render the JUnit report", e);
        }
    }

    private static void suite(XMLStreamWriter w, TestSuite s, int depth) throws XMLStreamException {
        indent(w, depth);
        w.writeStartElement("testsuite");
        attribute(w, "name", s.name());
        attribute(w, "tests", Integer.toString(s.tests()));
        attribute(w, "failures", Integer.toString(s.failures()));
        if (s.time() != null) {
            attribute(w, "errors", "0");
            attribute(w, "skipped", "0");
            attribute(w, "time", s.time());
        }
        if (s.timestamp() != null) {
            attribute(w, "timestamp", s.timestamp());
        }
        w.writeCharacters("\n");
        for (TestCase c : s.cases()) {
            testCase(w, c, depth + 1);
        }
        indent(w, depth);
        w.writeEndElement();
        if (depth > 0) {
            w.writeCharacters("\n");
        }
    }

    private static void testCase(XMLStreamWriter w, TestCase c, int depth) throws XMLStreamException {
        indent(w, depth);
        w.writeStartElement("testcase");
        attribute(w, "classname", c.classname());
        attribute(w, "name", c.name());
        if (c.time() != null) {
            attribute(w, "time", c.time());
        }
        if (c.failure() != null || c.systemOut() != null) {
            w.writeCharacters("\n");
            if (c.failure() != null) {
                indent(w, depth + 1);
                w.writeStartElement("failure");
                attribute(w, "type", c.failure().type());
                attribute(w, "message", c.failure().message());
                if (c.failure().text() != null) {
                    w.writeCharacters(Printable.escape(c.failure().text()));
                }
                w.writeEndElement();
                w.writeCharacters("\n");
            }
            if (c.systemOut() != null) {
                indent(w, depth + 1);
                w.writeStartElement("system-out");
                w.writeCData(lines(c.systemOut()).replace("]]>", "]]]]><![CDATA[>"));
                w.writeEndElement();
                w.writeCharacters("\n");
            }
            indent(w, depth);
        }
        w.writeEndElement();
        w.writeCharacters("\n");
    }

    /** Each line made printable on its own: the line breaks of a timeline stay line breaks. */
    private static String lines(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (String line : text.split("\n", -1)) {
            b.append(Printable.escape(line)).append('\n');
        }
        return b.substring(0, b.length() - 1);
    }

    private static void attribute(XMLStreamWriter w, String name, String value) throws XMLStreamException {
        w.writeAttribute(name, Printable.escape(value == null ? "" : value));
    }

    private static void indent(XMLStreamWriter w, int depth) throws XMLStreamException {
        if (depth > 0) {
            w.writeCharacters("  ".repeat(depth));
        }
    }
}
