package dialtone.report;

import dialtone.event.CallEvent;
import dialtone.event.Event;
import dialtone.event.EventSink;
import dialtone.event.Failure;
import dialtone.event.RunEvent;
import dialtone.support.OutputFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JUnit XML report (the Ant/Surefire schema that CI systems read): one {@code <testsuite>}, one
 * {@code <testcase>} per scenario, a {@code <failure>} with the failure's cause and message, and the scenario's
 * human timeline in {@code <system-out>}. Written when the run ends, through the redactor, as a new file renamed
 * over FILE ({@link OutputFile}), or to standard output for {@code --junit -}.
 */
public final class JUnitXmlReporter implements EventSink {
    private final Path file;
    private final java.io.PrintWriter stdout;
    private final Redactor redactor;
    private final HumanFormat format = new HumanFormat(false);
    private final Map<String, List<Event>> byScenario = new LinkedHashMap<>();
    private String suite = "dialtone";
    private Instant start;
    private RunEvent.Finished finished;
    /**
     * What is kept for the timelines in {@code <system-out>}: every verdict ({@link dialtone.event.EventBus#vital}),
     * and the other events up to {@link #MAX_KEPT} of them or {@link #MAX_WEIGHT} bytes (estimated); beyond, each
     * scenario's timeline ends with how many of each type were left out. A flood's file stays small.
     */
    static final int MAX_KEPT = 5_000;
    static final long MAX_WEIGHT = Math.min(2L << 20, Runtime.getRuntime().maxMemory() / 32);
    private int kept;
    private long weight;
    private final Map<String, Map<String, Long>> droppedByScenario = new LinkedHashMap<>();

    /** Writes FILE when the run ends, as a new file renamed over it ({@link OutputFile}). */
    public JUnitXmlReporter(Path file, Redactor redactor) {
        this.file = file;
        this.stdout = null;
        this.redactor = redactor;
    }

    /** {@code --junit -}: the XML goes to {@code stdout} (standard output) when the run ends. */
    public JUnitXmlReporter(java.io.PrintWriter stdout, Redactor redactor) {
        this.file = null;
        this.stdout = stdout;
        this.redactor = redactor;
    }

    @Override
    public void accept(Event e) {
        if (e instanceof RunEvent.Started s) {
            start = s.at();
            suite = "dialtone " + s.command();
            return;
        }
        if (start == null) {
            start = e.at();
        }
        if (e instanceof RunEvent.Finished f) {
            finished = f;
        }
        if (!dialtone.event.EventBus.vital(e)) {
            if (kept >= MAX_KEPT || weight >= MAX_WEIGHT) {
                droppedByScenario.computeIfAbsent(e.scenario(), k -> new java.util.TreeMap<>())
                        .merge(dialtone.event.EventTypes.name(e), 1L, Long::sum);
                byScenario.computeIfAbsent(e.scenario(), k -> new ArrayList<>());
                return;
            }
            kept++;
            weight += dialtone.event.EventBus.weight(e);
        }
        byScenario.computeIfAbsent(e.scenario(), k -> new ArrayList<>()).add(e);
    }

    /** Renders a small report and throws it away: the XML writer's first use costs about 100 ms, spared at the end. */
    public static void prewarm() {
        try {
            JUnitXmlReporter r = new JUnitXmlReporter(Path.of("unused.xml"), new Redactor());
            Instant t = Instant.now();
            r.accept(new RunEvent.Started(t, "call", 1, "dialtone", "", "call"));
            r.accept(new RunEvent.Finished(t, "call", true, 0, 0, null, Map.of()));
            r.redactor.redact(r.render());
        } catch (RuntimeException | LinkageError e) {
            // a head start only
        }
    }

    @Override
    public void close() {
        String xml = redactor.redact(render());
        if (stdout != null) {
            stdout.print(xml);
            stdout.flush();
            return;
        }
        try {
            OutputFile.write(file, xml.getBytes(StandardCharsets.UTF_8), OutputFile.Existing.REPLACE);
        } catch (OutputFile.Refused ex) {
            throw new UncheckedIOException("cannot write the JUnit report " + file + ": " + ex.getMessage(), ex);
        }
    }

