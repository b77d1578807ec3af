package dialtone.config;

import dialtone.event.ConfigSummary;
import dialtone.support.Secret;
import java.net.URI;
import java.util.Map;

/**
 * Everything the SIP user agent needs, resolved from an endpoint configuration or from flags.
 *
 * @param aor    the address of record, {@code sip:<userId>@<realm>}
 * @param target the default call target (Request-URI), or null
 */
public record SipProfile(String source, Mode mode, URI wsUri, String realm, String authUser, Secret password,
                         String userId, boolean userIdDerived, String aor, String target, Map<String, String> headers,
                         Boolean widgetActive, String organisationId, String projectId, String endpointId,
                         String endpointName) {

    public boolean needsRegister() {
        return mode != Mode.RUNTIME;
    }

    public ConfigSummary summary() {
        return new ConfigSummary(source, mode.wire(), needsRegister(), wsUri.toString(), realm, authUser, userId,
                userIdDerived, aor, target, headers, widgetActive, password != null, organisationId, projectId,
                endpointId, endpointName);
    }
}
