package dialtone.sip.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.sip.message.Header;
import dialtone.sip.message.Headers;
import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The last line of defence: nothing can add a line to a message the encoder writes. */
class SipEncoderTest {
    static SipRequest request(String uri, Header... hs) {
        return new SipRequest("OPTIONS", uri, new Headers(List.of(hs)), new byte[0]);
    }

    @Test
    void crLfOrNulInAHeaderValueIsRefused() {
        for (String bad : List.of("a\r\nVia: SIP/2.0/WSS evil", "a\nX: y", "a\rb", "a\0b")) {
            SipEncoder.UnsafeMessageException e = assertThrows(SipEncoder.UnsafeMessageException.class,
                    () -> SipEncoder.encode(request("sip:a@b", new Header("X-Organisation-Id", bad))));
            assertTrue(e.getMessage().contains("X-Organisation-Id"), e.getMessage());
            assertFalse(e.getMessage().contains("evil"), "the value is not repeated: " + e.getMessage());
        }
    }

    @Test
    void crLfInTheStartLineIsRefused() {
        assertThrows(SipEncoder.UnsafeMessageException.class,
                () -> SipEncoder.encode(request("sip:a@b SIP/2.0\r\nVia: x\r\nX:")));
        assertThrows(SipEncoder.UnsafeMessageException.class, () -> SipEncoder.encode(
                new SipResponse(200, "OK\r\nX-Injected: 1", new Headers(List.of()), new byte[0])));
    }

    @Test
    void aHeaderNameMustBeAToken() {
        assertThrows(SipEncoder.UnsafeMessageException.class,
                () -> SipEncoder.encode(request("sip:a@b", new Header("X: y\r\nZ", "v"))));
        assertThrows(SipEncoder.UnsafeMessageException.class,
                () -> SipEncoder.encode(request("sip:a@b", new Header("", "v"))));
    }

    @Test
    void aCleanMessageParsesBackWithTheSameHeaders() {
        SipRequest r = request("sip:a@b", new Header("Via", "SIP/2.0/WSS h;branch=z9hG4bK1"),
                new Header("Call-ID", "c1"), new Header("CSeq", "1 OPTIONS"), new Header("From", "<sip:a@b>;tag=1"),
                new Header("To", "<sip:a@b>"), new Header("X-Organisation-Id", "org with spaces & ünïcode"));
        String text = SipEncoder.encodeText(r);
        ParseResult p = new SipParser().parse(SipEncoder.encode(r));
        assertTrue(p instanceof ParseResult.Ok, text);
        assertEquals(7, ((ParseResult.Ok) p).message().headers().asList().size(), "six headers and Content-Length");
    }
}
