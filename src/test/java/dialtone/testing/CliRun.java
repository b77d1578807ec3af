package dialtone.testing;

import dialtone.cli.Dialtone;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;

/** Runs dialtone in-process, black box: arguments and environment in, exit code and both streams out. */
public record CliRun(int rc, String out, String err) {
    public static CliRun run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Dialtone.execute(args, out, err, new HashMap<>(env), false);
        return new CliRun(rc, out.toString(), err.toString());
    }

    public static CliRun run(String... args) {
        return run(Map.of(), args);
    }

    /** Everything the run wrote. */
    public String all() {
        return out + "\n" + err;
    }

    @Override
    public String toString() {
        return "rc=" + rc + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
