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
     * 6,000), and after that only the verdicts (run, call summaries and failures, checks, probe checks): the page
     * stays within the heap of a long run and its tables stay complete.
     */
    static final int MAX_EVENTS = 20_000;

    private final Path file;
    private final Redactor redactor;
    private final boolean audio;
    private final RecordingView.Decoder decoder;
    private final ObjectMapper mapper = Json.shared();
    private final List<ObjectNode> events = new ArrayList<>();
    private final List<Path> recordings = new ArrayList<>();
    private Instant start;
    private long dropped;

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
        if (events.size() >= MAX_EVENTS && !(e instanceof RunEvent || e instanceof dialtone.event.ProbeEvent
                || e instanceof dialtone.event.CallEvent.Summary || e instanceof dialtone.event.CallEvent.Failed
                || e instanceof dialtone.event.CallEvent.Check)) {
            dropped++;
            return;
        }
        String line = redactor.redact(JsonLinesReporter.line(mapper, e, start).toString());
        try {
            events.add((ObjectNode) mapper.readTree(line));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("a redacted event line did not parse back", ex);
        }
    }

    @Override
    public void close() {
        List<RecordingView> views = new ArrayList<>();
        for (Path p : recordings) {
            views.add(RecordingView.of(p, audio, decoder));
        }
        HtmlReport.Page page = HtmlReport.render(events, views, dropped);
        String html = page.fill(redactor.redact(page.text()));
        try {
            OutputFile.write(file, html.getBytes(StandardCharsets.UTF_8), OutputFile.Existing.REPLACE);
        } catch (OutputFile.Refused ex) {
            throw new UncheckedIOException("cannot write the HTML report " + file + ": " + ex.getMessage(), ex);
        }
    }
}
