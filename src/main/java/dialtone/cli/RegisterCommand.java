package dialtone.cli;

import dialtone.config.SipProfile;
import dialtone.config.TargetSpec;
import dialtone.config.TrustMaterial;
import dialtone.engine.RegisterScenario;
import java.time.Duration;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dialtone register}: register and stay registered. */
@Command(name = "register", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        header = "Connect over WSS, REGISTER with digest auth, stay registered, unregister on exit.",
        description = {
            "Fetches the endpoint configuration (or takes the direct flags), opens the WebSocket (sub-protocol sip),",
            "REGISTERs, refreshes before expiry, reconnects and registers again if the socket drops, answers OPTIONS,",
            "rejects unexpected INVITEs (480), and unregisters when --duration ends or on Ctrl-C.",
            "A runtime endpoint needs no registration (as the SDK): dialtone connects and reports that."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  DIALTONE_ENDPOINT=https://endpoint.example.com/<token> dialtone register --duration 30s",
            "  dialtone register --endpoint https://127.0.0.1:19443/c2c/<token> --ca-file .lab/ca.pem --duration 5s --json",
            "  DIALTONE_SIP_PASSWORD=... dialtone register --ws-uri wss://sip.example.com --user alice --sip-trace"})
final class RegisterCommand implements Callable<Integer> {
    /** The most calls {@code --max-calls} lets an answerer take at once. */
    static final int MAX_CALLS = 500;

    @ParentCommand
    Dialtone root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TargetOptions target = new TargetOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to stay registered (default: until Ctrl-C).")
    Duration duration;

    @Option(names = "--expires", paramLabel = "SECONDS", defaultValue = "600",
            description = "The registration expiry to ask for (default: ${DEFAULT-VALUE}, as JsSIP).")
    int expires;

    @Option(names = "--keepalive", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "WebSocket ping interval on an idle connection; 0 turns it off (default: ${DEFAULT-VALUE}).")
    Duration keepAlive;

    @Option(names = "--answer", paramLabel = "MODE",
            description = "Answer inbound calls: echo, tone:HZ, play:FILE.wav, silence, reject:CODE, or ring (never answer).")
    String answer;

    @Option(names = "--answer-after", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
            description = "Ring this long before answering (default: ${DEFAULT-VALUE}).")
    Duration answerAfter;

    @Option(names = "--record-stereo", description = "Record in two channels: left what the far end sent, right what "
            + "dialtone sent, side by side in time (within 20 ms; silent with --play mic).")
    boolean recordStereo;

    @Option(names = "--record-dir", paramLabel = "DIR", description = "Keep one WAV per answered call in DIR.")
    java.nio.file.Path recordDir;

    @Option(names = "--script", paramLabel = "FILE",
            description = "With --answer: run these in-call commands on every answered call (play the IVR's side).")
    java.nio.file.Path script;

    @Option(names = "--tts-command", paramLabel = "'PROGRAM ARGS {text} {wav}'",
            description = "With --script: text to speech for say and barge-in, a program that writes a WAV to {wav} from {text}, run without a shell (default: espeak-ng).")
    String ttsCommand;

    @Option(names = "--stt-command", paramLabel = "'PROGRAM ARGS {wav}'",
            description = "With --script: a speech recogniser for expect-words; reads a 16 kHz mono WAV ({wav}), prints the text; run without a shell.")
    String sttCommand;

    @Option(names = "--max-calls", paramLabel = "N", defaultValue = "1",
            description = "With --answer: how many inbound calls at once; more get 486 Busy Here (default: ${DEFAULT-VALUE}).")
    int maxCalls;

    @CommandLine.Mixin
    MediaMixin media = new MediaMixin();

    @Override
    public Integer call() {
        Io io = root.io();
        target.validate(spec.commandLine());
        CallScenarioSupport.checkExpires(spec.commandLine(), expires);
        dialtone.engine.AnswerMode mode = null;
        if (answer != null) {
            try {
                mode = dialtone.engine.AnswerMode.parse(answer, answerAfter);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            if (mode.play() != null && mode.play().wav() != null) {
                CallCommand.checkWav(spec.commandLine(), "--answer", mode.play().wav());
            }
        }
        if (maxCalls < 1 || maxCalls > MAX_CALLS) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-calls must be between 1 and " + MAX_CALLS);
        }
        if (recordDir != null && !java.nio.file.Files.isDirectory(recordDir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--record-dir " + recordDir + " is not a directory");
        }
        if (recordDir != null) {
            // a directory nothing can be written to (/proc, read-only, not ours) failed the first answered call (exit 7)
            try {
                java.nio.file.Files.delete(java.nio.file.Files.createTempFile(recordDir, ".dialtone-", ".probe"));
            } catch (java.io.IOException | UnsupportedOperationException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--record-dir " + recordDir
                        + ": cannot create a file there (" + e.getClass().getSimpleName() + ")");
            }
        }
        java.util.List<String> scriptLines = null;
        if (script != null) {
            if (answer == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--script needs --answer");
            }
            scriptLines = CallScenarioSupport.scriptLines(script, spec.commandLine());
        }
        java.util.List<String> answerScript = scriptLines;
        dialtone.engine.SpeechTools speech;
        try {
            speech = new dialtone.engine.SpeechTools(dialtone.engine.SpeechTools.template(ttsCommand, true),
                    dialtone.engine.SpeechTools.template(sttCommand, false), dialtone.engine.SpeechTools.DEFAULT.timeout());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if ((ttsCommand != null || sttCommand != null) && script == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tts-command and --stt-command need --script");
        }
        media.recordStereo = recordStereo;
        dialtone.config.MediaSetup mediaSetup = media.toSetup(io.env(), io.redactor()::addSecret, spec.commandLine());
        dialtone.engine.AnswerMode answerMode = mode;
        StopSignal signal = new StopSignal(8);
        try {
            return Runner.run(io, output, "register", "register", scope -> {
                TargetSpec t = target.toSpec(io.env());
                SSLContext ssl = TrustMaterial.sslContext(t.caFile());
                SipProfile p = Runner.resolve(scope, t, ssl);
                String ua = Runner.userAgent();
                RegisterScenario s = new RegisterScenario(p, ssl, scope::publish, io.clock(), scope.scenario(),
                        new RegisterScenario.Options(duration, expires, keepAlive, Duration.ofSeconds(10), answerMode,
                                mediaSetup, recordDir, answerScript, maxCalls, target.requestTimeout, speech), ua);
                dialtone.engine.ScenarioResult r = s.run(signal.stop);
                return new Runner.Outcome(r.failure(), r.summary());
            });
        } finally {
            signal.close();
        }
    }
}
