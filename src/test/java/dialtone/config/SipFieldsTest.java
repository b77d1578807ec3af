package dialtone.config;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The grammar each configuration field must fit; the reason names a kind of character, never the value. */
class SipFieldsTest {
    @Test
    void hosts() {
        for (String ok : List.of("sip.example.com", "127.0.0.1", "[::1]", "sip.example.com:5061", "[fd00::2]:5060", "a-b.c")) {
            assertNull(SipFields.host(ok), ok);
        }
        for (String bad : List.of("", "a b", "a\r\nb", "x>;y", "h:0", "h:99999", "::1", "[::1", "a..b", "h:1:2", "é.com")) {
            assertNotNull(SipFields.host(bad), bad);
        }
    }

    @Test
    void userParts() {
        for (String ok : List.of("alice", "webrtc-sdk-lab-AbC12345", "app-5b1c1ab4-0d7e", "a%40b", "+14155550123", "a;b=c")) {
            assertNull(SipFields.userPart(ok), ok);
        }
        for (String bad : List.of("", "a@b", "a b", "a\r\nb", "a<b", "a%4", "a%zz", "\u202e", "a\u0000")) {
            assertNotNull(SipFields.userPart(bad), bad);
        }
    }

    @Test
    void headerValuesAndQuotedStrings() {
        assertNull(SipFields.headerValue("org with spaces & ünïcode"));
        assertNotNull(SipFields.headerValue("x\r\nVia: y"));
        assertNotNull(SipFields.headerValue("x\u001b[2J"));
        assertNotNull(SipFields.headerValue("x".repeat(SipFields.MAX_LENGTH + 1)));
        assertNull(SipFields.quoted("user@domain"));
        assertNotNull(SipFields.quoted("a\"b"));
        assertNotNull(SipFields.quoted("a\\b"));
    }
}
