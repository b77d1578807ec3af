package dialtone.report;

import java.io.IOException;
import java.io.Writer;

/**
 * A writer that passes text through a {@link Redactor} a line at a time, so that a secret split across two
 * {@code write} calls is still masked. Partial lines are held until a newline, {@code flush()} or {@code close()}.
 */
public final class RedactingWriter extends Writer {
    private final Writer out;
    private final Redactor redactor;
    private final StringBuilder pending = new StringBuilder();

    public RedactingWriter(Writer out, Redactor redactor) {
        this.out = out;
        this.redactor = redactor;
    }

    @Override
    public synchronized void write(char[] cbuf, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            char c = cbuf[i];
            pending.append(c);
            if (c == '\n') {
                emit();
            }
        }
    }

    private void emit() throws IOException {
        if (pending.length() > 0) {
            out.write(redactor.redact(pending.toString()));
            pending.setLength(0);
        }
    }

    /** Writes what is pending even without a newline (a status line that ends in a carriage return). */
    @Override
    public synchronized void flush() throws IOException {
        emit();
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        flush();
        out.close();
    }
}
