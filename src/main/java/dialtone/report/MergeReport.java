package dialtone.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.Originator;
import dialtone.support.DialtoneException;
import dialtone.support.Percentiles;
import dialtone.support.Printable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code dialtone report merge}: one summary from many runs' JSON lines (CI matrix legs, shards of a load run,
 * nightly runs). The unit is the call: a run's calls when it made any (each {@code call.summary} or
 * {@code call.failed} scenario), else the run itself; a run that failed although none of its calls did (a
 * registration, a load threshold, a killed process) adds one failed unit of its own, so no failure is hidden.
 * A file without {@code run.finished} is an incomplete run: failed.
 */
public final class MergeReport {
    /** Lines longer than this are not dialtone's (a SIP message is at most 64 kB, escaped). */
    static final int MAX_LINE = 1 << 20;
    /** The failure group of runs without run.finished. */
    static final String INCOMPLETE = "internal/incomplete";

    public record Unit(String file, String scenario, boolean passed, String layer, String cause, String message,
                       long setupMs, long firstAudioMs, double mos) {
    }

    public record Run(String file, String command, boolean passed, int exitCode, int calls, String failure, String shard) {
    }

    public record Group(String key, int count, String example, String layer) {
    }

    public record Summary(boolean passed, int runs, int runsPassed, int calls, int callsFailed, double failureRate,
                          double maxFailureRate, Map<String, Object> figures, List<Group> failures,
                          Map<String, Integer> mosHistogram, List<Run> runList, List<Unit> units, String exitLayer) {
    }

    private MergeReport() {
    }

    /** Reads and merges; a file that cannot be read or is not dialtone's JSON lines is a one-line error. */
    public static Summary merge(List<Path> files, double maxFailureRate) {
        ObjectMapper m = Json.shared();
        List<Run> runs = new ArrayList<>();
        List<Unit> units = new ArrayList<>();
        for (Path f : files) {
            read(m, f, runs, units);
        }
        int failed = (int) units.stream().filter(u -> !u.passed()).count();
        double rate = units.isEmpty() ? 0 : (double) failed / units.size();
        int runsPassed = (int) runs.stream().filter(Run::passed).count();
        boolean passed = !units.isEmpty() && (runsPassed == runs.size() || rate <= maxFailureRate);
        Map<String, Group> groups = new LinkedHashMap<>();
        for (Unit u : units) {
            if (!u.passed()) {
                String k = u.layer() + "/" + u.cause();
                Group g = groups.get(k);
                groups.put(k, g == null ? new Group(k, 1, u.file() + " " + u.scenario() + ": " + u.message(), u.layer())
                        : new Group(k, g.count() + 1, g.example(), g.layer()));
            }
        }
        List<Group> byCount = new ArrayList<>(groups.values());
        byCount.sort((a, b) -> b.count() - a.count());
        long[] setup = units.stream().mapToLong(Unit::setupMs).filter(v -> v >= 0).sorted().toArray();
        long[] audio = units.stream().mapToLong(Unit::firstAudioMs).filter(v -> v >= 0).sorted().toArray();
        double[] mos = units.stream().mapToDouble(Unit::mos).filter(v -> v >= 0).sorted().toArray();
        Map<String, Object> fig = new LinkedHashMap<>();
        fig.put("runs", runs.size());
        fig.put("runsPassed", runsPassed);
        fig.put("calls", units.size());
        fig.put("callsPassed", units.size() - failed);
        fig.put("passRate", units.isEmpty() ? 0 : Math.round((1 - rate) * 10000) / 10000.0);
        Percentiles.putCallFigures(fig, setup, audio, mos, true);
        Map<String, Integer> hist = new LinkedHashMap<>();
        for (String b : new String[] {"4.3-4.5", "4.0-4.3", "3.6-4.0", "3.1-3.6", "2.6-3.1", "1.0-2.6"}) {
            hist.put(b, 0);
        }
        for (double v : mos) {
            String b = v >= 4.3 ? "4.3-4.5" : v >= 4.0 ? "4.0-4.3" : v >= 3.6 ? "3.6-4.0" : v >= 3.1 ? "3.1-3.6"
                    : v >= 2.6 ? "2.6-3.1" : "1.0-2.6";
            hist.merge(b, 1, Integer::sum);
        }
        if (mos.length == 0) {
            hist.clear();
        }
        // a run that did not finish has no layer: the input holds no verdict for it (README: exit 3), never 70
        String exitLayer = passed ? null : byCount.isEmpty() ? Layer.INTERNAL.name().toLowerCase(Locale.ROOT)
                : byCount.get(0).key().equals(INCOMPLETE) ? "incomplete" : byCount.get(0).layer();
        return new Summary(passed, runs.size(), runsPassed, units.size(), failed, rate, maxFailureRate, fig, byCount, hist,
                runs, units, exitLayer);
    }

