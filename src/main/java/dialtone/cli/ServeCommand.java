package dialtone.cli;

import dialtone.serve.Exporter;
import dialtone.serve.ServeConfig;
import dialtone.serve.TlsWarmup;
import dialtone.serve.WebConfig;
import dialtone.support.Printable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dialtone serve}: a Prometheus exporter that runs a module's check on every scrape of /probe. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        header = "Run checks for Prometheus: /probe?module=M&target=T answers with probe_success and the phases.",
        description = {
            "A long-running exporter in the blackbox_exporter's shape. Each module of the --config file is a subcommand",
            "(config, register, call, probe) with its flags exactly as on the command line; each scrape of",
            "/probe?module=M&target=T runs it once as a child process, or a config module in this JVM (secrets from",
            "the environment, as on the command line; targets only those the module lists or its target_pattern",
            "matches), and answers with probe_success,",
            "probe_duration_seconds, dialtone_phase_seconds, dialtone_failure_info, MOS, loss, jitter and RTT, before the",
            "scrape's X-Prometheus-Scrape-Timeout-Seconds. /metrics has the exporter's own. SIGHUP reloads the file",
            "(a broken one is refused, the old one kept); SIGTERM waits for the probes in flight, then exits 0."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  BOB_PW=... dialtone serve --config dialtone-serve.yml",
            "  dialtone serve --config modules.yml --listen 0.0.0.0:9431 --web-config web.yml --max-in-flight 8",
            "  curl 'http://127.0.0.1:9431/probe?module=lab_call&target=sip:echo@example.com'"})
final class ServeCommand implements Callable<Integer> {
    static final String DEFAULT_LISTEN = "127.0.0.1:9431";

    @ParentCommand
    Dialtone root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", required = true, description = "The module file (YAML).")
    Path config;

    @Option(names = "--listen", paramLabel = "ADDRESS:PORT", defaultValue = DEFAULT_LISTEN,
            description = "Where to listen (default: ${DEFAULT-VALUE}, loopback only; ':PORT' for every interface).")
    String listen;

    @Option(names = "--web-config", paramLabel = "FILE",
            description = "TLS and basic authentication for the listener, in the Prometheus exporters' web config format.")
    Path webConfig;

    @Option(names = "--max-in-flight", paramLabel = "N", defaultValue = "4",
            description = "Probes at once; more scrapes are refused with 503 (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--timeout-offset", paramLabel = "DURATION", defaultValue = "500ms", converter = DurationConverter.class,
            description = "Kept back from the scrape's timeout for the answer (default: ${DEFAULT-VALUE}).")
    Duration timeoutOffset;

    @Option(names = "--history", paramLabel = "N", defaultValue = "16",
            description = "Recent probes kept for /logs, with their timelines (default: ${DEFAULT-VALUE}; 0: none).")
    int history;

    @Option(names = "--check", description = "Check the module file (and --web-config) as a start would, print the modules, and exit: 0 valid, 3 refused.")
    boolean check;

    @Option(names = {"-v", "--verbose"}, description = "Log every probe's result on stderr.")
    boolean verbose;

