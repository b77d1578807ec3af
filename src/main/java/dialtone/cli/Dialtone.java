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
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("dialtone: " + Printable.escape(ex.getMessage()));
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
