package dialtone.cli;

import dialtone.report.RedactingWriter;
import dialtone.report.Redactor;
import dialtone.support.DialtoneException;
import dialtone.support.Printable;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** The root command: {@code dialtone [config|register|...]}. */
@Command(name = "dialtone", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        header = "Headless softphone and call tester for SIP over WebSocket and WebRTC.",
        description = {
            "Fetches a Click To Call endpoint configuration (or takes the same facts as flags), connects to the SIP",
            "server over WSS, registers, and reports every layer: TLS, WebSocket, SIP, ICE, DTLS, RTP, audio.",
            "Output is a human timeline, JSON lines (--json) or JUnit XML (--junit FILE); the exit code names the",
            "layer that failed."},
        exitCodeListHeading = "%nExit codes:%n")
public final class Dialtone implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    Io io;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (config, register, call, load, probe, report)");
    }

    Io io() {
        return io;
    }

    /** The subcommands, in the order {@code --help} lists them. */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> m = new java.util.LinkedHashMap<>();
        m.put("config", ConfigCommand.class);
        m.put("register", RegisterCommand.class);
        m.put("call", CallCommand.class);
        m.put("load", LoadCommand.class);
        m.put("probe", ProbeCommand.class);
        m.put("report", ReportCommand.class);
        m.put("serve", ServeCommand.class);
        m.put("help", CommandLine.HelpCommand.class);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Builds the whole command line (every subcommand) with redacting writers around {@code out} and {@code err}. */
    public static CommandLine commandLine(Io io) {
        return commandLine(io, SUBCOMMANDS.keySet());
    }

    /**
     * The command line that {@code args} needs: picocli reads every option of every subcommand it is given by
     * reflection, about 80 ms for all of them. So {@code dialtone call ...} builds the root and {@code call} only, and
     * {@code --version} the root alone; anything else ({@code --help}, {@code help}, an unknown word) builds them all,
     * so that what picocli prints is the same as ever.
     */
    static CommandLine commandLineFor(Io io, String[] args) {
        String first = null;
        boolean rootOption = false;
        for (String a : args) {
            if (!a.startsWith("-")) {
                first = a;
                break;
            }
            rootOption = true;
        }
        if (first != null && !rootOption && SUBCOMMANDS.containsKey(first) && !first.equals("help")) {
            return commandLine(io, java.util.List.of(first));
        }
        if (first == null && args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return commandLine(io, java.util.List.of());
        }
        return commandLine(io);
    }

    private static CommandLine commandLine(Io io, java.util.Collection<String> names) {
        Dialtone root = new Dialtone();
        root.io = io;
        CommandLine cl = new CommandLine(root);
        for (String n : names) {
            cl.addSubcommand(n, SUBCOMMANDS.get(n));
        }
        cl.setOut(io.out());
        cl.setErr(io.err());
        applyExitCodeList(cl);
        reflowDescriptions(cl);
        cl.setExecutionStrategy(parsed -> {
            refuseUnmatched(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("dialtone: " + Printable.escape(usageMessage(ex)));
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            c.getErr().flush();
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof DialtoneException d) {
                c.getErr().println("dialtone: " + Printable.escape(d.getMessage()));
                c.getErr().flush();
                return ExitCodes.of(d.failure().layer());
            }
            c.getErr().println("dialtone: internal error: " + Printable.escape(String.valueOf(ex)));
            c.getErr().flush();
            return ExitCodes.INTERNAL;
        });
        return cl;
    }

    /**
     * picocli ignores words it did not match when --help is asked for ({@code dialtone nosuch --help} printed the
     * top-level help and exited 0): a word that is no subcommand or argument is a usage error whatever else is given.
     */
    private static void refuseUnmatched(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult r = parsed; r != null; r = r.hasSubcommand() ? r.subcommand() : null) {
            if (!r.unmatched().isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(r.commandSpec().commandLine(), r.unmatched());
            }
        }
    }

    /** picocli's message, except for a word where a subcommand was expected: "unknown subcommand 'x'". */
    static String usageMessage(CommandLine.ParameterException ex) {
        CommandLine c = ex.getCommandLine();
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !c.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")
                && c.getCommandSpec().positionalParameters().isEmpty()) {
            String names = String.join(", ", c.getSubcommands().keySet().stream().filter(n -> !n.equals("help")).toList());
            return "unknown subcommand '" + u.getUnmatched().get(0) + "' of " + c.getCommandSpec().qualifiedName()
                    + " (one of: " + names + ")";
        }
        if (ex.getCause() instanceof IceUrlConverter.Refused r) {
            return r.getMessage();
        }
        return ex.getMessage();
    }

    /**
     * The descriptions are written as paragraphs cut into source lines; picocli would print each source line as its
     * own line and wrap it again (ragged help). Consecutive lines are joined into one paragraph for picocli to wrap
     * once; an empty line or an indented one (an example) still starts a new line.
     */
    static void reflowDescriptions(CommandLine cl) {
        CommandLine.Model.UsageMessageSpec u = cl.getCommandSpec().usageMessage();
        u.description(reflow(u.description()));
        u.footer(wrapExamples(u.footer(), 80));
        for (CommandLine sub : cl.getSubcommands().values()) {
            reflowDescriptions(sub);
        }
    }

    /**
     * The footers are shell examples: picocli would wrap a long one at the width like prose, cutting a command in the
     * middle of a word with no continuation mark. A line longer than {@code width} is cut at spaces into lines that
     * end with {@code \\} and go on indented, as a shell continues a command; nothing else changes.
     */
    static String[] wrapExamples(String[] lines, int width) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String l : lines) {
            if (l.length() <= width) {
                out.add(l);
                continue;
            }
            String indent = l.substring(0, l.length() - l.stripLeading().length());
            String more = indent.length() < 6 ? "      " : indent;
            StringBuilder cur = new StringBuilder(indent);
            boolean first = true;
            // a flag stays with its value
            java.util.List<String> words = new java.util.ArrayList<>();
            for (String w : l.strip().split(" +")) {
                int n = words.size();
                if (n > 0 && words.get(n - 1).startsWith("--") && !words.get(n - 1).contains(" ") && !w.startsWith("-")
                        && !w.equals("\\")) {
                    words.set(n - 1, words.get(n - 1) + " " + w);
                } else {
                    words.add(w);
                }
            }
            for (String w : words) {
                boolean empty = cur.length() == (first ? indent.length() : more.length());
                if (!empty && cur.length() + 1 + w.length() + 2 > width && !w.equals("\\")) {
                    out.add(cur + " \\");
                    cur = new StringBuilder(more);
                    first = false;
                    empty = true;
                }
                if (!empty) {
                    cur.append(' ');
                }
                cur.append(w);
            }
            out.add(cur.toString());
        }
        return out.toArray(new String[0]);
    }

    static String[] reflow(String[] lines) {
        java.util.List<String> out = new java.util.ArrayList<>();
        StringBuilder para = null;
        for (String l : lines) {
            if (l.isBlank() || l.startsWith(" ")) {
                if (para != null) {
                    out.add(para.toString());
                    para = null;
                }
                out.add(l.isBlank() ? "" : l);
            } else if (para == null) {
                para = new StringBuilder(l.strip());
            } else {
                para.append(' ').append(l.strip());
            }
        }
        if (para != null) {
            out.add(para.toString());
        }
        return out.toArray(new String[0]);
    }

    private static void applyExitCodeList(CommandLine cl) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.table());
        for (CommandLine sub : cl.getSubcommands().values()) {
            applyExitCodeList(sub);
        }
    }

    /** Whether this process loaded the WebRTC native library (a call or an answering registration ran). */
    public static boolean nativeMediaLoaded() {
        return dialtone.engine.Engine.mediaLoaded();
    }

    /** Runs dialtone with this process's streams; returns the exit code. */
    public static int execute(String[] args, Writer stdout, Writer stderr, Map<String, String> env, boolean terminal) {
        Redactor redactor = new Redactor();
        PrintWriter out = new PrintWriter(new RedactingWriter(stdout, redactor), false);
        PrintWriter err = new PrintWriter(new RedactingWriter(stderr, redactor), false);
        Io io = new Io(out, err, env, Clock.systemUTC(), terminal, redactor);
        try {
            return commandLineFor(io, args).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }
}
