package dialtone.cli;

import dialtone.engine.CommandSource;
import dialtone.engine.Script;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine;

/** Flag checks and command sources of {@code dialtone call}. */
final class CallScenarioSupport {
    private CallScenarioSupport() {
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
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(where), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cl, "--script " + where + ": cannot read it (" + e.getClass().getSimpleName() + ")");
        }
        try {
            Script.parse(lines);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--script " + where + ": " + e.getMessage());
        }
        Iterator<String> it = lines.iterator();
        return new CommandSource() {
            @Override
            public String next() {
                return it.hasNext() ? it.next() : null;
            }

            @Override
            public boolean interactive() {
                return false;
            }
        };
    }
}
