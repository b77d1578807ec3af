package dialtone.cli;

import dialtone.config.MediaSetup;
import dialtone.config.SipProfile;
import dialtone.config.TargetSpec;
import dialtone.config.TrustMaterial;
import dialtone.engine.CallScenario;
import dialtone.engine.PaceWatch;
import dialtone.engine.Check;
import dialtone.engine.ExtraHeader;
import dialtone.engine.Play;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code dialtone call}: a real WebRTC audio call over SIP/WSS, verified. */
@Command(name = "call", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        header = "Place a WebRTC audio call over SIP/WSS and verify that audio flows.",
        description = {
            "Does what the Click To Call SDK's connectAndCall() does: fetch the configuration (or take the direct flags),",
            "connect over WSS, REGISTER (legacy endpoints), INVITE app-<applicationSid> (or the runtime endpointId, or",
            "TARGET) with the SDK's X- headers and a complete WebRTC offer (Opus, G.711, telephone-event; DTLS-SRTP only),",
            "run ICE and DTLS, send audio, record and analyse what comes back, hang up, and check the expectations."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  DIALTONE_ENDPOINT=https://endpoint.example.com/<token> dialtone call --duration 20s --expect-audio",
            "  dialtone call --endpoint https://127.0.0.1:19443/c2c/<token> --ca-file .lab/ca.pem --ice-bind 127.0.0.1 \\",
            "      --play tone:440 --expect-tone 1000 --record out.wav --junit call.xml",
            "  dialtone call sip:bob@example.com --ws-uri wss://sip.example.com --user alice --password-env PW \\",
            "      --ice-server turns:turn.example.com:5349 --turn-user u --turn-password-env TP --relay-only"})
