package dialtone.config;

import com.fasterxml.jackson.databind.JsonNode;
import dialtone.event.Cause;
import dialtone.event.ConfigEvent;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.RunEvent;
import dialtone.support.DialtoneException;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * Turns a {@link TargetSpec} into a {@link SipProfile}: fetches and validates the endpoint configuration (what the
 * SDK's connect() does before SIP), or takes the facts from the direct flags. Publishes what it observes; a
 * failure is published as {@link ConfigEvent.Failed} and thrown.
 */
public final class ConfigResolver {
    private final Consumer<Event> publish;
    private final Consumer<String> secrets;
    private final Clock clock;
    private final String scenario;
    private final String userAgent;

    public ConfigResolver(Consumer<Event> publish, Consumer<String> secrets, Clock clock, String scenario,
                          String userAgent) {
        this.publish = publish;
        this.secrets = secrets;
        this.clock = clock;
        this.scenario = scenario;
        this.userAgent = userAgent;
    }

    public SipProfile resolve(TargetSpec spec, SSLContext ssl) {
        try {
            SipProfile p = spec.endpoint() != null ? fromEndpoint(spec, ssl) : fromFlags(spec);
            String pii = UserIds.personalDataKind(p.userId());
            if (pii != null) {
                publish.accept(new RunEvent.Warning(clock.instant(), scenario, "user-id-personal-data",
                        "the userId \"" + p.userId() + "\" looks like " + pii + ": it is sent in every SIP message;"
                                + " use an opaque session id instead (the SDK's security guidance)"));
            }
            publish.accept(new ConfigEvent.Resolved(clock.instant(), scenario, p.summary()));
            return p;
        } catch (DialtoneException e) {
            publish.accept(new ConfigEvent.Failed(clock.instant(), scenario, e.failure()));
            throw e;
        }
    }

    private SipProfile fromEndpoint(TargetSpec spec, SSLContext ssl) {
        URI u = UrlPolicy.configUrl(spec.endpoint());
        UrlPolicy.secrets(u).forEach(secrets);
        String shown = UrlPolicy.redact(u);
        publish.accept(new ConfigEvent.Fetching(clock.instant(), scenario, shown));
        ConfigFetcher.Response r = new ConfigFetcher(ssl, spec.fetchTimeout(), userAgent).fetch(u, shown);
        if (r.tls() != null) {
            publish.accept(new ConfigEvent.TlsEstablished(clock.instant(), scenario, r.tls()));
        }
        publish.accept(new ConfigEvent.Fetched(clock.instant(), scenario, r.status(), r.contentType(),
                r.body().length, r.timing()));
        if (r.status() / 100 != 2) {
            String hint = r.status() == 404 ? " (unknown endpoint token?)"
                    : r.status() / 100 == 3 ? " (redirects are not followed)" : "";
            throw new DialtoneException(Failure.of(Layer.CONFIG, Cause.CONFIG_FETCH_FAILED,
                    "the configuration server answered HTTP " + r.status() + hint + " for " + shown));
        }
        JsonNode root = EndpointConfigParser.parse(r.body(), secrets);
        return EndpointConfigParser.resolve(root, spec.userId(), spec.allowWs());
    }

    private SipProfile fromFlags(TargetSpec spec) {
        if (spec.wsUri() == null) {
            throw new DialtoneException(Failure.of(Layer.CONFIG, Cause.CONFIG_INVALID,
                    "nothing to connect to: give --endpoint URL (or DIALTONE_ENDPOINT), or --ws-uri with --user"));
        }
        URI ws = UrlPolicy.wsUri(spec.wsUri(), spec.allowWs(), "--ws-uri");
        if (spec.password() != null) {
            secrets.accept(spec.password().reveal());
        }
        String realm = spec.realm() != null ? spec.realm() : EndpointConfigParser.hostOf(ws);
        String user = spec.userId() != null ? spec.userId() : spec.user();
        if (user == null) {
            throw new DialtoneException(Failure.of(Layer.CONFIG, Cause.CONFIG_INVALID,
                    "direct mode needs --user (the SIP user to register as)"));
        }
        String authUser = spec.authUser() != null ? spec.authUser() : spec.user() != null ? spec.user() : user;
        Map<String, String> headers = new LinkedHashMap<>();
        return new SipProfile("flags", Mode.DIRECT, ws, realm, authUser, spec.password(), user, false,
                "sip:" + user + "@" + realm, null, Map.copyOf(headers), null, null, null, null, null);
    }
}
