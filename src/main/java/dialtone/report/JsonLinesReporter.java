package dialtone.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dialtone.event.Event;
import dialtone.event.EventSink;
import dialtone.event.EventTypes;
import dialtone.event.RunEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;

/**
 * One JSON object per line: {@code type} (a stable name such as {@code registration.registered}), {@code t}
 * (milliseconds since the run started), then the event's own fields. The first line is {@code run.started} with
 * the schema version, the last is {@code run.finished}. Each line is redacted before it is written.
 */
public final class JsonLinesReporter implements EventSink {
    public static final int SCHEMA_VERSION = 1;

    private final PrintWriter out;
    private final Redactor redactor;
    private final ObjectMapper mapper = Json.shared();
    private Instant start;

    public JsonLinesReporter(PrintWriter out, Redactor redactor) {
        this.out = out;
        this.redactor = redactor;
    }

    @Override
    public void accept(Event e) {
        if (start == null || e instanceof RunEvent.Started) {
            start = e.at();
        }
        out.println(redactor.redact(line(mapper, e, start).toString()));
        out.flush();
    }

    /** One event as its JSON line (not yet redacted): {@code type}, {@code t}, then the event's fields. */
    static ObjectNode line(ObjectMapper mapper, Event e, Instant start) {
        ObjectNode fields = mapper.valueToTree(e);
        ObjectNode line = mapper.createObjectNode();
        line.put("type", EventTypes.name(e));
        line.put("t", Duration.between(start, e.at()).toMillis());
        fields.remove("type");
        line.setAll(fields);
        return line;
    }

    @Override
    public void close() {
        out.flush();
    }
}