class CallCommand implements Callable<Integer> {
    @ParentCommand
    Dialtone root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET",
            description = "Who to call: a SIP URI, or a user in the realm (default: the endpoint's target).")
    String target;

    @Mixin
    TargetOptions targetOptions = new TargetOptions();

    @Mixin
    MediaMixin mediaOptions = new MediaMixin();

    @Option(names = "--play", paramLabel = "SOURCE", defaultValue = "silence",
            description = "What to send: tone:HZ, silence, mic (the default input device, PulseAudio), or a WAV file (any rate and channel count) (default: ${DEFAULT-VALUE}).")
    String play;

    @Option(names = "--play-once", description = "Play the WAV once, then silence (default: loop it).")
    boolean playOnce;

    @Option(names = "--record-stereo", description = "Record in two channels: left what the far end sent, right what "
            + "dialtone sent, side by side in time (within 20 ms; silent with --play mic).")
    boolean recordStereo;

    @Option(names = "--record", paramLabel = "FILE.wav",
            description = "Write what the far end sent to this WAV file (48 kHz mono). An existing file is kept unless --force.")
    Path record;

    @Option(names = "--force", description = "Let --record replace an existing regular file (never a symbolic link).")
    boolean force;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.Positive.class,
            description = "Talk time after the answer, then BYE (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--setup-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.Positive.class,
            description = "CANCEL an attempt not answered in this time (default: ${DEFAULT-VALUE}, as the SDK's widget).")
    Duration setupTimeout;

    @Option(names = "--expect-audio", description = "Fail unless remote audio above -50 dBFS arrives.")
    boolean expectAudio;

    @Option(names = "--expect-tone", paramLabel = "HZ", description = "Fail unless the received audio carries this tone.")
    Double expectTone;

    @Option(names = "--assert", paramLabel = "EXPR",
            description = "Check the final figures, repeatable: mos>=4.0, loss<1%%, rtt<150ms, jitter<30ms, setup<3s, bitrate>20, packets>100.")
    List<String> asserts = new ArrayList<>();

    @Option(names = "--header", paramLabel = "'NAME: value'", description = "Add a header to the INVITE, repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--expires", paramLabel = "SECONDS", defaultValue = "600", description = "REGISTER expiry to ask for.")
    int expires;

    @Option(names = "--dtmf", paramLabel = "TONES", description = "Send DTMF after the answer: 0-9 A-D # * (',' pauses 2 s).")
    String dtmf;

    @Option(names = "--dtmf-delay", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "Wait this long after the answer before --dtmf and --info (default: ${DEFAULT-VALUE}).")
    Duration dtmfDelay;

    @Option(names = "--dtmf-mode", paramLabel = "MODE", defaultValue = "info",
            description = "info (SIP INFO application/dtmf-relay, what Voice Gateway expects) or rfc4733 (default: ${DEFAULT-VALUE}).")
    String dtmfMode;

    @Option(names = "--info", paramLabel = "TEXT", description = "Send a SIP INFO as the SDK's sendInfo does: {\"text\": TEXT, \"data\": ...}.")
    String info;

    @Option(names = "--info-data", paramLabel = "JSON", description = "The data object of --info.")
    String infoData;

    @Option(names = "--script", paramLabel = "FILE",
            description = "Drive the call with commands from FILE ('-' for stdin): wait 2s, dtmf 1, info TEXT, expect-tone HZ 5s, expect-info REGEX 5s, hangup, ...")
    String script;

    @Option(names = "--tts-command", paramLabel = "'PROGRAM ARGS {text} {wav}'",
            description = "Text to speech for the script's say and barge-in: a program that writes a WAV to {wav} from {text}, run without a shell (default: espeak-ng).")
    String ttsCommand;

    @Option(names = "--stt-command", paramLabel = "'PROGRAM ARGS {wav}'",
            description = "A speech recogniser for expect-words: reads a 16 kHz mono WAV ({wav}, else the last argument), prints the text; run without a shell.")
    String sttCommand;

    @Option(names = "--interactive", description = "An in-call console on the terminal: dtmf, info, mute, unmute, stats, hangup, help.")
    boolean interactive;

    @Mixin
    OutputOptions output = new OutputOptions();

    /** Everything the call options decided, checked. */
    record Prepared(Io io, List<ExtraHeader> extra, Play playSpec, List<Check> checks, MediaSetup media,
                    CallScenario.InCall inCall, Duration talk, Console console, List<String> scriptLines) {
        /** The scenario options for one call (its own script reader). */
        CallScenario.Options options(CallCommand c, String to) {
            CallScenario.InCall in = scriptLines == null ? inCall : new CallScenario.InCall(inCall.dtmf(), inCall.dtmfMode(),
                    inCall.delay(), inCall.infoText(), inCall.infoData(), dialtone.engine.CommandSource.of(scriptLines),
                    inCall.speech());
            return new CallScenario.Options(to, extra, talk, c.setupTimeout, playSpec, c.record, media, c.expectAudio ? Duration.ofSeconds(5) : null, c.expectTone, checks,
                    c.expires, Duration.ofSeconds(30), in, c.targetOptions.requestTimeout);
        }
    }

    /** Checks every call option; {@code load} reads a script once for all its calls and has no console. */
    Prepared prepare(boolean load) {
        Io io = root.io();
        CommandLine cl = spec.commandLine();
        targetOptions.validate(spec.commandLine());
        CallScenarioSupport.checkExpires(cl, expires);
        Play playSpec;
        List<Check> checks = new ArrayList<>();
        List<ExtraHeader> extra = new ArrayList<>();
        try {
            playSpec = Play.parse(play, playOnce);
            for (String a : asserts) {
                checks.add(Check.parse(a));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        if (load && "mic".equalsIgnoreCase(play.trim())) {
            throw new CommandLine.ParameterException(cl, "load: --play mic is one device, not one source per call; use a tone or a WAV");
        }
        for (String h : headers) {
            try {
                extra.add(ExtraHeader.parse(h));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--header " + e.getMessage());
            }
        }
        if (playSpec.wav() != null) {
            checkWav(cl, "--play", playSpec.wav());
        }
        if (expectTone != null && !(expectTone >= 20 && expectTone <= 20_000)) {
            throw new CommandLine.ParameterException(cl, "--expect-tone must be between 20 and 20000 Hz");
        }
        if (record != null) {
            if (load) {
                throw new CommandLine.ParameterException(cl, "load: --record is for one call (use call --record)");
            }
            checkRecordPath(cl, record, force);
        }
        mediaOptions.recordStereo = recordStereo;
        MediaSetup media = mediaOptions.toSetup(io.env(), io.redactor()::addSecret, cl);
        if (dtmf != null && dialtone.engine.Script.invalidTone(dtmf) != null) {
            throw new CommandLine.ParameterException(cl, "--dtmf '" + dtmf + "': '" + dialtone.engine.Script.invalidTone(dtmf)
                    + "' is not a DTMF tone (0-9, A-D, #, *, ',')");
        }
        if (!dtmfMode.equals("info") && !dtmfMode.equals("rfc4733")) {
            throw new CommandLine.ParameterException(cl, "--dtmf-mode must be info or rfc4733");
        }
        if (infoData != null) {
            try {
                dialtone.engine.Script.checkJson(infoData);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--info-data: " + e.getMessage().replace("info data ", ""));
            }
            if (info == null) {
                throw new CommandLine.ParameterException(cl, "--info-data needs --info TEXT");
            }
        }
        if (script != null && interactive) {
            throw new CommandLine.ParameterException(cl, "give either --script or --interactive");
        }
        dialtone.engine.CommandSource commands = null;
        List<String> lines = null;
        Console console = null;
        if (load && interactive) {
            throw new CommandLine.ParameterException(cl, "load: --interactive drives one call; use --script FILE");
        }
        if (script != null && load) {
            if (script.equals("-")) {
                throw new CommandLine.ParameterException(cl, "load: --script - (stdin) cannot be read by every call; give a FILE");
            }
            lines = CallScenarioSupport.scriptLines(Path.of(script), cl);
            commands = dialtone.engine.CommandSource.of(lines);
        } else if (script != null) {
            commands = CallScenarioSupport.script(script, cl);
        } else if (interactive) {
            if (!io.terminal()) {
                throw new CommandLine.ParameterException(cl, "--interactive needs a terminal (use --script - to read commands from stdin)");
            }
            try {
                console = new Console();
            } catch (java.io.IOException e) {
                throw new CommandLine.ParameterException(cl, "--interactive: no terminal: " + e.getMessage());
            }
            commands = console;
        }
        if (target != null) {
            checkTarget(cl, target.contains(":") ? target : "sip:" + target + "@x.invalid", target);
        } else if (targetOptions.endpoint == null && io.env().get(TargetOptions.ENDPOINT_ENV) == null) {
            throw new CommandLine.ParameterException(cl, "direct mode needs a TARGET to call (a SIP URI or a user)");
        }
        boolean talkGiven = cl.getParseResult().hasMatchedOption("--duration");
        Duration talk = commands != null && !talkGiven ? null : duration;
        dialtone.engine.SpeechTools speech;
        try {
            speech = new dialtone.engine.SpeechTools(dialtone.engine.SpeechTools.template(ttsCommand, true),
                    dialtone.engine.SpeechTools.template(sttCommand, false), dialtone.engine.SpeechTools.DEFAULT.timeout());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        CallScenario.InCall inCall = new CallScenario.InCall(dtmf, dtmfMode, dtmfDelay, info, infoData, commands, speech);
        return new Prepared(io, extra, playSpec, checks, media, inCall, talk, console, lines);
    }

    String requestTarget(SipProfile p) {
        return target == null ? null : target.contains(":") ? target : "sip:" + target + "@" + p.realm();
    }

    @Override
    public Integer call() {
        Prepared prep = prepare(false);
        Io io = prep.io();
        Console console = prep.console();
        // the console owns the terminal: the timeline goes above its prompt, without a live status line
        Io runIo = console == null ? io : new Io(console.out(), io.err(), io.env(), io.clock(), false, io.redactor());
        // Load the native media library while the configuration is fetched: it is the slowest start-up step.
        dialtone.engine.Engine.preloadMedia("mic".equalsIgnoreCase(play.trim()));
        StopSignal signal = new StopSignal(10);
        try {
            return Runner.run(runIo, output, "call", "call", scope -> {
                TargetSpec t = targetOptions.toSpec(io.env());
                // the media needs nothing from the configuration: it starts while the configuration is fetched
                CallScenario.Options early = prep.options(this, null);
                // dialtone's own pace over the call: a failure while it stood still or fell behind is its own (exit 10)
                try (PaceWatch pace = PaceWatch.start(scope::publish, io.clock(), scope.scenario());
                     CallScenario.HeadStart head = CallScenario.headStart(pace::publish, io.clock(), scope.scenario(), early)) {
                    SSLContext ssl = TrustMaterial.sslContext(t.caFile());
                    SipProfile p = Runner.resolve(scope, t, ssl);
                    CallScenario.Options opts = early.withTarget(requestTarget(p));
                    dialtone.engine.ScenarioResult r = pace.judge(new CallScenario(p, ssl, pace::publish, io.clock(),
                            scope.scenario(), opts, Runner.userAgent()).run(signal.stop, head));
                    return new Runner.Outcome(r.failure(), r.summary());
                }
            });
        } finally {
            signal.close();
            if (console != null) {
                try {
                    console.close();
                } catch (java.io.IOException e) {
                    // the terminal is gone
                }
            }
        }
    }

    /** TARGET as the engine takes it (see {@link CallScenario#targetProblem}); a usage error when it is refused. */
    static void checkTarget(CommandLine cl, String to, String typed) {
        String problem = CallScenario.targetProblem(to, typed);
        if (problem != null) {
            throw new CommandLine.ParameterException(cl, problem);
        }
    }

    /**
     * A WAV file to play, read and decoded once before anything is dialled: what it is when it is not a regular file
     * (a directory, a device, a FIFO), and the reader's own words when it is not a WAV it can play. Exit 2, never 70.
     */
    static void checkWav(CommandLine cl, String flag, Path wav) {
        java.nio.file.Path f = wav;
        if (!Files.exists(f)) {
            throw new CommandLine.ParameterException(cl, flag + " " + f + ": no such file");
        }
        if (!Files.isRegularFile(f)) {
            throw new CommandLine.ParameterException(cl, flag + " " + f + ": " + (Files.isDirectory(f) ? "a directory"
                    : "not a regular file (a device, a FIFO or a socket)") + ", not a WAV file");
        }
        String problem = Play.wavProblem(f);
        if (problem != null) {
            throw new CommandLine.ParameterException(cl, flag + ": " + problem);
        }
    }

    /** --record: a new file in an existing directory; an existing regular file only with --force; never a link. */
    static void checkRecordPath(CommandLine cl, Path record, boolean force) {
        Path parent = record.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new CommandLine.ParameterException(cl, "--record " + record + ": the directory does not exist");
        }
        if (Files.isSymbolicLink(record)) {
            throw new CommandLine.ParameterException(cl, "--record " + record + " is a symbolic link: refusing to follow it");
        }
        if (parent != null) {
            // a directory nothing can be created in (/proc, read-only) failed once the call had been set up
            try {
                Files.delete(Files.createTempFile(parent, ".dialtone-", ".probe"));
            } catch (java.io.IOException | UnsupportedOperationException e) {
                throw new CommandLine.ParameterException(cl, "--record " + record + ": cannot create a file in " + parent
                        + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (Files.exists(record, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(record, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new CommandLine.ParameterException(cl, "--record " + record + " exists and is not a regular file");
            }
            if (!force) {
                throw new CommandLine.ParameterException(cl, "--record " + record + " exists already; add --force to replace it");
            }
            try {
                Files.delete(record);
            } catch (java.io.IOException e) {
                throw new CommandLine.ParameterException(cl, "--record " + record + ": cannot replace it ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
    }
}
