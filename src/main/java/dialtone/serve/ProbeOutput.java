package dialtone.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dialtone.report.Redactor;
import dialtone.support.Printable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a probe said, kept bounded whoever ran it (a child process or this JVM): its JSON lines folded into a
 * {@link ProbeRun} as they arrive, the redacted lines kept for {@code debug=true} and {@code /logs} (at most
 * {@link ChildProbe#MAX_LOG} characters, {@code run.finished} always), its standard error (at most
 * {@link ChildProbe#MAX_ERR}). Every line passes the exporter's redactor before it is kept.
 */
final class ProbeOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    final ProbeRun run;
    private final Redactor redactor;
    private final List<String> log = new ArrayList<>();
    private final StringBuilder err = new StringBuilder();
    private int logSize;
    private boolean logFull;

    ProbeOutput(String command, Redactor redactor) {
        this.run = new ProbeRun(command);
        this.redactor = redactor;
    }

    /** One line of standard output. */
    void out(String line) {
        String shown = Printable.escape(redactor.redact(line));
        synchronized (log) {
            boolean fin = shown.contains("\"type\":\"run.finished\"");
            if (logSize + shown.length() <= ChildProbe.MAX_LOG) {
                log.add(shown);
                logSize += shown.length();
            } else {
                if (!logFull) {
                    logFull = true;
                    log.add("... (the rest of the output is not kept: more than " + ChildProbe.MAX_LOG + " characters)");
                }
                if (fin) {
                    log.add(shown.length() > 4096 ? shown.substring(0, 4096) : shown);
                }
            }
        }
        try {
            JsonNode n = JSON.readTree(line);
            if (n != null && n.isObject()) {
                synchronized (run) {
                    run.accept(n);
                }
            }
        } catch (IOException ignored) {
            // not JSON (a line of a dying JVM): kept in the log only
        }
    }

    /** One line of standard error. */
    void err(String line) {
        synchronized (err) {
            if (err.length() < ChildProbe.MAX_ERR) {
                err.append(Printable.escape(redactor.redact(line))).append('\n');
            }
        }
    }

    List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    String stderr() {
        synchronized (err) {
            return err.toString();
        }
    }

    /** A writer that hands its complete lines to {@code sink} (each cut at {@link ChildProbe#MAX_LINE} characters). */
    static java.io.Writer lines(ChildProbe.LineSink sink) {
        return new java.io.Writer() {
            private final StringBuilder sb = new StringBuilder();
            private boolean closed;

            @Override
            public synchronized void write(char[] buf, int off, int len) {
                if (closed) {
                    return;
                }
                for (int i = off; i < off + len; i++) {
                    char c = buf[i];
                    if (c == '\n') {
                        sink.line(sb.toString());
                        sb.setLength(0);
                    } else if (sb.length() < ChildProbe.MAX_LINE) {
                        sb.append(c);
                    }
                }
            }

            @Override
            public void flush() {
                // lines are handed on as they end
            }

            @Override
            public synchronized void close() {
                if (!closed && sb.length() > 0) {
                    sink.line(sb.toString());
                    sb.setLength(0);
                }
                closed = true;
            }
        };
    }
}
