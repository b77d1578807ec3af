package dialtone.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.support.DialtoneException;
import dialtone.support.Secret;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the endpoint-configuration JSON and validates it with the click-to-call SDK's newest rules:
 * required {@code organisationId}, {@code projectId}, {@code endpointSettings.sipConnectivityInfo.wsUri}; the SIP
 * credentials, realm and applicationSid unless the endpoint is a runtime one; {@code webrtcWidgetConfig.active};
 * a {@code wss://} URI. Parse errors never quote the document (it carries the password).
 */
public final class EndpointConfigParser {
    /** Built on first use (about 70 ms in a cold JVM): direct mode, which only needs {@link #hostOf}, never pays it. */
    private static final class Mapper {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();

        static {
            MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(64).maxStringLength(65_536).maxNumberLength(64).build());
        }
    }

    private static final String SIP = "endpointSettings.sipConnectivityInfo.";

    private EndpointConfigParser() {
    }

    /** Parses the body; registers every secret it carries with {@code secrets} before anything else happens. */
    public static JsonNode parse(byte[] body, Consumer<String> secrets) {
        JsonNode root;
        try (JsonParser p = Mapper.MAPPER.createParser(body)) {
            root = Mapper.MAPPER.readTree(p);
            if (p.nextToken() != null) {
                throw invalid("the configuration is not valid JSON: text after the end of the document");
            }
        } catch (JsonEOFException e) {
            throw invalid("the configuration is not valid JSON: it ends early (line " + e.getLocation().getLineNr() + ")");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            throw invalid("the configuration is not valid JSON: syntax error" + where);
        } catch (IOException e) {
            throw invalid("the configuration cannot be read: " + e.getClass().getSimpleName());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw invalid("the configuration is empty");
        }
        JsonNode sip = root.path("endpointSettings").path("sipConnectivityInfo");
        for (String k : List.of("password", "ha1")) {
            if (sip.path(k).isTextual()) {
                secrets.accept(sip.path(k).asText());
            }
        }
        JsonNode ws = sip.path("wsUri");
        if (ws.isTextual()) {
            // user:pass@ in the wsUri is refused later; it must not be printed on the way
            String t = ws.asText();
            int at = t.indexOf('@');
            int scheme = t.indexOf("://");
            if (at > 0 && scheme > 0 && at > scheme) {
                String info = t.substring(scheme + 3, at);
                if (!info.contains("/")) {
                    secrets.accept(info);
                    int colon = info.indexOf(':');
                    if (colon >= 0) {
                        secrets.accept(info.substring(colon + 1));
                    }
                }
            }
        }
        JsonNode token = root.path("endpointSettings").path("endpointUrlToken");
        if (token.isTextual()) {
            secrets.accept(token.asText());
        }
        return root;
    }

    /**
     * Validates and resolves. {@code userIdOverride} is {@code --user-id} (null: derived as the SDK does).
     */
    public static SipProfile resolve(JsonNode root, String userIdOverride, boolean allowWs) {
        if (!root.isObject()) {
            throw invalid("invalid endpoint configuration: the document is not a JSON object");
        }
        List<String> missing = new ArrayList<>();
        String org = text(root, "organisationId", "organisationId", missing, true);
        String project = text(root, "projectId", "projectId", missing, true);
        JsonNode es = root.path("endpointSettings");
        if (!es.isObject()) {
            missing.add("endpointSettings");
        }
        JsonNode sip = es.path("sipConnectivityInfo");
        if (es.isObject() && !sip.isObject()) {
            missing.add("endpointSettings.sipConnectivityInfo");
        }
        String ws = sip.isObject() ? text(sip, "wsUri", SIP + "wsUri", missing, true) : null;
        String endpointId = text(es, "endpointId", "endpointSettings.endpointId", missing, false);
        String realm = text(sip, "realm", SIP + "realm", missing, false);
        String appSid = text(sip, "applicationSid", SIP + "applicationSid", missing, false);
        boolean runtime = endpointId != null && realm == null && appSid == null;
        String username = null;
        String password = null;
        if (!runtime && sip.isObject()) {
            username = text(sip, "username", SIP + "username", missing, true);
            password = text(sip, "password", SIP + "password", missing, true);
            if (realm == null) {
                missing.add(SIP + "realm");
            }
            if (appSid == null) {
                missing.add(SIP + "applicationSid");
            }
        }
        if (!missing.isEmpty()) {
            throw invalid("invalid endpoint configuration: missing or empty "
                    + String.join(", ", missing.stream().distinct().toList()));
        }
        JsonNode widget = es.path("webrtcWidgetConfig");
        boolean active = truthy(widget.path("active"));
        if (!active) {
            throw new DialtoneException(Failure.of(Layer.CONFIG, Cause.WIDGET_INACTIVE,
                    "the WebRTC widget is not active in this endpoint's configuration (webrtcWidgetConfig.active is "
                            + (widget.path("active").isMissingNode() ? "missing" : widget.path("active").toString()) + ")"));
        }
        // every field is checked against the grammar of the place it goes (header value, URI user part, host,
        // digest quoted-string) before anything is sent: a hostile server cannot add a line to a SIP message
        check("organisationId", org, SipFields.headerValue(org));
        check("projectId", project, SipFields.headerValue(project));
        if (endpointId != null) {
            check("endpointSettings.endpointId", endpointId, SipFields.userPart(endpointId));
        }
        if (!runtime) {
            check(SIP + "realm", realm, SipFields.host(realm));
            check(SIP + "applicationSid", appSid, SipFields.userPart(appSid));
            check(SIP + "username", username, SipFields.quoted(username));
        }
        URI wsUri = UrlPolicy.wsUri(ws, allowWs, "wsUri");
        String name = es.path("endpointName").isTextual() ? es.path("endpointName").asText() : null;
        boolean derived = userIdOverride == null;
        String userId = derived ? UserIds.derive(name) : userIdOverride;
        check(derived ? "the userId derived from endpointName" : "--user-id", userId, SipFields.userPart(userId));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Source", "webrtc");
        headers.put("X-Organisation-Id", org);
        headers.put("X-Project-Id", project);
        if (runtime) {
            String host = hostOf(wsUri);
            headers.put("X-Endpoint-Id", endpointId);
            return new SipProfile("endpoint", Mode.RUNTIME, wsUri, host, null, null, userId, derived,
                    "sip:" + userId + "@" + host, "sip:" + endpointId + "@" + host, Map.copyOf(headers), true, org,
                    project, endpointId, name);
        }
        return new SipProfile("endpoint", Mode.LEGACY, wsUri, realm, username, Secret.of(password), userId, derived,
                "sip:" + userId + "@" + realm, "sip:app-" + appSid + "@" + realm, java.util.Collections.unmodifiableMap(headers),
                true, org, project, endpointId, name);
    }

    static String hostOf(URI u) {
        String h = u.getHost();
        return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    private static String text(JsonNode parent, String field, String qualified, List<String> missing,
                               boolean required) {
        JsonNode n = parent.path(field);
        if (n.isMissingNode() || n.isNull() || (n.isTextual() && n.asText().isEmpty())) {
            if (required) {
                missing.add(qualified);
            }
            return null;
        }
        if (!n.isTextual()) {
            missing.add(qualified + " (not a string)");
            return null;
        }
        return n.asText();
    }

    /** JavaScript truthiness, as the SDK's {@code if (!config...active)} applies it. */
    private static boolean truthy(JsonNode n) {
        if (n.isMissingNode() || n.isNull()) {
            return false;
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        if (n.isNumber()) {
            return n.asDouble() != 0 && !Double.isNaN(n.asDouble());
        }
        if (n.isTextual()) {
            return !n.asText().isEmpty();
        }
        return true;
    }

    private static void check(String field, String value, String problem) {
        if (problem != null) {
            throw invalid("invalid endpoint configuration: " + field + " " + problem
                    + " (the value is not shown; it is refused before anything is sent)");
        }
    }

    private static DialtoneException invalid(String msg) {
        return new DialtoneException(Failure.of(Layer.CONFIG, Cause.CONFIG_INVALID, msg));
    }
}