    /** What one scenario of a run left for the merge (the file is read once, line by line: shards can be large). */
    private static final class Scenario {
        JsonNode summary;
        JsonNode failure;
        JsonNode failedCheck;
        long firstAudioMs = -1;
    }

    private static void read(ObjectMapper m, Path f, List<Run> runs, List<Unit> units) {
        String name = f.toString();
        JsonNode started = null;
        JsonNode finished = null;
        String shard = null;
        Map<String, Scenario> byScenario = new LinkedHashMap<>();
        // NaN: dialtone's own writer puts a double that is not a number as the bare token (a figure nothing measured)
        ObjectReader json = m.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS);
        try (Lines lines = Lines.open(f)) {
            String line;
            while ((line = lines.next()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                Where at = new Where(name, lines.number());
                JsonNode e;
                try {
                    e = json.readTree(line);
                } catch (IOException ex) {
                    if (lines.cut()) {
                        break; // the last line, cut off mid-event: an incomplete run, not an unreadable file
                    }
                    throw at.error("not dialtone's JSON lines (not JSON: " + jacksonReason(ex) + "); write them with --json");
                }
                if (lines.cut() && !(e instanceof ObjectNode)) {
                    break; // cut where what is left happens to parse ("12"): still a cut
                }
                if (!(e instanceof ObjectNode) || !e.path("type").isTextual()) {
                    throw at.error("not dialtone's JSON lines (" + (e instanceof ObjectNode ? "an object without a \"type\""
                            : "not an object but " + kind(e)) + "); write them with --json");
                }
                String type = e.path("type").asText();
                if (started == null && !type.equals("run.started")) {
                    throw at.error("not dialtone's JSON lines: the first event is " + type + ", not run.started; write them with --json");
                }
                if (finished != null) {
                    if (type.equals("run.started")) {
                        throw at.error("a second run (one run per file: were files concatenated?)");
                    }
                    continue; // a late event of the run's teardown: the verdict is written, and it stands
                }
                if (shard == null && e.path("shard").isTextual()) {
                    shard = e.path("shard").asText();
                }
                switch (type) {
                    case "run.started" -> {
                        if (started != null) {
                            throw at.error("a second run.started (one run per file: were files concatenated?)");
                        }
                        JsonNode v = e.get("schemaVersion");
                        if (v == null || !v.isIntegralNumber()) {
                            throw at.error("run.started: " + field(e, "schemaVersion", "an integer"));
                        }
                        if (v.asInt() != JsonLinesReporter.SCHEMA_VERSION) {
                            throw at.error("JSON-lines schema " + v.asText() + "; this dialtone reads schema "
                                    + JsonLinesReporter.SCHEMA_VERSION);
                        }
                        at.text(e, type, "command", true);
                        at.text(e, type, "scenario", true);
                        started = e;
                    }
                    case "run.finished" -> {
                        at.text(e, type, "scenario", true);
                        boolean passed = at.bool(e, type, "passed");
                        at.integer(e, type, "exitCode", true);
                        JsonNode fl = e.get("failure");
                        if (!passed || (fl != null && !fl.isNull())) {
                            at.failure(e, type);
                        }
                        finished = e;
                    }
                    case "call.summary" -> {
                        at.text(e, type, "scenario", true);
                        at.integer(e, type, "setupMs", true);
                        if (!e.path("mos").isNumber()) {
                            throw at.error(type + ": " + field(e, "mos", "a number"));
                        }
                        sc(byScenario, e).summary = e;
                    }
                    case "call.failed" -> {
                        at.text(e, type, "scenario", true);
                        at.failure(e, type);
                        sc(byScenario, e).failure = e.path("failure");
                    }
                    case "media.first-audio" -> {
                        at.text(e, type, "scenario", true);
                        sc(byScenario, e).firstAudioMs = at.integer(e, type, "sinceAnswerMs", true);
                    }
                    case "call.check" -> {
                        at.text(e, type, "scenario", true);
                        at.text(e, type, "name", true);
                        at.text(e, type, "detail", false);
                        if (!at.bool(e, type, "passed") && sc(byScenario, e).failedCheck == null) {
                            sc(byScenario, e).failedCheck = e;
                        }
                    }
                    default -> { }
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw input("cannot read " + name + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw input("cannot read " + name + ": permission denied");
        } catch (IOException e) {
            throw input("cannot read " + name + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        if (started == null) {
            throw input(name + " is not dialtone's JSON lines (no run.started event): write them with --json");
        }
        String command = started.path("command").asText("?");
        String runScenario = started.path("scenario").asText();
        int before = units.size();
        boolean anyCallFailed = false;
        for (Map.Entry<String, Scenario> sc : byScenario.entrySet()) {
            Scenario c = sc.getValue();
            if (c.summary == null && c.failure == null) {
                continue; // events of a call that never got as far as a verdict (the run's failure says why)
            }
            long setup = c.summary == null ? -1 : c.summary.path("setupMs").asLong(-1);
            double mos = c.summary == null ? -1 : c.summary.path("mos").asDouble(-1);
            // a single call's run: its verdict is the run's (a check can fail it after the call ended well; a killed
            // process leaves it unfinished)
            boolean single = sc.getKey().equals(runScenario);
            JsonNode fl = c.failure;
            if (fl == null && c.failedCheck == null && single && finished != null && !finished.path("passed").asBoolean(true)) {
                fl = finished.path("failure");
            }
            if (fl == null && c.failedCheck == null && single && finished == null) {
                units.add(new Unit(name, sc.getKey(), false, "internal", "incomplete",
                        "incomplete: the run did not finish (killed, or the file was cut)", setup, c.firstAudioMs, -1));
                anyCallFailed = true;
                continue;
            }
            boolean ok = fl == null && c.failedCheck == null;
            String layer = fl != null ? fl.path("layer").asText("internal") : c.failedCheck != null ? "audio" : null;
            String cause = fl != null ? fl.path("cause").asText("?") : c.failedCheck != null ? "check-failed" : null;
            String msg = fl != null ? fl.path("message").asText("") : c.failedCheck != null
                    ? c.failedCheck.path("name").asText() + ": " + c.failedCheck.path("detail").asText("") : null;
            anyCallFailed |= !ok;
            units.add(new Unit(name, sc.getKey(), ok, layer, cause, msg, setup, c.firstAudioMs, mos));
        }
        boolean runPassed = finished != null && finished.path("passed").asBoolean(false);
        JsonNode rf = finished == null ? null : finished.path("failure");
        String failure = finished == null ? "incomplete: the run did not finish (killed, or the file was cut)"
                : rf == null || rf.isNull() || rf.isMissingNode() ? null
                : rf.path("layer").asText() + "/" + rf.path("cause").asText() + ": " + rf.path("message").asText();
        if (!runPassed && !anyCallFailed) {
            units.add(new Unit(name, runScenario.isEmpty() ? command : runScenario, false,
                    finished == null ? "internal" : rf.path("layer").asText("internal"),
                    finished == null ? "incomplete" : rf.path("cause").asText("?"), failure, -1, -1, -1));
        } else if (runPassed && units.size() == before) {
            units.add(new Unit(name, runScenario.isEmpty() ? command : runScenario, true, null, null, null, -1, -1, -1));
        }
        runs.add(new Run(name, command, runPassed, finished == null ? -1 : finished.path("exitCode").asInt(-1),
                units.size() - before, failure, shard));
    }

    private static Scenario sc(Map<String, Scenario> m, JsonNode e) {
        return m.computeIfAbsent(e.path("scenario").asText(""), k -> new Scenario());
    }

    /** Where an event was read: errors name the file and the line. */
    private record Where(String file, long line) {
        DialtoneException error(String what) {
            return input(file + ":" + line + ": " + what);
        }

        String text(JsonNode e, String type, String field, boolean required) {
            JsonNode v = e.get(field);
            if (v == null || v.isNull()) {
                if (required) {
                    throw error(type + ": " + field(e, field, "a string"));
                }
                return null;
            }
            if (!v.isTextual()) {
                throw error(type + ": " + field(e, field, "a string"));
            }
            return v.asText();
        }

        long integer(JsonNode e, String type, String field, boolean required) {
            JsonNode v = e.get(field);
            if ((v == null || v.isNull()) && !required) {
                return -1;
            }
            if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
                throw error(type + ": " + field(e, field, "an integer"));
            }
            return v.asLong();
        }

        boolean bool(JsonNode e, String type, String field) {
            JsonNode v = e.get(field);
            if (v == null || !v.isBoolean()) {
                throw error(type + ": " + field(e, field, "true or false"));
            }
            return v.asBoolean();
        }

        /** The event's {@code failure}: an object with a known layer, a cause and (if any) a message in words. */
        void failure(JsonNode e, String type) {
            JsonNode f = e.get("failure");
            if (f == null || f.isNull()) {
                throw error(type + ": \"failure\" is missing (a failed run or call names its failure)");
            }
            if (!f.isObject()) {
                throw error(type + ": " + field(e, "failure", "an object"));
            }
            String layer = text(f, type + " failure", "layer", true);
            boolean known = false;
            for (Layer l : Layer.values()) {
                known |= l.name().equalsIgnoreCase(layer);
            }
            if (!known) {
                throw error(type + ": failure.layer \"" + layer + "\" is not a layer of dialtone's ("
                        + java.util.Arrays.stream(Layer.values()).map(Enum::name).collect(java.util.stream.Collectors.joining(", "))
                        + ")");
            }
            text(f, type + " failure", "cause", true);
            text(f, type + " failure", "message", false);
        }
    }

    /** "\"setupMs\" is missing" or "\"setupMs\" is a string, not an integer". */
    private static String field(JsonNode e, String field, String expected) {
        JsonNode v = e.get(field);
        return v == null ? "\"" + field + "\" is missing (" + expected + ")"
                : "\"" + field + "\" is " + kind(v) + ", not " + expected;
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case OBJECT, POJO -> "an object";
            case ARRAY -> "an array";
            case NULL -> "null";
            default -> "something else";
        };
    }

    private static String jacksonReason(IOException ex) {
        String m = ex instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : ex.getMessage();
        m = m == null ? ex.getClass().getSimpleName() : m;
        int nl = m.indexOf('\n');
        m = nl >= 0 ? m.substring(0, nl) : m;
        return m.length() > 120 ? m.substring(0, 120) + "..." : m;
    }

    /**
     * The lines of one input file, read as bytes: refuses what is not a regular file before opening it (a FIFO would
     * block the open, a device such as /dev/zero never ends), bounds a line at {@link #MAX_LINE} bytes (a file
     * without a newline cannot fill the heap), decodes strict UTF-8 (an error names the line), and tells whether the
     * last line was cut off (no newline at the end).
     */
    static final class Lines implements AutoCloseable {
        private final String name;
        private final java.io.InputStream in;
        private final java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        private byte[] buf = new byte[8192];
        private long number;
        private boolean cut;

        private Lines(String name, java.io.InputStream in) {
            this.name = name;
            this.in = in;
        }

        static Lines open(Path f) throws IOException {
            String name = f.toString();
            java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(f,
                    java.nio.file.attribute.BasicFileAttributes.class);
            if (a.isDirectory()) {
                throw input(name + " is a directory, not a file of JSON lines");
            }
            if (!a.isRegularFile()) {
                throw input(name + " is " + dialtone.support.OutputFile.kind(f, true)
                        + ", not a regular file: report merge reads files of JSON lines (save them first)");
            }
            return new Lines(name, new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 16));
        }

        /** The next line without its newline, or null at the end. */
        String next() throws IOException {
            int n = 0;
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (n == MAX_LINE) {
                    throw input(name + ":" + (number + 1) + ": a line longer than " + (MAX_LINE >> 20)
                            + " MiB: not dialtone's JSON lines");
                }
                if (n == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, Math.min(MAX_LINE, buf.length * 2));
                }
                buf[n++] = (byte) c;
            }
            if (c == -1 && n == 0) {
                return null;
            }
            number++;
            cut = c == -1;
            try {
                return utf8.decode(java.nio.ByteBuffer.wrap(buf, 0, n)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw input(name + ":" + number + ": not UTF-8 text: not dialtone's JSON lines");
            }
        }

        long number() {
            return number;
        }

        /** Whether the line just read was the last and had no newline (a file cut while it was written). */
        boolean cut() {
            return cut;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static long pct(long[] sorted, int p) {
        return Percentiles.nearestRank(sorted, p);
    }

    private static DialtoneException input(String message) {
        return new DialtoneException(new Failure(Layer.CONFIG, Cause.CONFIG_INVALID, Originator.LOCAL, 0, null,
                Printable.escape(message)));
    }

    /** The summary as people read it. */
    public static String human(Summary s) {
        StringBuilder b = new StringBuilder();
        b.append(s.passed() ? "PASS" : "FAIL").append(": ").append(s.runs()).append(" runs (").append(s.runsPassed())
                .append(" passed), ").append(s.calls()).append(" calls, ").append(s.callsFailed()).append(" failed (")
                .append(String.format(Locale.ROOT, "%.2f %%", 100 * s.failureRate())).append("; allowed ")
                .append(String.format(Locale.ROOT, "%.2f %%", 100 * s.maxFailureRate())).append(")\n");
        b.append(String.format(Locale.ROOT, "setup p50 %s, p95 %s, max %s; first audio p50 %s, p95 %s%n",
                ms(s.figures().get("setupMsP50")), ms(s.figures().get("setupMsP95")), ms(s.figures().get("setupMsMax")),
                ms(s.figures().get("firstAudioMsP50")), ms(s.figures().get("firstAudioMsP95"))));
        if (s.figures().containsKey("mosP50")) {
            b.append("MOS min ").append(s.figures().get("mosMin")).append(", p5 ").append(s.figures().get("mosP5"))
                    .append(", median ").append(s.figures().get("mosP50")).append("; ");
            s.mosHistogram().forEach((k, v) -> b.append(k).append(": ").append(v).append("  "));
            b.append('\n');
        }
        for (Group g : s.failures()) {
            b.append("  ").append(g.count()).append(" x ").append(Printable.escape(g.key())).append("  e.g. ")
                    .append(Printable.escape(g.example())).append('\n');
        }
        for (Run r : s.runList()) {
            b.append("  ").append(r.passed() ? "pass " : "FAIL ").append(Printable.escape(r.file())).append(" (")
                    .append(Printable.escape(r.command())).append(r.shard() == null ? "" : ", shard " + Printable.escape(r.shard())).append(", ").append(r.calls()).append(r.calls() == 1 ? " call" : " calls")
                    .append(r.failure() == null ? "" : "): " + Printable.escape(r.failure())).append(r.failure() == null ? ")" : "").append('\n');
        }
        return b.toString();
    }

    private static String ms(Object v) {
        return v instanceof Number n && n.longValue() >= 0 ? n + " ms" : "n/a";
    }

    /** The summary as one JSON object (type {@code report.merged}). */
    public static String json(Summary s) {
        ObjectMapper m = Json.shared();
        ObjectNode o = m.createObjectNode();
        o.put("type", "report.merged");
        o.put("passed", s.passed());
        o.put("runs", s.runs());
        o.put("runsPassed", s.runsPassed());
        o.put("calls", s.calls());
        o.put("callsFailed", s.callsFailed());
        o.put("failureRate", Math.round(s.failureRate() * 10000) / 10000.0);
        o.put("maxFailureRate", s.maxFailureRate());
        o.set("figures", m.valueToTree(s.figures()));
        o.set("mosHistogram", m.valueToTree(s.mosHistogram()));
        o.set("failures", m.valueToTree(s.failures()));
        o.set("runList", m.valueToTree(s.runList()));
        return o.toString();
    }

    /** JUnit XML: one test case per unit, grouped in one suite per input file. */
    public static String junit(Summary s) {
        Map<String, List<Unit>> byFile = new LinkedHashMap<>();
        for (Unit u : s.units()) {
            byFile.computeIfAbsent(u.file(), k -> new ArrayList<>()).add(u);
        }
        List<JUnitXml.TestSuite> suites = new ArrayList<>();
        for (Map.Entry<String, List<Unit>> f : byFile.entrySet()) {
            List<JUnitXml.TestCase> cases = new ArrayList<>();
            for (Unit u : f.getValue()) {
                cases.add(new JUnitXml.TestCase(f.getKey(), u.scenario(),
                        u.setupMs() >= 0 ? JUnitXml.seconds(u.setupMs()) : null, u.passed() ? null
                        : new JUnitXml.Failure(u.layer() + "/" + u.cause(), u.message(), null), null));
            }
            suites.add(new JUnitXml.TestSuite(f.getKey(), f.getValue().size(),
                    (int) f.getValue().stream().filter(u -> !u.passed()).count(), null, null, cases));
        }
        return JUnitXml.suites("dialtone report merge", s.calls(), s.callsFailed(), suites);
    }
}
