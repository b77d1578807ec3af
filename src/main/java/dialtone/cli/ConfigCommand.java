package dialtone.cli;

import dialtone.config.TargetSpec;
import dialtone.config.TrustMaterial;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code dialtone config}: what the SDK's connect() does before SIP, shown. */
@Command(name = "config", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        header = "Fetch, validate and show an endpoint configuration (no SIP traffic).",
        description = {
            "GETs the endpoint configuration over HTTPS (10 s budget, certificates verified), validates it as the",
            "Click To Call SDK does, and shows the mode, wsUri, realm, the URI dialtone registers as, the call target,",
            "the X- headers, the widget state, the request's timing and its TLS facts. The password and the URL's",
            "token are never shown. Without --endpoint, the direct flags are checked the same way."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  DIALTONE_ENDPOINT=https://endpoint.example.com/<token> dialtone config",
            "  dialtone config --endpoint https://127.0.0.1:19443/c2c/<token> --ca-file .lab/ca.pem --json",
            "  DIALTONE_SIP_PASSWORD=... dialtone config --ws-uri wss://sip.example.com:8443 --user alice"})
final class ConfigCommand implements Callable<Integer> {
    @ParentCommand
    Dialtone root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TargetOptions target = new TargetOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        Io io = root.io();
        target.validate(spec.commandLine());
        return Runner.run(io, output, "config", "config", scope -> {
            TargetSpec t = target.toSpec(io.env());
            // the JDK's trust store costs ~50 ms to load: only a fetch needs it (a --ca-file is still checked)
            javax.net.ssl.SSLContext ssl = t.endpoint() != null || t.caFile() != null ? TrustMaterial.sslContext(t.caFile()) : null;
            dialtone.config.SipProfile p = Runner.resolve(scope, t, ssl);
            java.util.Map<String, Object> summary = new java.util.LinkedHashMap<>();
            summary.put("mode", p.mode().wire());
            summary.put("register", p.needsRegister());
            summary.put("wsUri", p.wsUri().toString());
            return new Runner.Outcome(null, summary);
        });
    }

    static java.net.URI safeUri(String s) {
        try {
            return new java.net.URI(s.trim());
        } catch (java.net.URISyntaxException e) {
            return java.net.URI.create("invalid:x");
        }
    }
}
