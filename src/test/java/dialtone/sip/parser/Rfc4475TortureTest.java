package dialtone.sip.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dialtone.sip.message.NameAddr;
import dialtone.sip.message.SipMessage;
import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.api.Test;

/** The 49 torture messages of RFC 4475, byte-exact, classified by manifest.csv. */
class Rfc4475TortureTest {
    private final SipParser parser = new SipParser();

    static byte[] load(String file) throws IOException {
        try (InputStream in = Rfc4475TortureTest.class.getResourceAsStream("/rfc4475/" + file)) {
            if (in == null) {
                throw new IOException("missing /rfc4475/" + file);
            }
            return in.readAllBytes();
        }
    }

    @ParameterizedTest(name = "{0} ({3})")
    @CsvFileSource(resources = "/rfc4475/manifest.csv", numLinesToSkip = 1)
    void classifiedAsTheRfcSays(String file, String section, String title, String cls) throws IOException {
        ParseResult r = parser.parse(load(file));
        if (cls.equals("invalid")) {
            ParseResult.Err err = assertInstanceOf(ParseResult.Err.class, r, file + " must not parse");
            assertTrue(err.error().place().matches("start-line|header(/.+)?|body/content-length|message"), err.error().toString());
            assertTrue(err.error().offset() >= 0);
        } else {
            if (r instanceof ParseResult.Err e) {
                fail(file + " (" + title + ") must parse, got " + e.error());
            }
        }
    }

    @Test
    void corpusIsByteExact() throws Exception {
        // Line endings are CRLF as in the RFC: a checkout that converted them would break every Content-Length.
        byte[] wsinv = load("wsinv.dat");
        assertTrue(new String(wsinv, StandardCharsets.ISO_8859_1).contains("TO :\r\n sip:vivekg"));
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (String f : List.of("wsinv.dat", "esc01.dat", "escnull.dat", "intmeth.dat")) {
            md.update(load(f));
        }
        assertEquals(64, HexFormat.of().formatHex(md.digest()).length());
    }

    private SipMessage ok(String file) throws IOException {
        ParseResult r = parser.parse(load(file));
        return assertInstanceOf(ParseResult.Ok.class, r, () -> file + ": " + r).message();
    }

    private ParseError err(String file) throws IOException {
        return assertInstanceOf(ParseResult.Err.class, parser.parse(load(file))).error();
    }

    @Test
    void shortTortuousInvite() throws Exception {
        SipRequest m = (SipRequest) ok("wsinv.dat");
        assertEquals("INVITE", m.method());
        assertEquals("sip:vivekg@chair-dnrc.example.com;unknownparam", m.uri());
        assertEquals("1918181833n", m.to().orElseThrow().tag().orElseThrow());
        NameAddr from = m.from().orElseThrow();
        assertEquals("J Rosenberg \\\"", from.display());
        assertEquals("98asjd8", from.tag().orElseThrow());
        assertEquals(9, m.cseq().orElseThrow().number());
        assertEquals("INVITE", m.cseq().orElseThrow().method());
        assertEquals("0068", m.header("Max-Forwards").orElseThrow());
        assertEquals(3, m.headers().values("Via").size());
        assertEquals("390skdjuw", m.topVia().orElseThrow().branch().orElseThrow());
        assertEquals(150, m.body().length);
        assertEquals("newfangled value continued newfangled value", m.header("NewFangledHeader").orElseThrow());
        assertEquals(";;,,;;,;", m.header("UnknownHeaderWithUnusualValue").orElseThrow());
        assertEquals("", m.header("Subject").orElseThrow());
        NameAddr contact = NameAddr.parse(m.headers().values("Contact").get(0));
        assertEquals("newvalue", contact.param("newparam").orElseThrow());
        assertEquals("0.33", contact.param("q").orElseThrow());
    }

    @Test
    void escapesAreKeptAsWritten() throws Exception {
        SipRequest m = (SipRequest) ok("esc01.dat");
        assertEquals("sip:sips%3Auser%40example.com@example.net", m.uri());
        assertEquals("esc01.239409asdfakjkn23onasd0-3234", m.callId());
        SipRequest n = (SipRequest) ok("escnull.dat");
        assertTrue(n.header("To").orElseThrow().contains("%00"));
    }

    @Test
    void extraTrailingOctetsAreCutAtContentLength() throws Exception {
        ParseResult.Ok r = assertInstanceOf(ParseResult.Ok.class, parser.parse(load("dblreq.dat")));
        assertEquals(0, r.message().body().length);
        assertTrue(r.defects().get(0).contains("octets after the body ignored"), r.defects().toString());
    }

    @Test
    void unusualAndEmptyReasonPhrases() throws Exception {
        SipResponse u = (SipResponse) ok("unreason.dat");
        assertEquals(200, u.status());
        assertTrue(u.reason().startsWith("= 2**3 * 5**2"), u.reason());
        SipResponse e = (SipResponse) ok("noreason.dat");
        assertEquals("", e.reason());
    }

    @Test
    void multipleContentLengthsParseWithADefect() throws Exception {
        ParseResult.Ok r = assertInstanceOf(ParseResult.Ok.class, parser.parse(load("mcl01.dat")));
        assertTrue(r.defects().get(0).contains("several different Content-Length"), r.defects().toString());
    }

    @Test
    void invalidOnesNameTheirPlace() throws Exception {
        assertEquals("header/Via", err("badinv01.dat").place());
        assertEquals("body/content-length", err("clerr.dat").place());
        assertEquals("header/Content-Length", err("ncl.dat").place());
        assertEquals("header/CSeq", err("scalar02.dat").place());
        assertEquals("header/CSeq", err("scalarlg.dat").place());
        assertEquals("header/To", err("quotbal.dat").place());
        assertEquals("start-line", err("ltgtruri.dat").place());
        assertEquals("start-line", err("lwsruri.dat").place());
        assertEquals("start-line", err("lwsstart.dat").place());
        assertEquals("start-line", err("trws.dat").place());
        assertEquals("start-line", err("escruri.dat").place());
        assertEquals("header/Date", err("baddate.dat").place());
        assertEquals("header/Contact", err("regbadct.dat").place());
        assertEquals("header/To", err("badaspec.dat").place());
        assertEquals("header/From", err("baddn.dat").place());
        assertEquals("start-line", err("badvers.dat").place());
        assertEquals("header/CSeq", err("mismatch01.dat").place());
        assertEquals("header/CSeq", err("mismatch02.dat").place());
        assertEquals("start-line", err("bigcode.dat").place());
    }
}
