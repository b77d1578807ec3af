package dialtone.cli;

import dialtone.engine.CommandSource;
import dialtone.engine.Script;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The interactive in-call console (JLine): a prompt with history and completion for the script commands, while
 * the timeline keeps printing above the line being typed ({@link LineReader#printAbove}).
 */
final class Console implements CommandSource, AutoCloseable {
    private final Terminal terminal;
    private final LineReader reader;

    Console() throws IOException {
        terminal = TerminalBuilder.builder().system(true).build();
        reader = LineReaderBuilder.builder().terminal(terminal)
                .completer(new StringsCompleter("wait", "dtmf", "info", "mute", "unmute", "stats", "hangup", "help",
                        "expect-tone", "expect-dtmf", "expect-info"))
                .variable(LineReader.HISTORY_SIZE, 200)
                .build();
    }

    /** Output that goes above the prompt, a line at a time. */
    PrintWriter out() {
        return new PrintWriter(new Writer() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public synchronized void write(char[] c, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    if (c[i] == '\n') {
                        reader.printAbove(line.toString());
                        line.setLength(0);
                    } else if (c[i] != '\r') {
                        line.append(c[i]);
                    }
                }
            }

            @Override
            public void flush() {
                terminal.flush();
            }

            @Override
            public void close() {
            }
        }, true);
    }

    @Override
    public String next() {
        try {
            return reader.readLine("dialtone> ");
        } catch (UserInterruptException | EndOfFileException e) {
            return null;
        }
    }

    @Override
    public boolean interactive() {
        return true;
    }

    static String help() {
        return Script.help();
    }

    @Override
    public void close() throws IOException {
        terminal.close();
    }
}
