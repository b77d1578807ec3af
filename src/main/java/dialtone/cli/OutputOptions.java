package dialtone.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How results are shown: the human timeline (default), JSON lines, a JUnit XML file. */
public final class OutputOptions {
    @Option(names = "--json", description = "Print JSON lines (one event per line) instead of the human timeline.")
    boolean json;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report to FILE.")
    Path junit;

    @Option(names = "--pcap", paramLabel = "FILE", description = "Also write the run's SIP messages (and probe's STUN/TURN) "
            + "to FILE as pcapng, for Wireshark or tshark (credentials masked).")
    Path pcap;

    @Option(names = "--pcap-unredacted", description = "In --pcap, keep Authorization parameters and STUN integrity "
            + "values as sent (the password, TURN credential and URL token are still never written).")
    boolean pcapUnredacted;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write a self-contained HTML report to FILE.")
    Path report;

    @Option(names = "--report-audio", description = "In --report, embed the recording (--record) as audio.")
    boolean reportAudio;

    @Option(names = "--no-color", description = "No colour (also: the NO_COLOR environment variable, or piped output).")
    boolean noColor;

    @Option(names = "--sip-trace", description = "Show every SIP message sent and received (credentials masked).")
    boolean sipTrace;

    @Option(names = {"-v", "--verbose"}, description = "More detail; with an internal error, the stack trace.")
    boolean[] verbose = new boolean[0];

    /** Fields every JSON line carries (a load shard's {@code shard}); set by the command, not a flag. */
    java.util.Map<String, String> tags = java.util.Map.of();

    int verbosity() {
        return verbose.length;
    }
}
