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
 * (milliseconds since the run started), {@code tUs} (the same in microseconds), then the event's own fields. The first line is {@code run.started} with
 * the schema version, the last is {@code run.finished}. Each line is redacted before it is written.
 */
public final class JsonLinesReporter implements EventSink {
    public static final int SCHEMA_VERSION = 1;

    private final PrintWriter out;
    private final Redactor redactor;
    private final ObjectMapper mapper = Json.shared();
    private Instant start;

    private final java.util.Map<String, String> tags;

    public JsonLinesReporter(PrintWriter out, Redactor redactor) {
        this(out, redactor, java.util.Map.of());
    }

    /** {@code tags} go on every line after {@code t} (a load shard's {@code "shard": "2/4"}). */
    public JsonLinesReporter(PrintWriter out, Redactor redactor, java.util.Map<String, String> tags) {
        this.out = out;
        this.redactor = redactor;
        this.tags = new java.util.TreeMap<>(tags);
    }

    @Override
    public void accept(Event e) {
        if (start == null || e instanceof RunEvent.Started) {
            start = e.at();
        }
        ObjectNode line = line(mapper, e, start);
        if (!tags.isEmpty()) {
            ObjectNode tagged = mapper.createObjectNode();
            tagged.set("type", line.get("type"));
            tagged.set("t", line.get("t"));
            tags.forEach(tagged::put);
            line.fields().forEachRemaining(f -> tagged.set(f.getKey(), f.getValue()));
            line = tagged;
        }
        out.println(redactor.redact(line.toString()));
        out.flush();
    }

    /** One event as its JSON line (not yet redacted): {@code type}, {@code t}, then the event's fields. */
    static ObjectNode line(ObjectMapper mapper, Event e, Instant start) {
        ObjectNode fields = mapper.valueToTree(e);
        ObjectNode line = mapper.createObjectNode();
        line.put("type", EventTypes.name(e));
        Duration since = Duration.between(start, e.at());
        line.put("t", since.toMillis());
        // the same instant in microseconds: phases between two events at sub-millisecond resolution (dialtone serve)
        line.put("tUs", since.getSeconds() * 1_000_000 + since.getNano() / 1_000);
        fields.remove("type");
        line.setAll(fields);
        return line;
    }

    @Override
    public void close() {
        out.flush();
    }
}
