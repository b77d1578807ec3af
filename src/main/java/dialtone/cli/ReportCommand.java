package dialtone.cli;

import dialtone.event.Layer;
import dialtone.report.HtmlReport;
import dialtone.report.MergeReport;
import dialtone.support.DialtoneException;
import dialtone.support.Printable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
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
                "the exit code of the most frequent failing layer. An unreadable or foreign file exits 3."},
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

        @Option(names = "--junit", paramLabel = "FILE", description = "Also write JUnit XML to FILE: one test case per call, a suite per run.")
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
            for (Path p : new Path[] {junit, report}) {
                Path dir = p == null ? null : p.toAbsolutePath().getParent();
                if (dir != null && !Files.isDirectory(dir)) {
                    io.err().println("dialtone: cannot write " + p + ": the directory " + dir + " does not exist");
                    io.err().flush();
                    return ExitCodes.USAGE;
                }
            }
            MergeReport.Summary s;
            try {
                s = MergeReport.merge(files, maxFailureRate);
            } catch (DialtoneException e) {
                io.err().println("dialtone: " + Printable.escape(e.getMessage()));
                io.err().flush();
                return ExitCodes.of(e.failure().layer());
            }
            try {
                if (junit != null) {
                    write(junit, io.redactor().redact(MergeReport.junit(s)));
                }
                if (report != null) {
                    HtmlReport.Page page = HtmlReport.renderMerge(s);
                    write(report, page.fill(io.redactor().redact(page.text())));
                }
            } catch (IOException e) {
                io.err().println("dialtone: cannot write: " + Printable.escape(e.getMessage()));
                io.err().flush();
                return ExitCodes.CONFIG;
            }
            io.out().print(json ? MergeReport.json(s) + "\n" : MergeReport.human(s));
            io.out().flush();
            if (s.passed()) {
                return ExitCodes.OK;
            }
            for (Layer l : Layer.values()) {
                if (l.name().equalsIgnoreCase(s.exitLayer())) {
                    return ExitCodes.of(l);
                }
            }
            return ExitCodes.INTERNAL; // a layer this dialtone does not know (a file from elsewhere)
        }

        private static void write(Path file, String text) throws IOException {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
