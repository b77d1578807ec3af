package dialtone.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dialtone.event.Cause;
import dialtone.support.DialtoneException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointConfigParserTest {
    static final String LEGACY = """
            {"organisationId":"org1","projectId":"proj1","endpointSettings":{
              "endpointUrlToken":"the-url-token","endpointName":"Voice Gateway #0f07",
              "sipConnectivityInfo":{"applicationSid":"sid-1","username":"widget-user","password":"pw-Secret-1",
                "realm":"sip.example.com","wsUri":"wss://sip.example.com:8443"},
              "webrtcWidgetConfig":{"active":true}}}""";
    static final String RUNTIME = """
            {"organisationId":"org1","projectId":"proj1","endpointSettings":{"endpointId":"ep-1",
              "sipConnectivityInfo":{"wsUri":"wss://sbc.example.com:8443/ws"},
              "webrtcWidgetConfig":{"active":true}}}""";

    static JsonNode parse(String json, List<String> secrets) {
        return EndpointConfigParser.parse(json.getBytes(StandardCharsets.UTF_8), secrets::add);
    }

    @Test
    void legacyEndpointResolvesAsTheSdkDoes() {
        List<String> secrets = new ArrayList<>();
        SipProfile p = EndpointConfigParser.resolve(parse(LEGACY, secrets), null, false);
        assertEquals(Mode.LEGACY, p.mode());
        assertTrue(secrets.contains("pw-Secret-1"));
        assertTrue(secrets.contains("the-url-token"));
        assertEquals("sip:app-sid-1@sip.example.com", p.target());
        assertEquals("widget-user", p.authUser());
        assertTrue(p.userId().matches("webrtc-sdk-voicegateway0f07-[A-Za-z0-9]{8}"), p.userId());
        assertEquals("sip:" + p.userId() + "@sip.example.com", p.aor());
        assertEquals("webrtc", p.headers().get("X-Source"));
        assertEquals("org1", p.headers().get("X-Organisation-Id"));
        assertEquals("proj1", p.headers().get("X-Project-Id"));
        assertFalse(p.headers().containsKey("X-Endpoint-Id"));
        assertTrue(p.needsRegister());
        assertEquals("pw-Secret-1", p.password().reveal());
        assertFalse(p.toString().contains("pw-Secret-1"), "record toString must not reveal the password");
        assertFalse(p.summary().toString().contains("pw-Secret-1"));
    }

    @Test
    void runtimeEndpointNeedsNoCredentials() {
        SipProfile p = EndpointConfigParser.resolve(parse(RUNTIME, new ArrayList<>()), "session-42", false);
        assertEquals(Mode.RUNTIME, p.mode());
        assertFalse(p.needsRegister());
        assertEquals("sip:ep-1@sbc.example.com", p.target());
        assertEquals("sip:session-42@sbc.example.com", p.aor());
        assertEquals("ep-1", p.headers().get("X-Endpoint-Id"));
        assertNull(p.password());
    }

    @Test
    void legacyWithEndpointIdIsStillLegacy() {
        String json = LEGACY.replace("\"endpointName\"", "\"endpointId\":\"ep-9\",\"endpointName\"");
        assertEquals(Mode.LEGACY, EndpointConfigParser.resolve(parse(json, new ArrayList<>()), null, false).mode());
    }

    @Test
    void missingFieldsAreAllNamed() {
        String json = "{\"organisationId\":\"\",\"endpointSettings\":{\"sipConnectivityInfo\":{\"username\":\"u\"},"
                + "\"webrtcWidgetConfig\":{\"active\":true}}}";
        DialtoneException e = assertThrows(DialtoneException.class,
                () -> EndpointConfigParser.resolve(parse(json, new ArrayList<>()), null, false));
        assertEquals(Cause.CONFIG_INVALID, e.failure().cause());
        for (String f : List.of("organisationId", "projectId", "sipConnectivityInfo.wsUri", "sipConnectivityInfo.password",
                "sipConnectivityInfo.realm", "sipConnectivityInfo.applicationSid")) {
            assertTrue(e.getMessage().contains(f), f + " in " + e.getMessage());
        }
    }

    @Test
    void inactiveWidgetIsItsOwnCause() {
        String json = LEGACY.replace("\"active\":true", "\"active\":false");
        DialtoneException e = assertThrows(DialtoneException.class,
                () -> EndpointConfigParser.resolve(parse(json, new ArrayList<>()), null, false));
        assertEquals(Cause.WIDGET_INACTIVE, e.failure().cause());
    }

    @Test
    void nonWssUriIsRefused() {
        String json = LEGACY.replace("wss://sip.example.com:8443", "ws://sip.example.com:8080");
        DialtoneException e = assertThrows(DialtoneException.class,
                () -> EndpointConfigParser.resolve(parse(json, new ArrayList<>()), null, true));
        assertTrue(e.getMessage().contains("not wss://"), e.getMessage());
    }

    @Test
    void malformedJsonNeverQuotesTheDocument() {
        String json = "{\"endpointSettings\":{\"sipConnectivityInfo\":{\"password\": hunter2secret }}}";
        DialtoneException e = assertThrows(DialtoneException.class, () -> parse(json, new ArrayList<>()));
        assertTrue(e.getMessage().startsWith("the configuration is not valid JSON"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertThrows(DialtoneException.class, () -> parse("{\"a\":1", new ArrayList<>()));
        assertThrows(DialtoneException.class, () -> parse("{} {}", new ArrayList<>()));
        assertThrows(DialtoneException.class, () -> parse("", new ArrayList<>()));
        assertThrows(DialtoneException.class, () -> parse("[" .repeat(5000), new ArrayList<>()));
    }

    @Test
    void wrongTypesAreInvalidNotCrashes() {
        String json = LEGACY.replace("\"pw-Secret-1\"", "12345");
        DialtoneException e = assertThrows(DialtoneException.class,
                () -> EndpointConfigParser.resolve(parse(json, new ArrayList<>()), null, false));
        assertTrue(e.getMessage().contains("password (not a string)"), e.getMessage());
        assertThrows(DialtoneException.class,
                () -> EndpointConfigParser.resolve(parse("[1,2]", new ArrayList<>()), null, false));
    }

    /** A hostile config server: CR/LF and control characters in every field that ends up in a SIP message. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"organisationId", "projectId", "applicationSid", "realm",
        "username", "endpointId"})
    void injectionInAnyFieldIsRefusedNamingTheFieldNotTheValue(String field) {
        // JSON escapes in the document: the parsed values carry real CR, LF, NUL and ESC characters
        for (String evil : List.of("x\\r\\nVia: SIP/2.0/WSS evil.example", "x\\nX-Evil: 1", "x\\u0000y", "x\\u001b[2Jy")) {
            String json = field.equals("endpointId")
                    ? RUNTIME.replace("\"ep-1\"", "\"" + evil + "\"")
                    : LEGACY.replace("\"" + field + "\":\"", "\"" + field + "\":\"" + evil);
            assertTrue(json.contains(evil), field + ": the fixture must carry the value");
            DialtoneException e = assertThrows(DialtoneException.class,
                    () -> EndpointConfigParser.resolve(parse(json, new ArrayList<>()), null, false), field);
            assertEquals(Cause.CONFIG_INVALID, e.failure().cause());
            assertTrue(e.getMessage().contains(field), e.getMessage());
            assertFalse(e.getMessage().contains("evil") || e.getMessage().contains("\u001b"), e.getMessage());
        }
    }

    @Test
    void wsUriWithUserinfoIsRefusedAndItsCredentialsAreSecrets() {
        List<String> secrets = new ArrayList<>();
        String json = LEGACY.replace("wss://sip.example.com:8443", "wss://admin:Hunter2-pass@sip.example.com:8443");
        DialtoneException e = assertThrows(DialtoneException.class,
                () -> EndpointConfigParser.resolve(parse(json, secrets), null, false));
        assertFalse(e.getMessage().contains("Hunter2"), e.getMessage());
        assertFalse(e.getMessage().contains("admin"), e.getMessage());
        assertTrue(secrets.contains("Hunter2-pass"), secrets.toString());
    }

    @Test
    void aRealmThatIsNotAHostOrAUserIdThatIsNotAUserPartIsRefused() {
        assertThrows(DialtoneException.class, () -> EndpointConfigParser.resolve(parse(
                LEGACY.replace("\"realm\":\"sip.example.com\"", "\"realm\":\"sip.example.com>;evil\""), new ArrayList<>()),
                null, false));
        assertThrows(DialtoneException.class, () -> EndpointConfigParser.resolve(parse(LEGACY, new ArrayList<>()),
                "bob@evil.example", false));
    }
}
