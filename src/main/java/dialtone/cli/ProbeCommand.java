package dialtone.cli;

import dialtone.config.IceServer;
import dialtone.config.IceUrl;
import dialtone.config.SipProfile;
import dialtone.config.TargetSpec;
import dialtone.config.TrustMaterial;
import dialtone.engine.ProbeScenario;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dialtone probe}: does the network let a call through, layer by layer? */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        header = "Check, in parallel, that HTTPS, WSS, STUN and TURN (UDP, TCP, TLS) work from here.",
        description = {
            "The Click To Call SDK needs outbound HTTPS to the config endpoint, WSS for SIP, and UDP/TCP for media with",
            "STUN/TURN. probe checks each concurrently under one deadline: the configuration fetch, the WebSocket upgrade",
            "with an OPTIONS round trip (and REGISTER with --register), a STUN binding per server, a TURN allocation per",
            "server and transport with a relay echo of media-sized packets, and a WebRTC loopback (two peer connections",
            "forced to relay through each TURN transport: ICE, DTLS and audio); then says which ways media can take, whether",
            "TURN is required, and the first broken layer. Exit 9 when a requested check fails."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  dialtone probe --endpoint https://127.0.0.1:19443/c2c/<token> --ca-file .lab/ca.pem \\",
            "      --ice-server turn:127.0.0.1:13478 --ice-server turns:127.0.0.1:15349 --turn-user u --turn-password-env TP",
            "  dialtone probe --ice-server stun:stun.example.com --only stun --json"})
final class ProbeCommand implements Callable<Integer> {
    private static final Set<String> CHECKS = Set.of("https", "wss", "stun", "turn", "echo", "ice");

    @ParentCommand
    Dialtone root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TargetOptions target = new TargetOptions();

    @Mixin
    MediaMixin media = new MediaMixin();

    @Option(names = "--only", paramLabel = "CHECKS", split = ",", description = "Run only these: https, wss, stun, turn, echo, ice.")
    List<String> only = List.of();

    @Option(names = "--skip", paramLabel = "CHECKS", split = ",", description = "Skip these: https, wss, stun, turn, echo, ice.")
    List<String> skip = List.of();

    @Option(names = "--deadline", paramLabel = "DURATION", defaultValue = "15s", converter = DurationConverter.Positive.class,
            description = "One deadline for all checks (default: ${DEFAULT-VALUE}).")
    Duration deadline;

    @Option(names = "--register", description = "Also REGISTER on the WSS connection (needs credentials).")
    boolean register;

    @Option(names = "--echo-packets", paramLabel = "N", defaultValue = "20",
            description = "Media-sized packets relayed through each TURN allocation (default: ${DEFAULT-VALUE}).")
    int echoPackets;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        Io io = root.io();
        CommandLine cl = spec.commandLine();
        target.validate(cl);
        for (String c : concat(only, skip)) {
            if (!CHECKS.contains(c)) {
                throw new CommandLine.ParameterException(cl, "unknown check '" + c + "' (https, wss, stun, turn, echo, ice)");
            }
        }
        if (echoPackets < 0 || echoPackets > 1000) {
            throw new CommandLine.ParameterException(cl, "--echo-packets must be 0-1000");
        }
        // the same validation of ICE servers and credentials as call and register: nothing unchecked reaches libwebrtc
        dialtone.config.MediaSetup setup = media.toSetup(io.env(), io.redactor()::addSecret, cl);
        List<IceUrl> urls = setup.iceServers().stream().map(IceServer::url).toList();
        IceServer firstTurn = setup.iceServers().stream().filter(s -> s.username() != null).findFirst().orElse(null);
        boolean haveTargetFlags = target.endpoint != null || target.wsUri != null || io.env().get(TargetOptions.ENDPOINT_ENV) != null;
        Set<String> available = new LinkedHashSet<>();
        if (target.endpoint != null || io.env().get(TargetOptions.ENDPOINT_ENV) != null) {
            available.add("https");
        }
        if (haveTargetFlags) {
            available.add("wss");
        }
        for (IceUrl iu : urls) {
            if (iu.transports().contains("udp")) {
                available.add("stun");
            }
            if (iu.turn()) {
                available.addAll(List.of("turn", "echo", "ice"));
            }
        }
        Set<String> wanted = new LinkedHashSet<>(only.isEmpty() ? CHECKS : only);
        wanted.removeAll(skip);
        wanted.retainAll(available);
        wanted.remove("echo"); // part of the turn check
        if (wanted.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "nothing to probe: give --endpoint (or --ws-uri) and/or --ice-server"
                    + (only.isEmpty() && skip.isEmpty() ? "" : ", for the checks that --only/--skip leave"));
        }
        MediaMixin.TurnAuth auth = new MediaMixin.TurnAuth(firstTurn == null ? media.turnUser : firstTurn.username(),
                firstTurn == null ? null : firstTurn.credential());
        return Runner.run(io, output, "probe", "probe", scope -> {
            TargetSpec t = target.toSpec(io.env());
            SSLContext ssl = TrustMaterial.sslContext(t.caFile());
            boolean haveTarget = t.endpoint() != null || t.wsUri() != null;
            Set<String> skips = new LinkedHashSet<>(skip);
            if (!haveTarget) {
                skips.add("https");
                skips.add("wss");
            }
            ProbeScenario.Options o = new ProbeScenario.Options(urls, auth.user(), auth.password(),
                    Set.copyOf(only), skips, deadline, register, echoPackets, Runner.userAgent(), media.turnsInsecure,
                    scope.packetTap());
            dialtone.engine.ScenarioResult r = new ProbeScenario(scope::publish, io.clock(), scope.scenario(), o).run(() -> {
                if (!haveTarget) {
                    throw new IllegalStateException("no target");
                }
                return (SipProfile) Runner.resolve(scope, t, ssl);
            }, t.endpoint() != null, ssl);
            return new Runner.Outcome(r.failure(), r.summary());
        });
    }

    private static List<String> concat(List<String> a, List<String> b) {
        java.util.ArrayList<String> l = new java.util.ArrayList<>(a);
        l.addAll(b);
        return l;
    }
}
