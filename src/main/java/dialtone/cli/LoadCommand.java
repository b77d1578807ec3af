package dialtone.cli;

import dialtone.config.SipProfile;
import dialtone.config.TargetSpec;
import dialtone.config.TrustMaterial;
import dialtone.engine.LoadScenario;
import dialtone.event.CallEvent;
import dialtone.event.Event;
import dialtone.event.RunEvent;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dialtone load}: many WebRTC calls at once from one process, each checked as {@code call} checks one. */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        header = "Place many WebRTC calls at once (capacity tests of a voice bot, an SBC, a TURN service).",
        description = {
            "Every call is what 'dialtone call' places, with every call option (endpoint or direct mode, play, expect,",
            "assert, DTMF, script, ICE servers, TURN, relay-only). By default each call is its own user agent with its own",
            "WSS connection and registration, as N browsers would be (a fresh userId per call when the endpoint's is",
            "derived); --shared-connection carries every dialog on one. JSON lines name the call on every event",
            "(scenario call#N), the JUnit report has one test case per call, the summary has percentiles and the failures",
            "grouped by layer and cause. The exit code is 0 when the share of failed calls is at most --max-failure-rate;",
            "otherwise it is the exit code of the most frequent failure."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  DIALTONE_ENDPOINT=https://endpoint.example.com/<token> dialtone load --calls 100 --concurrency 50 \\",
            "      --rate 5 --duration 30s --play tone:440 --expect-audio --junit load.xml",
            "  dialtone load sip:echo@example.com --ws-uri wss://sip.example.com --user alice --password-env PW \\",
            "      --calls 200 --concurrency 200 --rate 20 --duration 60s --shared-connection --max-failure-rate 0.01"})
