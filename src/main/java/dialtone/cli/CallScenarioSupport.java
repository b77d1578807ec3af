package dialtone.cli;

import dialtone.engine.CommandSource;
import dialtone.engine.Script;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/** Flag checks and command sources of {@code dialtone call}. */
final class CallScenarioSupport {
    private CallScenarioSupport() {
    }

    /** The most a script file may hold: checked before it is read. */
    static final long MAX_SCRIPT_BYTES = 1 << 20;

    /**
     * Reads a script file and checks every line before anything is dialled: a regular file (not a FIFO or a
     * device), at most 1 MiB and {@value Script#MAX_LINES} lines, valid UTF-8, each command valid.
     */
    static List<String> scriptLines(Path file, CommandLine cl) {
        String where = "--script " + file;
        List<String> lines;
        try {
            regularFile(file, MAX_SCRIPT_BYTES, where, cl);
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CommandLine.ParameterException(cl, where + ": not UTF-8 text");
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cl, where + ": cannot read it (" + e.getClass().getSimpleName() + ")");
        }
        try {
            Script.parse(lines);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, where + ": " + e.getMessage());
        }
        return lines;
    }

    /** A regular file of at most {@code max} bytes (links are followed to find it: it is only read). */
    static void regularFile(Path file, long max, String where, CommandLine cl) throws IOException {
        if (!Files.exists(file)) {
            throw new CommandLine.ParameterException(cl, where + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new CommandLine.ParameterException(cl, where + ": not a regular file");
        }
        if (Files.size(file) > max) {
            throw new CommandLine.ParameterException(cl, where + ": larger than " + max / 1024 + " KiB");
        }
    }

    /** --expires: a positive number of seconds the server is asked for, at most a day. */
    static void checkExpires(CommandLine cl, int expires) {
        if (expires < 1 || expires > 86_400) {
            throw new CommandLine.ParameterException(cl, "--expires must be between 1 and 86400 seconds");
        }
    }

    /** A script from a file (checked line by line before the call) or from stdin ('-', read as the call goes). */
    static CommandSource script(String where, CommandLine cl) {
        if (where.equals("-")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            return new CommandSource() {
                @Override
                public String next() {
                    try {
                        return in.readLine();
                    } catch (IOException e) {
                        return null;
                    }
                }

                @Override
                public boolean interactive() {
                    return false;
                }
            };
        }
        return CommandSource.of(scriptLines(Path.of(where), cl));
    }
}
