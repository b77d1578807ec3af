package dialtone.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** dialtone's JSON lines, parsed: tests assert on events, not on "anywhere in the output". */
public final class Events {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Events() {
    }

    /** Every line must be one JSON object: a stray line (a log, native noise) fails the test. */
    public static List<JsonNode> parse(String jsonLines) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : jsonLines.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(JSON.readTree(line));
            } catch (java.io.IOException e) {
                throw new AssertionError("not a JSON line: " + line);
            }
        }
        return out;
    }

    /** The complete lines of a run that is still going (its last line may be half written). */
    public static List<JsonNode> parseSoFar(String jsonLines) {
        int end = jsonLines.lastIndexOf('\n');
        return parse(end < 0 ? "" : jsonLines.substring(0, end));
    }

    public static List<JsonNode> of(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }

    public static List<JsonNode> of(List<JsonNode> events, String type, Predicate<JsonNode> p) {
        return of(events, type).stream().filter(p).toList();
    }

    /** The run.finished event (the last line). */
    public static JsonNode finished(List<JsonNode> events) {
        JsonNode last = events.get(events.size() - 1);
        if (!last.path("type").asText().equals("run.finished")) {
            throw new AssertionError("the last line is not run.finished: " + last);
        }
        return last;
    }
}
