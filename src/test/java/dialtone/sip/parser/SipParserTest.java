package dialtone.sip.parser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SipParserTest {
    final SipParser parser = new SipParser();
    static final String OPTIONS = "OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bK1\r\n"
            + "From: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n"
            + "Max-Forwards: 70\r\n";

    ParseResult parse(String s) {
        return parser.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    ParseError err(String s) {
        return assertInstanceOf(ParseResult.Err.class, parse(s)).error();
    }

    @Test
    void lfOnlyLineEndingsParseLikeCrlf() {
        ParseResult r = parse(OPTIONS.replace("\r\n", "\n") + "Content-Length: 0\n\n");
        SipRequest m = (SipRequest) assertInstanceOf(ParseResult.Ok.class, r).message();
        assertEquals("c", m.callId());
    }

    @Test
    void contentLengthCountsOctetsNotCharacters() {
        String body = "h\u00e9llo \u20ac";  // 6 chars + 2-byte é + 3-byte €: 10 octets
        ParseResult r = parse(OPTIONS + "Content-Type: text/plain\r\nContent-Length: 10\r\n\r\n" + body);
        byte[] got = assertInstanceOf(ParseResult.Ok.class, r).message().body();
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), got);
        assertEquals("body/content-length", err(OPTIONS + "Content-Length: 11\r\n\r\n" + body).place());
    }

    @Test
    void utf8InReasonAndDisplayName() {
        ParseResult r = parse("SIP/2.0 200 \u00c7a marche\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bK1\r\n"
                + "From: \"J\u00fcrgen\" <sip:j@example.com>;tag=1\r\nTo: <sip:a@example.com>;tag=2\r\nCall-ID: c\r\n"
                + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
        SipResponse m = (SipResponse) assertInstanceOf(ParseResult.Ok.class, r).message();
        assertEquals("\u00c7a marche", m.reason());
        assertEquals("J\u00fcrgen", m.from().orElseThrow().display());
    }

    @Test
    void hostileInputsAreErrorsNotExceptions() {
        assertEquals("message", err("").place());
        assertEquals("message", err("\r\n\r\n").place());
        assertEquals("start-line", err("GARBAGE\r\n\r\n").place());
        assertEquals("message", err("INVITE sip:a@b SIP/2.0\r\nVia: x").place());
        assertEquals("header", err(OPTIONS + "NoColonHere\r\n\r\n").place());
        assertEquals("header", err(OPTIONS + "Bad Name: x\r\n\r\n").place());
        assertEquals("start-line", err(" continuation\r\n" + OPTIONS + "\r\n").place());
        assertEquals("header/CSeq", err(OPTIONS.replace("CSeq: 1 OPTIONS", "CSeq: x OPTIONS") + "\r\n").place());
        assertEquals("header/Content-Length", err(OPTIONS + "Content-Length: -1\r\n\r\n").place());
        assertEquals("header/Via", err(OPTIONS.replace("SIP/2.0/WSS x.invalid", "bogus") + "\r\n").place());
    }

    @Test
    void limitsStopHugeMessagesAndHeaderFloods() {
        StringBuilder flood = new StringBuilder(OPTIONS);
        for (int i = 0; i < 5000; i++) {
            flood.append("X-H").append(i).append(": v\r\n");
        }
        ParseError e = err(flood.append("\r\n").toString());
        assertTrue(e.message().contains("header fields"), e.toString());
        byte[] big = new byte[ParserLimits.DEFAULT_MAX_MESSAGE + 1];
        assertEquals("message", assertInstanceOf(ParseResult.Err.class, parser.parse(big)).error().place());
        String longLine = OPTIONS + "X-Long: " + "a".repeat(ParserLimits.DEFAULT_MAX_LINE + 1) + "\r\n\r\n";
        assertEquals("header", err(longLine).place());
    }

    @Test
    void randomBytesNeverThrow() {
        Random rnd = new Random(42);
        byte[] seed = (OPTIONS + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = seed.clone();
            int flips = 1 + rnd.nextInt(8);
            for (int f = 0; f < flips; f++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextBoolean()) {
                b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            }
            ParseResult r = parser.parse(b);
            if (r instanceof ParseResult.Err err) {
                assertTrue(!err.error().message().startsWith("internal parser error"), err.error().toString());
            }
        }
    }
}