final class LoadCommand extends CallCommand {
    @Option(names = "--calls", paramLabel = "N", defaultValue = "10", description = "Calls to place in all (default: ${DEFAULT-VALUE}).")
    int calls;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "10",
            description = "Calls in progress at most at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "5",
            description = "New calls per second at most, e.g. 5 or 0.5 (default: ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--max-failure-rate", paramLabel = "SHARE", defaultValue = "0",
            description = "The share of calls allowed to fail with exit 0: 0 to 1, or a percentage like 2%% (default: ${DEFAULT-VALUE}).")
    String maxFailureRate;

    @Option(names = "--shared-connection", description = "One user agent (one WSS connection, one registration) carries every call.")
    boolean sharedConnection;

    @Option(names = "--ramp", paramLabel = "FROM:TO:STEP[:HOLD]",
            description = "Find the capacity: hold FROM, FROM+STEP, ... TO calls at once, each step for HOLD (default 20s), "
                    + "and report the highest step at which every call carried its media and dialtone was not overloaded; "
                    + "stops after the first step that fails and names the side that saturated. Replaces --calls, "
                    + "--concurrency and --duration.")
    String ramp;

    @Option(names = "--shard", paramLabel = "INDEX/COUNT",
            description = "Place only this worker's share of the --calls: calls INDEX+1, INDEX+1+COUNT, ... (0-based INDEX). "
                    + "Default: DIALTONE_SHARD, else a Kubernetes Indexed Job's JOB_COMPLETION_INDEX with DIALTONE_SHARDS, "
                    + "else GitLab's CI_NODE_INDEX/CI_NODE_TOTAL. Every JSON line then carries \"shard\".")
    String shard;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "The id every shard of one run shares, in each Call-ID (letters, digits, '-'; default: "
                    + "DIALTONE_RUN_ID, else a random one).")
    String runId;

    static final int MAX_CALLS = 100_000;
    static final int MAX_CONCURRENCY = 500;

    static double share(CommandLine cl, String s) {
        String v = s.trim();
        boolean pct = v.endsWith("%");
        try {
            double d = Double.parseDouble(pct ? v.substring(0, v.length() - 1) : v) / (pct ? 100 : 1);
            if (!(d >= 0 && d <= 1)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(cl, "--max-failure-rate '" + dialtone.support.Printable.escape(s)
                    + "' is not a share between 0 and 1 (or 0% to 100%)");
        }
    }

    /**
     * This worker's shard: --shard, else DIALTONE_SHARD, else a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with
     * DIALTONE_SHARDS for the count: a Job does not tell its pods how many completions there are), else GitLab's
     * parallel jobs (CI_NODE_INDEX is 1-based); else the whole run.
     */
    static dialtone.engine.Shard shard(CommandLine cl, java.util.Map<String, String> env, String flag, String runIdFlag) {
        String run = runIdFlag != null ? runIdFlag : env.get("DIALTONE_RUN_ID");
        if (run != null) {
            try {
                new dialtone.engine.Shard(0, 1, run); // the run id's own check, named after where it came from
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, (runIdFlag != null ? "--run-id: " : "DIALTONE_RUN_ID: ") + e.getMessage());
            }
        }
        try {
            if (run == null) {
                run = dialtone.support.RandomTokens.alnum(8);
            }
            if (flag != null) {
                return dialtone.engine.Shard.parse(flag, run);
            }
            if (env.get("DIALTONE_SHARD") != null) {
                return dialtone.engine.Shard.parse(env.get("DIALTONE_SHARD"), run);
            }
            if (env.get("JOB_COMPLETION_INDEX") != null) {
                if (env.get("DIALTONE_SHARDS") == null) {
                    throw new IllegalArgumentException("JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but "
                            + "DIALTONE_SHARDS is not: set it to the Job's completions");
                }
                return dialtone.engine.Shard.parse(env.get("JOB_COMPLETION_INDEX") + "/" + env.get("DIALTONE_SHARDS"), run);
            }
            if (env.get("CI_NODE_INDEX") != null && env.get("CI_NODE_TOTAL") != null) {
                String i = env.get("CI_NODE_INDEX").trim();
                if (!i.matches("\\d{1,5}") || Integer.parseInt(i) < 1) {
                    throw new IllegalArgumentException("CI_NODE_INDEX '" + dialtone.support.Printable.escape(i) + "' is not 1 or more");
                }
                return dialtone.engine.Shard.parse((Integer.parseInt(i) - 1) + "/" + env.get("CI_NODE_TOTAL"), run);
            }
            return new dialtone.engine.Shard(0, 1, run);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--shard: " + e.getMessage());
        }
    }

    private dialtone.engine.Shard shard(CommandLine cl, java.util.Map<String, String> env) {
        return shard(cl, env, shard, runId);
    }

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (calls < 1 || calls > MAX_CALLS) {
            throw new CommandLine.ParameterException(cl, "--calls must be between 1 and " + MAX_CALLS);
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new CommandLine.ParameterException(cl, "--concurrency must be between 1 and " + MAX_CONCURRENCY);
        }
        double perSecond;
        try {
            perSecond = Double.parseDouble(rate.trim().replaceAll("/s$", ""));
        } catch (NumberFormatException e) {
            perSecond = -1;
        }
        if (!(perSecond > 0 && perSecond <= 1000)) {
            throw new CommandLine.ParameterException(cl, "--rate must be a number of calls per second, above 0 and at most 1000");
        }
        double allowed = share(cl, maxFailureRate);
        dialtone.engine.Ramp steps = null;
        if (ramp != null) {
            try {
                steps = dialtone.engine.Ramp.parse(ramp);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--ramp '" + dialtone.support.Printable.escape(ramp) + "': "
                        + e.getMessage());
            }
            if (steps.to() > MAX_CONCURRENCY) {
                throw new CommandLine.ParameterException(cl, "--ramp: TO must be at most " + MAX_CONCURRENCY + " calls at once");
            }
            if (shard != null || runId != null) {
                throw new CommandLine.ParameterException(cl, "--ramp cannot be sharded: a capacity is one process's");
            }
            calls = steps.totalCalls();
            concurrency = steps.to();
            duration = steps.hold(); // each call's talk is set per step so that a step's calls are up at once for HOLD
        }
        dialtone.engine.Shard sh = steps != null ? new dialtone.engine.Shard(0, 1, dialtone.support.RandomTokens.alnum(8))
                : shard(cl, root.io().env());
        if (sh.calls(calls).isEmpty()) {
            throw new CommandLine.ParameterException(cl, "shard " + sh.label() + " has none of the " + calls
                    + " calls (more shards than calls)");
        }
        Prepared prep = prepare(true);
        Io io = prep.io();
        dialtone.engine.Engine.preloadMedia(false);
        LoadScenario.Options lo = new LoadScenario.Options(calls, Math.min(concurrency, calls), perSecond, sharedConnection,
                allowed, sh, steps);
        if (sh.sharded()) {
            output.tags = java.util.Map.of("shard", sh.label());
        }
        StopSignal signal = new StopSignal(20);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "load-progress");
            t.setDaemon(true);
            return t;
        });
        // people get the calls' outcomes and a live progress line, not 200 interleaved timelines (-v shows them)
        boolean everything = output.json || output.verbosity() > 0;
        try {
            // the progress line owns the terminal's last line: no live status line from the timeline
            Io runIo = new Io(io.out(), io.err(), io.env(), io.clock(), false, io.redactor());
            return Runner.run(runIo, output, "load", "load", scope -> {
                TargetSpec t = targetOptions.toSpec(io.env());
                SSLContext ssl = TrustMaterial.sslContext(t.caFile());
                SipProfile p = Runner.resolve(scope, t, ssl);
                String to = requestTarget(p);
                Consumer<Event> publish = e -> {
                    if (everything || output.junit != null || output.pcap != null || output.report != null || brief(e)) {
                        scope.publish(e);
                    }
                };
                LoadScenario load = new LoadScenario(p, ssl, publish, io.clock(), () -> prep.options(this, to), lo,
                        Runner.userAgent());
                if (io.terminal() && !output.json) {
                    ticker.scheduleAtFixedRate(() -> progress(io, load.progress(), false), 1, 1, TimeUnit.SECONDS);
                }
                dialtone.engine.ScenarioResult r = load.run(signal.stop);
                ticker.shutdownNow();
                if (io.terminal() && !output.json) {
                    progress(io, load.progress(), true);
                }
                return new Runner.Outcome(r.failure(), r.summary());
            });
        } finally {
            ticker.shutdownNow();
            signal.close();
        }
    }

    /** What a person sees of each call without -v: its failure, its summary, its end. */
    static boolean brief(Event e) {
        return e instanceof RunEvent || e instanceof CallEvent.Failed || e instanceof CallEvent.Summary
                || e instanceof CallEvent.Check c && !c.passed() || e instanceof dialtone.event.ConfigEvent;
    }

    private static void progress(Io io, LoadScenario.Progress p, boolean last) {
        String line = String.format(Locale.ROOT, "load: started %d, active %d, passed %d, failed %d | %.1f calls/s"
                        + " | setup p50 %s p95 %s | first audio p50 %s p95 %s%s", p.started(), p.active(), p.passed(), p.failed(),
                p.callsPerSecond(), ms(p.setupP50()), ms(p.setupP95()), ms(p.audioP50()), ms(p.audioP95()),
                (p.behind() ? " | DIALTONE BEHIND" : "") + (p.heldBack() > 0 ? " | held back " + p.heldBack() : ""));
        io.err().print("\r\033[K" + line + (last ? "\n" : ""));
        io.err().flush();
    }

    private static String ms(long v) {
        return v < 0 ? "-" : v + " ms";
    }
}
