package dialtone.cli;

import dialtone.event.Layer;
import dialtone.report.HtmlReport;
import dialtone.report.MergeReport;
import dialtone.support.DialtoneException;
import dialtone.support.Printable;
import dialtone.support.OutputFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code dialtone report}: work on the JSON lines of finished runs. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        header = "Work on the JSON lines of finished runs (merge many runs into one summary).",
        subcommands = ReportCommand.Merge.class)
final class ReportCommand implements Runnable {
    @ParentCommand
    Dialtone root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (merge)");
    }

    @Command(name = "merge", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
            header = "One summary from many runs' JSON lines: pass rate, percentiles, MOS, failures by layer and cause.",
            description = {
                "Reads the JSON lines (--json) of runs: CI matrix legs, shards of a load run, nightly runs. The unit",
                "is the call (a run's calls, or the run itself when it made none; a run that failed although none of",
                "its calls did counts as one failed unit; a file without run.finished is an incomplete, failed run).",
                "Exits 0 only when every run passed or the failure rate is within --max-failure-rate; otherwise with",
                "the exit code of the most frequent failing layer (3 when that is runs that did not finish).",
                "A file that is not a regular file, or that it cannot read (not JSON, an event with a field",
                "missing or of the wrong type, an unknown layer, a line over 1 MiB) exits 3 naming the file and line."},
            footerHeading = "%nExamples:%n",
            footer = {
                "  dialtone report merge shard-*.jsonl --junit merged.xml",
                "  dialtone report merge nightly/*.jsonl --report nightly.html --max-failure-rate 0.02",
                "  dialtone report merge a.jsonl b.jsonl --json"})
    static final class Merge implements Callable<Integer> {
        @ParentCommand
        ReportCommand parent;

        @Parameters(arity = "1..*", paramLabel = "RUN.jsonl", description = "JSON-lines files of runs (dialtone ... --json > RUN.jsonl).")
        List<Path> files = new ArrayList<>();

        @Option(names = "--junit", paramLabel = "FILE", description = "Also write JUnit XML to FILE: one test case per call, a suite per run (- for standard "
                + "output; the summary then goes to standard error).")
        Path junit;

        @Option(names = "--report", paramLabel = "FILE", description = "Also write a self-contained HTML summary to FILE.")
        Path report;

        @Option(names = "--json", description = "Print the summary as one JSON object instead of text.")
        boolean json;

        @Option(names = "--max-failure-rate", paramLabel = "RATE", defaultValue = "0",
                description = "The share of calls allowed to fail, 0 to 1 (default: ${DEFAULT-VALUE}).")
        double maxFailureRate;

        @Override
        public Integer call() {
            Io io = parent.root.io();
            if (!(maxFailureRate >= 0 && maxFailureRate <= 1)) {
                throw new CommandLine.ParameterException(parent.spec.commandLine().getSubcommands().get("merge"),
                        "--max-failure-rate must be between 0 and 1, not " + maxFailureRate);
            }
            Map<String, Path> outputs = new LinkedHashMap<>();
            if (junit != null) {
                outputs.put("--junit", junit);
            }
            if (report != null) {
                outputs.put("--report", report);
            }
            String refused = OutputOptions.problem(outputs, json);
            if (refused != null) {
                io.err().println("dialtone: " + refused);
                io.err().flush();
                return ExitCodes.USAGE;
            }
            boolean junitToStdout = OutputFile.isStdout(junit);
            MergeReport.Summary s;
            try {
                s = MergeReport.merge(files, maxFailureRate);
            } catch (DialtoneException e) {
                io.err().println("dialtone: " + Printable.escape(e.getMessage()));
                io.err().flush();
                return ExitCodes.of(e.failure().layer());
            }
            // --junit -: the XML is standard output, the summary goes to standard error
            java.io.PrintWriter summaryOut = junitToStdout ? io.err() : io.out();
            summaryOut.print(json ? MergeReport.json(s) + "\n" : MergeReport.human(s));
            summaryOut.flush();
            String failed = null;
            if (junit != null) {
                String xml = io.redactor().redact(MergeReport.junit(s));
                if (junitToStdout) {
                    io.out().print(xml);
                    io.out().flush();
                } else {
                    failed = write("--junit", junit, xml);
                }
            }
            if (report != null && failed == null) {
                HtmlReport.Page page = HtmlReport.renderMerge(s);
                failed = write("--report", report, page.fill(io.redactor().redact(page.text())));
            }
            if (failed != null) {
                io.err().println("dialtone: " + failed);
                io.err().flush();
                return ExitCodes.CONFIG;
            }
            if (s.passed()) {
                return ExitCodes.OK;
            }
            if ("incomplete".equals(s.exitLayer())) {
                // most failures are runs that did not finish: their files hold no verdict (never 70: not a bug here)
                io.err().println("dialtone: the most frequent failure is a run that did not finish (no run.finished): exit 3");
                io.err().flush();
                return ExitCodes.CONFIG;
            }
            for (Layer l : Layer.values()) {
                if (l.name().equalsIgnoreCase(s.exitLayer())) {
                    return ExitCodes.of(l);
                }
            }
            return ExitCodes.INTERNAL; // a layer this dialtone does not know (a file from elsewhere)
        }

        /** Writes one output file ({@link OutputFile}); the one-line error, or null. */
        private static String write(String flag, Path file, String text) {
            try {
                OutputFile.write(file, text.getBytes(StandardCharsets.UTF_8), OutputFile.Existing.REPLACE);
                return null;
            } catch (OutputFile.Refused e) {
                return "cannot write " + flag + " " + Printable.escape(file.toString()) + ": " + Printable.escape(e.getMessage());
            }
        }
    }
}