    String render() {
        // a scenario fails with the run's failure (its own scenario) or, for the calls of a multi-call run, its own
        Map<String, Failure> failed = new LinkedHashMap<>();
        for (Map.Entry<String, List<Event>> sc : byScenario.entrySet()) {
            for (Event e : sc.getValue()) {
                if (e instanceof CallEvent.Failed f && !failed.containsKey(sc.getKey())) {
                    failed.put(sc.getKey(), f.failure());
                }
            }
        }
        if (finished != null && !finished.passed()) {
            failed.put(finished.scenario(), finished.failure());
        }
        List<CallEvent> checks = new ArrayList<>();
        for (List<Event> l : byScenario.values()) {
            for (Event e : l) {
                if (e instanceof CallEvent.Check || e instanceof CallEvent.Step) {
                    checks.add((CallEvent) e);
                }
            }
        }
        String classname = suite.replace(' ', '.');
        List<JUnitXml.TestCase> cases = new ArrayList<>();
        for (Map.Entry<String, List<Event>> sc : byScenario.entrySet()) {
            List<Event> events = sc.getValue();
            Instant first = events.isEmpty() ? start : events.get(0).at();
            Instant last = events.isEmpty() ? start : events.get(events.size() - 1).at();
            JUnitXml.Failure failure = null;
            if (failed.containsKey(sc.getKey())) {
                Failure f = failed.get(sc.getKey());
                failure = new JUnitXml.Failure(f == null ? "FAILED" : f.layer() + "/" + f.cause(),
                        f == null ? "failed" : f.message(),
                        f == null ? "" : f.message() + (f.status() > 0 ? " (SIP " + f.status() + ")" : ""));
            }
            cases.add(new JUnitXml.TestCase(classname, sc.getKey(),
                    JUnitXml.seconds(Duration.between(first, last).toMillis()), failure,
                    timeline(events) + dropped(sc.getKey())));
        }
        int checkFailures = 0;
        for (CallEvent c : checks) {
            String name = c instanceof CallEvent.Check k ? k.name() : "step " + ((CallEvent.Step) c).command();
            boolean ok = c instanceof CallEvent.Check k ? k.passed() : ((CallEvent.Step) c).passed();
            String detail = c instanceof CallEvent.Check k ? k.detail() : ((CallEvent.Step) c).detail();
            checkFailures += ok ? 0 : 1;
            cases.add(new JUnitXml.TestCase(classname + "." + c.scenario(), name, "0", ok ? null
                    : new JUnitXml.Failure("AUDIO/ASSERTION_FAILED", name + ": " + detail, detail == null ? "" : detail),
                    null));
        }
        return JUnitXml.suite(new JUnitXml.TestSuite(suite, Math.max(1, byScenario.size()) + checks.size(),
                failed.size() + checkFailures, JUnitXml.seconds(finished == null ? 0 : finished.durationMs()),
                start == null ? null : start.toString(), cases));
    }

    /** The note at the end of a scenario's timeline on what was left out, by type. */
    private String dropped(String scenario) {
        Map<String, Long> d = droppedByScenario.get(scenario);
        if (d == null || d.isEmpty()) {
            return "";
        }
        long total = d.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT,
                "(%,d more events were left out of this timeline to bound its size:", total));
        d.forEach((k, v) -> b.append(' ').append(k).append(' ').append(String.format(java.util.Locale.ROOT, "%,d", v)).append(','));
        b.setLength(b.length() - 1);
        return b.append("; the verdicts are all here)\n").toString();
    }

    private String timeline(List<Event> events) {
        StringBuilder sb = new StringBuilder("\n");
        for (Event e : events) {
            HumanFormat.Rendered r = format.render(e);
            if (r == null) {
                continue;
            }
            long ms = Duration.between(start, e.at()).toMillis();
            for (int i = 0; i < r.lines().size(); i++) {
                sb.append(String.format("+%6.3fs %-6s %s%n", ms / 1000.0, i == 0 ? r.tag() : "", r.lines().get(i)));
            }
        }
        return sb.toString();
    }
}
