package dialtone.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dialtone.event.Event;
import dialtone.event.EventSink;
import dialtone.event.MediaEvent;
import dialtone.event.RunEvent;
import dialtone.support.OutputFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --report FILE.html}: collects the run's events in their JSON-lines form, redacted exactly as the JSON
 * lines are, and writes one self-contained HTML page ({@link HtmlReport}) when the run ends, as a new file renamed over FILE
 * ({@link OutputFile}). A
 * recording the run saved is read back for its waveform and spectrogram (and embedded with {@code --report-audio}).
 */
public final class HtmlReporter implements EventSink {
    /**
     * A run with more events than this keeps the first ones in full (a 30 s call has about 150; a 100-call load about
     * 6,000), and after that only the verdicts ({@link dialtone.event.EventBus#vital}: run, calls' answers, ends,
     * failures, checks, summaries, probe checks): the page stays within the heap of a long run and its tables stay
     * complete.
     */
    static final int MAX_EVENTS = 20_000;
    /**
     * The same for the size of what is kept: at most this many characters of event text (a flood of 20 kB SIP
     * messages, each kept cut to {@link #MAX_RAW}, reaches it at about 1,000 events): 4 M characters, or a 48th of the
     * heap when that is less (1.3 M for `register`'s 64 MB). The page says how many events of each type were left out; it is written in a few hundred
     * milliseconds, which a stop signal needs.
     */
    static final long MAX_CHARS = Math.min(4L << 20, Runtime.getRuntime().maxMemory() / 48);
    /** A SIP message longer than this is kept cut (the JSON lines and the pcap have it whole). */
    static final int MAX_RAW = 4096;

    private final Path file;
    private final Redactor redactor;
    private final boolean audio;
    private final RecordingView.Decoder decoder;
    private final ObjectMapper mapper = Json.shared();
    private final List<ObjectNode> events = new ArrayList<>();
    private final List<Path> recordings = new ArrayList<>();
    private Instant start;
    private long dropped;
    private long chars;
    private final java.util.Map<String, Long> droppedByType = new java.util.TreeMap<>();

    public HtmlReporter(Path file, Redactor redactor, boolean audio, RecordingView.Decoder decoder) {
        this.file = file;
        this.redactor = redactor;
        this.audio = audio;
        this.decoder = decoder;
    }

    @Override
    public void accept(Event e) {
        if (start == null || e instanceof RunEvent.Started) {
            start = e.at();
        }
        if (e instanceof MediaEvent.RecordingSaved r && r.path() != null) {
            recordings.add(Path.of(r.path()));
        }
        boolean full = events.size() >= MAX_EVENTS || chars >= MAX_CHARS;
        if (full && !dialtone.event.EventBus.vital(e)) {
            dropped++;
            droppedByType.merge(dialtone.event.EventTypes.name(e), 1L, Long::sum);
            return;
        }
        String line = redactor.redact(JsonLinesReporter.line(mapper, e, start).toString());
        try {
            ObjectNode node = (ObjectNode) mapper.readTree(line);
            String raw = node.path("raw").asText("");
            if (raw.length() > MAX_RAW) { // cut after redaction: no secret is cut in two
                node.put("raw", raw.substring(0, MAX_RAW) + "\n... (" + (raw.length() - MAX_RAW)
                        + " more characters; the JSON lines and the pcap have the whole message)");
                line = null;
            }
            chars += line == null ? node.toString().length() : line.length();
            events.add(node);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a redacted event line did not parse back", ex);
        }
    }

    /** "sip.received 1,204, call.progress 1,180" (for the page's note on what was left out). */
    String droppedDetail() {
        StringBuilder b = new StringBuilder();
        droppedByType.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(en -> b.append(b.length() == 0 ? "" : ", ").append(en.getKey()).append(' ')
                        .append(String.format(java.util.Locale.ROOT, "%,d", en.getValue())));
        return b.toString();
    }

    /**
     * Renders a small page and throws it away, on the calling thread: the first render of a run loads and compiles
     * the page's code (about 140 ms), which a run stopped by a signal cannot spare at its end.
     */
    public static void prewarm() {
        try {
            HtmlReporter r = new HtmlReporter(Path.of("unused.html"), new Redactor(), false, f -> null);
            Instant t = Instant.now();
            r.accept(new RunEvent.Started(t, "call", 1, "dialtone", "", "call"));
            r.accept(new RunEvent.Finished(t, "call", true, 0, 0, null, java.util.Map.of()));
            HtmlReport.Page page = HtmlReport.render(r.events, List.of(), 0, "");
            page.fill(r.redactor.redact(page.text()));
        } catch (RuntimeException | LinkageError e) {
            // a head start only
        }
    }

    @Override
    public void close() {
        List<RecordingView> views = new ArrayList<>();
        for (Path p : recordings) {
            views.add(RecordingView.of(p, audio, decoder));
        }
        HtmlReport.Page page = HtmlReport.render(events, views, dropped, droppedDetail());
        String html = page.fill(redactor.redact(page.text()));
        try {
            OutputFile.write(file, html.getBytes(StandardCharsets.UTF_8), OutputFile.Existing.REPLACE);
        } catch (OutputFile.Refused ex) {
            throw new UncheckedIOException("cannot write the HTML report " + file + ": " + ex.getMessage(), ex);
        }
    }
}
