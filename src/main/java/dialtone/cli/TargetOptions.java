package dialtone.cli;

import dialtone.config.PasswordSource;
import dialtone.config.TargetSpec;
import dialtone.support.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where to connect: an endpoint URL (the Click To Call contract) or the same facts given directly. */
public final class TargetOptions {
    public static final String ENDPOINT_ENV = "DIALTONE_ENDPOINT";
    public static final String PASSWORD_ENV = "DIALTONE_SIP_PASSWORD";

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Endpoint configuration URL (Click To Call contract). Its token is a secret: prefer the "
                    + ENDPOINT_ENV + " environment variable, which ps does not show.")
    String endpoint;

    @Option(names = "--ca-file", paramLabel = "PEM",
            description = "Also trust the CA certificate(s) in this PEM file, for this run only (config server and WSS).")
    Path caFile;

    @Option(names = "--ws-uri", paramLabel = "URI", description = "Direct mode: the SIP WebSocket URI (wss://host:port/path).")
    String wsUri;

    @Option(names = "--user", paramLabel = "USER", description = "Direct mode: the SIP user to register as.")
    String user;

    @Option(names = "--auth-user", paramLabel = "USER", description = "Direct mode: the digest username (default: --user).")
    String authUser;

    @Option(names = "--realm", paramLabel = "DOMAIN", description = "Direct mode: the SIP domain (default: the --ws-uri host).")
    String realm;

    @Option(names = "--password-env", paramLabel = "VAR",
            description = "Direct mode: read the SIP password from this environment variable (default: "
                    + PASSWORD_ENV + " when set).")
    String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE", description = "Direct mode: read the SIP password from this file.")
    Path passwordFile;

    @Option(names = "--user-id", paramLabel = "ID",
            description = "The SIP URI user part (the SDK's userId). Default: derived as the SDK does. Use an opaque id, not personal data.")
    String userId;

    @Option(names = "--allow-ws", description = "Permit plain ws:// signalling to a loopback address (never elsewhere).")
    boolean allowWs;

    @Option(names = "--config-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.Positive.class,
            description = "Budget for the whole configuration fetch (default: ${DEFAULT-VALUE}, as the SDK).")
    Duration configTimeout;

    @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "32s", converter = DurationConverter.Positive.class,
            description = "How long a SIP request may go unanswered (Timer B/F; default: ${DEFAULT-VALUE}, 64*T1).")
    Duration requestTimeout;

    TargetSpec toSpec(Map<String, String> env) {
        String ep = endpoint != null ? endpoint : env.get(ENDPOINT_ENV);
        if (ep != null && ep.isBlank()) {
            ep = null;
        }
        String pwEnv = passwordEnv;
        if (pwEnv == null && passwordFile == null && env.get(PASSWORD_ENV) != null && ep == null) {
            pwEnv = PASSWORD_ENV;
        }
        Secret password = PasswordSource.read(pwEnv, passwordFile, env, "SIP password");
        return new TargetSpec(ep, caFile, wsUri, user, authUser, realm, password, userId, allowWs, configTimeout);
    }

    /** --endpoint and the direct flags describe the same thing two ways: one of them, not both. */
    void validate(picocli.CommandLine cl) {
        if (endpoint != null && hasDirectFlags()) {
            throw new picocli.CommandLine.ParameterException(cl,
                    "give either --endpoint or the direct flags (--ws-uri, --user, ...), not both");
        }
        field(cl, "--user", user, dialtone.config.SipFields.userPart(user));
        field(cl, "--user-id", userId, dialtone.config.SipFields.userPart(userId));
        field(cl, "--auth-user", authUser, dialtone.config.SipFields.quoted(authUser));
        field(cl, "--realm", realm, dialtone.config.SipFields.host(realm));
    }

    private static void field(picocli.CommandLine cl, String flag, String value, String problem) {
        if (value != null && problem != null) {
            throw new picocli.CommandLine.ParameterException(cl, flag + " " + problem);
        }
    }

    boolean hasDirectFlags() {
        return wsUri != null || user != null || authUser != null || realm != null || passwordEnv != null
                || passwordFile != null;
    }
}
