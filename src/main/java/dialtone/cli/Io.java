package dialtone.cli;

import dialtone.report.Redactor;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;

/**
 * What a command may touch of the outside world: stdout and stderr (both already redacting), the environment,
 * the clock, and whether a person is watching a terminal. Built once per process by {@link Dialtone}; tests build
 * their own.
 */
public record Io(PrintWriter out, PrintWriter err, Map<String, String> env, Clock clock, boolean terminal,
                 Redactor redactor) {

    public boolean colorAllowed() {
        return terminal && (env.get("NO_COLOR") == null || env.get("NO_COLOR").isEmpty())
                && !"dumb".equals(env.get("TERM"));
    }
}
