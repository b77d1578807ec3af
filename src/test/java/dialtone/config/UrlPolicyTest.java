package dialtone.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.Cause;
import dialtone.support.DialtoneException;
import java.net.URI;
import org.junit.jupiter.api.Test;

class UrlPolicyTest {
    @Test
    void httpsIsAcceptedAndHttpOnlyToLoopback() {
        UrlPolicy.configUrl("https://endpoint.example.com/abc");
        UrlPolicy.configUrl("http://127.0.0.1:8080/abc");
        UrlPolicy.configUrl("http://[::1]:8080/abc");
        UrlPolicy.configUrl("http://localhost/abc");
        DialtoneException e = assertThrows(DialtoneException.class, () -> UrlPolicy.configUrl("http://10.1.2.3/tok"));
        assertTrue(e.getMessage().contains("refusing plain http://"), e.getMessage());
        assertEquals(Cause.CONFIG_INVALID, e.failure().cause());
        assertThrows(DialtoneException.class, () -> UrlPolicy.configUrl("ftp://example.com/x"));
        assertThrows(DialtoneException.class, () -> UrlPolicy.configUrl("not a url"));
        // a name that merely starts like loopback is not loopback
        assertThrows(DialtoneException.class, () -> UrlPolicy.configUrl("http://127.0.0.1.example.com/x"));
    }

    @Test
    void wsOnlyToLoopbackAndOnlyWhenAsked() {
        UrlPolicy.wsUri("wss://sip.example.com:8443", false, "wsUri");
        DialtoneException notAsked = assertThrows(DialtoneException.class,
                () -> UrlPolicy.wsUri("ws://127.0.0.1:8080", false, "wsUri"));
        assertTrue(notAsked.getMessage().contains("--allow-ws"), notAsked.getMessage());
        UrlPolicy.wsUri("ws://127.0.0.1:8080", true, "wsUri");
        DialtoneException remote = assertThrows(DialtoneException.class,
                () -> UrlPolicy.wsUri("ws://sip.example.com", true, "wsUri"));
        assertTrue(remote.getMessage().contains("loopback only"), remote.getMessage());
        assertThrows(DialtoneException.class, () -> UrlPolicy.wsUri("https://sip.example.com", true, "wsUri"));
    }

    @Test
    void redactionMasksTheTokenAndQuery() {
        assertEquals("https://e.example.com/***", UrlPolicy.redact(URI.create("https://e.example.com/abcdef0123")));
        assertEquals("https://e.example.com:8443/c2c/***?***",
                UrlPolicy.redact(URI.create("https://e.example.com:8443/c2c/tok?x=1")));
        assertTrue(UrlPolicy.secrets(URI.create("https://e.example.com/c2c/tok3n-0123456789?k=v")).contains("tok3n-0123456789"));
    }
}