    @Override
    public Integer call() {
        Io io = root.io();
        CommandLine cl = spec.commandLine();
        if (maxInFlight < 1 || maxInFlight > 64) {
            throw new CommandLine.ParameterException(cl, "--max-in-flight must be between 1 and 64");
        }
        if (history < 0 || history > 1000) {
            throw new CommandLine.ParameterException(cl, "--history must be between 0 and 1000");
        }
        if (timeoutOffset.isNegative() || timeoutOffset.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new CommandLine.ParameterException(cl, "--timeout-offset must be between 0 and 10s");
        }
        InetSocketAddress address = listenAddress(cl, listen);
        ServeConfig modules;
        WebConfig web;
        try {
            modules = ServeConfig.load(config, ServeCommand::checkFlags, io.env());
            web = webConfig == null ? WebConfig.none() : WebConfig.load(webConfig);
        } catch (ServeConfig.Invalid e) {
            io.err().println("dialtone: " + Printable.escape(e.getMessage()));
            io.err().flush();
            return ExitCodes.CONFIG;
        }
        registerSecrets(io, modules);
        if (check) {
            for (ServeConfig.Module m : modules.modules().values()) {
                io.out().println(m.name() + ": " + m.command() + (m.targets().isEmpty() ? "" : ", targets " + String.join(" ", m.targets()))
                        + (m.targetPattern() != null ? ", target_pattern " + m.targetPattern().pattern() : "")
                        + ", timeout " + m.timeout().toMillis() + " ms");
            }
            io.out().println(config + ": " + modules.modules().size() + " modules, valid");
            io.out().flush();
            return ExitCodes.OK;
        }
        if (TlsWarmup.wanted(modules, io.env())) {
            // before the listener answers: a fresh exporter's first config probes time a compiled TLS stack
            TlsWarmup.Result w = TlsWarmup.run(ServeCommand::warmupFetch, TlsWarmup.FETCHES, TlsWarmup.BUDGET_NANOS);
            io.err().println("dialtone serve: TLS warmed up: " + w.fetches() + " HTTPS fetches to itself on loopback in "
                    + w.millis() + " ms" + (w.lastTlsMedianMs() >= 0 ? String.format(java.util.Locale.ROOT,
                    " (TLS handshake, median of the last 20: %.2f ms)", w.lastTlsMedianMs()) : "")
                    + (w.failure() != null ? "; stopped early: " + Printable.escape(w.failure()) : ""));
            io.err().flush();
        }
        Exporter exporter = new Exporter(new Exporter.Settings(config, address, web, maxInFlight, timeoutOffset,
                Exporter.launcher(), io.env(), ServeCommand::checkFlags, io.redactor(), io.err(), verbose, history,
                ServeCommand::inProcess), modules);
        InetSocketAddress bound;
        try {
            bound = exporter.start();
        } catch (IOException e) {
            io.err().println("dialtone: cannot listen on " + Printable.escape(listen) + ": " + Printable.escape(String.valueOf(e.getMessage())));
            io.err().flush();
            return ExitCodes.CONFIG;
        }
        exporter.handleSignals();
        String host = bound.getAddress().getHostAddress();
        io.err().println("dialtone serve: listening on " + (web.ssl() != null ? "https" : "http") + "://"
                + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + " (modules: "
                + String.join(", ", modules.modules().keySet()) + "; at most " + maxInFlight + " probes at once"
                + (web.authRequired() ? "; basic auth" : "") + ")");
        io.err().flush();
        try {
            exporter.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    /** The secrets the modules' children read (environment variables, password files), masked in what serve shows. */
    static void registerSecrets(Io io, ServeConfig modules) {
        for (String k : List.of("DIALTONE_SIP_PASSWORD", "DIALTONE_ENDPOINT")) {
            io.redactor().addSecret(io.env().get(k));
        }
        for (ServeConfig.Module m : modules.modules().values()) {
            for (String v : m.secretEnvs()) {
                io.redactor().addSecret(io.env().get(v));
            }
            for (String f : m.secretFiles()) {
                try {
                    Path p = Path.of(f);
                    if (java.nio.file.Files.isRegularFile(p) && java.nio.file.Files.size(p) < 4096) {
                        io.redactor().addSecret(java.nio.file.Files.readString(p).strip());
                    }
                } catch (IOException | RuntimeException e) {
                    // the child says what is wrong with its file
                }
            }
        }
        // an endpoint URL's token (its path), as the command line registers it
        for (String k : io.env().keySet()) {
            String v = io.env().get(k);
            if (v != null && (v.startsWith("https://") || v.startsWith("http://")) && modules.modules().values().stream()
                    .anyMatch(m -> k.equals(m.endpointEnv()) || k.equals("DIALTONE_ENDPOINT"))) {
                io.redactor().addSecret(v);
                try {
                    String path = java.net.URI.create(v.trim()).getRawPath();
                    if (path != null) {
                        for (String seg : path.split("/")) {
                            if (seg.length() >= 16) {
                                io.redactor().addSecret(seg);
                            }
                        }
                    }
                } catch (IllegalArgumentException ignored) {
                    // the child refuses it with its own words
                }
            }
        }
    }

    /**
     * A {@code config} module's run in this JVM: dialtone's own command line, as a child would run it, with the
     * configuration fetch's phases handed over at full precision (nanoseconds, here as seconds).
     */
    static int inProcess(List<String> args, java.util.Map<String, String> env, java.io.Writer out, java.io.Writer err,
                         java.util.function.Consumer<dialtone.serve.ProbeRun.FetchPhases> phases) {
        dialtone.config.ConfigFetcher.observe(p -> phases.accept(new dialtone.serve.ProbeRun.FetchPhases(seconds(p.resolveNanos()),
                seconds(p.connectNanos()), seconds(p.tlsNanos()), seconds(p.processingNanos()), seconds(p.transferNanos()),
                seconds(p.totalNanos()))));
        try {
            return Dialtone.execute(args.toArray(new String[0]), out, err, env, false);
        } finally {
            dialtone.config.ConfigFetcher.observe(null);
        }
    }

    /** One fetch of the TLS warm-up: the configuration fetch's own code, its phases as a config probe reports them. */
    static dialtone.serve.ProbeRun.FetchPhases warmupFetch(java.net.URI uri, javax.net.ssl.SSLContext trust) {
        dialtone.serve.ProbeRun.FetchPhases[] p = {null};
        dialtone.config.ConfigFetcher.observe(x -> p[0] = new dialtone.serve.ProbeRun.FetchPhases(seconds(x.resolveNanos()),
                seconds(x.connectNanos()), seconds(x.tlsNanos()), seconds(x.processingNanos()), seconds(x.transferNanos()),
                seconds(x.totalNanos())));
        try {
            new dialtone.config.ConfigFetcher(trust, Duration.ofSeconds(5), "dialtone-serve-warmup").fetch(uri, "the TLS warm-up");
        } finally {
            dialtone.config.ConfigFetcher.observe(null);
        }
        return p[0];
    }

    private static double seconds(long nanos) {
        return nanos < 0 ? -1 : nanos / 1e9;
    }

    /** Whether the command line would take these arguments (parsed as dialtone's picocli model parses them). */
    static String checkFlags(List<String> args) {
        StringWriter sink = new StringWriter();
        PrintWriter pw = new PrintWriter(sink);
        Io quiet = new Io(pw, pw, java.util.Map.of(), java.time.Clock.systemUTC(), false, new dialtone.report.Redactor());
        try {
            CommandLine cl = Dialtone.commandLineFor(quiet, args.toArray(new String[0]));
            cl.parseArgs(args.toArray(new String[0]));
            return null;
        } catch (CommandLine.ParameterException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            return "the flags cannot be read: " + e.getClass().getSimpleName();
        }
    }

    static InetSocketAddress listenAddress(CommandLine cl, String s) {
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new CommandLine.ParameterException(cl, "--listen must be ADDRESS:PORT (e.g. " + DEFAULT_LISTEN + ")");
        }
        String host = s.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(cl, "--listen: the port must be a number from 0 to 65535");
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(cl, "--listen: the port must be a number from 0 to 65535");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            return new InetSocketAddress(port);
        }
        if (!dialtone.support.Hosts.isIpLiteral(host) && !host.equals("localhost")) {
            throw new CommandLine.ParameterException(cl, "--listen: give an IP address (or localhost), not a host name");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new CommandLine.ParameterException(cl, "--listen: not an address: " + Printable.escape(host));
        }
    }
}
