package dialtone.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How results are shown: the human timeline (default), JSON lines, a JUnit XML file. */
public final class OutputOptions {
    @Option(names = "--json", description = "Print JSON lines (one event per line) instead of the human timeline.")
    boolean json;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report to FILE.")
    Path junit;

    @Option(names = "--no-color", description = "No colour (also: the NO_COLOR environment variable, or piped output).")
    boolean noColor;

    @Option(names = "--sip-trace", description = "Show every SIP message sent and received (credentials masked).")
    boolean sipTrace;

    @Option(names = {"-v", "--verbose"}, description = "More detail; with an internal error, the stack trace.")
    boolean[] verbose = new boolean[0];

    int verbosity() {
        return verbose.length;
    }
}
