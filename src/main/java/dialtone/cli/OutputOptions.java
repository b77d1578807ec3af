package dialtone.cli;

import dialtone.support.OutputFile;
import dialtone.support.Printable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How results are shown: the human timeline (default), JSON lines, a JUnit XML file, an HTML report, a capture.
 * Every file is written by {@link OutputFile} (a new file renamed over the path at the end) and checked by
 * {@link #problem()} before the run starts: a symbolic link, a device, a FIFO or a directory at the path is refused.
 */
public final class OutputOptions {
    @Option(names = "--json", description = "Print JSON lines (one event per line) instead of the human timeline.")
    boolean json;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report to FILE (- for standard output; the timeline then goes to "
            + "standard error).")
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

    /** {@code --junit -}: the JUnit XML takes standard output. */
    boolean junitToStdout() {
        return OutputFile.isStdout(junit);
    }

    /** The files a run writes besides its output, by flag. */
    Map<String, Path> files() {
        Map<String, Path> m = new LinkedHashMap<>();
        if (junit != null) {
            m.put("--junit", junit);
        }
        if (pcap != null) {
            m.put("--pcap", pcap);
        }
        if (report != null) {
            m.put("--report", report);
        }
        return m;
    }

    /**
     * What is wrong with the output flags, as the one-line error (null when nothing is): checked before anything is
     * dialled, so that a run never ends with its files refused.
     */
    String problem() {
        return problem(files(), json);
    }

    /** {@link #problem()} for any set of output files ({@code report merge} has its own flags). */
    static String problem(Map<String, Path> files, boolean jsonOnStdout) {
        Map<Path, String> seen = new java.util.HashMap<>();
        for (Map.Entry<String, Path> f : files.entrySet()) {
            String flag = f.getKey();
            Path p = f.getValue();
            if (OutputFile.isStdout(p)) {
                if (!flag.equals("--junit")) {
                    return flag + " -: only --junit (and --json) can go to standard output; name a file";
                }
                if (jsonOnStdout) {
                    return "--json and --junit - both want standard output: give --junit a file";
                }
                continue;
            }
            String other = seen.put(p.toAbsolutePath().normalize(), flag);
            if (other != null) {
                return other + " and " + flag + " name the same file " + Printable.escape(p.toString());
            }
            try {
                OutputFile.check(p, OutputFile.Existing.REPLACE);
            } catch (OutputFile.Refused e) {
                return "cannot write " + flag + " " + Printable.escape(p.toString()) + ": " + Printable.escape(e.getMessage());
            }
        }
        return null;
    }
}
