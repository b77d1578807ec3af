package dialtone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dialtone.event.CallEvent;
import dialtone.event.Event;
import dialtone.event.MediaEvent;
import dialtone.event.MediaStats;
import dialtone.event.RunEvent;
import dialtone.event.SipEvent;
import dialtone.event.TransportEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report without a browser: who each SIP arrow goes to, escaping, redaction, points per sample, size. */
class HtmlReportTest {
    static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    static final String CALL_ID = "a84b4c76e66710";

    @TempDir
    Path dir;

    static String msg(String startLine, String cseq, boolean toTag, String... more) {
        StringBuilder b = new StringBuilder(startLine).append("\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bK1\r\n")
                .append("From: <sip:alice@example.com>;tag=1\r\nTo: <sip:bot@example.com>").append(toTag ? ";tag=2" : "")
                .append("\r\nCall-ID: ").append(CALL_ID).append("\r\nCSeq: ").append(cseq).append("\r\n");
        for (String m : more) {
            b.append(m).append("\r\n");
        }
        return b.append("Content-Length: 0\r\n\r\n").toString();
    }

    static Event sent(int ms, String startLine, String raw) {
        return new SipEvent.Sent(T0.plusMillis(ms), "call", startLine, raw);
    }

    static Event received(int ms, String startLine, String raw) {
        return new SipEvent.Received(T0.plusMillis(ms), "call", startLine, raw);
    }

    /** A register, a call with a proxy challenge, an INFO, a BYE: the parties RFC 3261 says each message is between. */
    static List<Event> call() {
        List<Event> l = new ArrayList<>();
        l.add(new RunEvent.Started(T0, "call", 1, "dialtone", "test", "call"));
        l.add(new TransportEvent.Connected(T0.plusMillis(5), "call", "wss://sip.example.com", "sip", 5, null,
                "192.0.2.1:50000", "198.51.100.7:443"));
        l.add(sent(10, "REGISTER sip:example.com SIP/2.0", msg("REGISTER sip:example.com SIP/2.0", "1 REGISTER", false)));
        l.add(received(11, "SIP/2.0 401 Unauthorized", msg("SIP/2.0 401 Unauthorized", "1 REGISTER", true)));
        l.add(sent(12, "REGISTER sip:example.com SIP/2.0", msg("REGISTER sip:example.com SIP/2.0", "2 REGISTER", false,
                "Authorization: Digest username=\"alice\", response=\"0123456789abcdef\"")));
        l.add(received(13, "SIP/2.0 200 OK", msg("SIP/2.0 200 OK", "2 REGISTER", true)));
        l.add(received(14, "OPTIONS sip:alice@x.invalid SIP/2.0", msg("OPTIONS sip:alice@x.invalid SIP/2.0", "7 OPTIONS", false)));
        l.add(sent(15, "SIP/2.0 200 OK", msg("SIP/2.0 200 OK", "7 OPTIONS", true)));
        l.add(sent(20, "INVITE sip:bot@example.com SIP/2.0", msg("INVITE sip:bot@example.com SIP/2.0", "1 INVITE", false)));
        l.add(received(21, "SIP/2.0 407 Proxy Authentication Required", msg("SIP/2.0 407 Proxy Authentication Required", "1 INVITE", true)));
        l.add(sent(22, "ACK sip:bot@example.com SIP/2.0", msg("ACK sip:bot@example.com SIP/2.0", "1 ACK", true)));
        l.add(sent(23, "INVITE sip:bot@example.com SIP/2.0", msg("INVITE sip:bot@example.com SIP/2.0", "2 INVITE", false)));
        l.add(received(24, "SIP/2.0 100 Trying", msg("SIP/2.0 100 Trying", "2 INVITE", false)));
        l.add(received(30, "SIP/2.0 180 Ringing", msg("SIP/2.0 180 Ringing", "2 INVITE", true, "Server: FarBot/1.0")));
        l.add(received(40, "SIP/2.0 200 OK", msg("SIP/2.0 200 OK", "2 INVITE", true, "Contact: <sip:bot@203.0.113.9>")));
        l.add(sent(41, "ACK sip:bot@203.0.113.9 SIP/2.0", msg("ACK sip:bot@203.0.113.9 SIP/2.0", "2 ACK", true)));
        l.add(sent(50, "INFO sip:bot@203.0.113.9 SIP/2.0", msg("INFO sip:bot@203.0.113.9 SIP/2.0", "3 INFO", true)));
        l.add(received(51, "SIP/2.0 200 OK", msg("SIP/2.0 200 OK", "3 INFO", true)));
        l.add(received(60, "BYE sip:alice@x.invalid SIP/2.0", msg("BYE sip:alice@x.invalid SIP/2.0", "9 BYE", true)));
        l.add(sent(61, "SIP/2.0 200 OK", msg("SIP/2.0 200 OK", "9 BYE", true)));
        return l;
    }

    static List<ObjectNode> lines(List<Event> events) {
        ObjectMapper m = Json.shared();
        List<ObjectNode> out = new ArrayList<>();
        for (Event e : events) {
            out.add(JsonLinesReporter.line(m, e, T0));
        }
        return out;
    }

    @Test
    void eachArrowGoesToThePartyItsHeadersName() {
        List<SipLadder.Msg> msgs = SipLadder.messages(lines(call()));
        String parties = msgs.stream().map(m -> m.farEnd() ? "F" : "S").reduce("", String::concat);
        // REGISTER 401 REGISTER 200 | OPTIONS 200 (the server's keep-alive) | INVITE 407 ACK (hop-by-hop) |
        // INVITE 100 (hop-by-hop) 180 200 ACK (end-to-end) | INFO 200 | BYE 200
        assertEquals("SSSS" + "SS" + "FSS" + "FS" + "FFF" + "FF" + "FF", parties);
    }

    @Test
    void theLadderHasOneArrowPerMessageAndEachLinksToIt() {
        String page = HtmlReport.render(lines(call()), List.of(), 0).text();
        int arrows = count(page, "<a href=\"#c0-m");
        assertEquals(18, arrows);
        assertTrue(page.contains("data-messages=\"18\""));
        for (int i = 0; i < 18; i++) {
            assertTrue(page.contains("id=\"c0-m" + i + "\""), "message " + i);
        }
        assertTrue(page.contains("198.51.100.7:443"), "the server lane names the connection's remote end");
        assertTrue(page.contains("FarBot/1.0"), "the far end lane names its Server header");
    }

    @Test
    void textFromServersIsEscapedAndThePageRunsNothing() {
        List<Event> l = call();
        String evil = "<script>alert(1)</script>\u001b[31m\u202e";
        l.add(received(70, "SIP/2.0 486 " + evil, msg("SIP/2.0 486 " + evil, "4 INVITE", true, "Server: " + evil)));
        l.add(new RunEvent.Warning(T0.plusMillis(71), "call", "x", "a warning with " + evil));
        l.add(new CallEvent.InfoReceived(T0.plusMillis(72), "call", "text/plain", evil));
        l.add(new RunEvent.Finished(T0.plusMillis(80), "call", false, 6, 80,
                dialtone.event.Failure.sip(dialtone.event.Layer.CALL, 486, evil, "the call was rejected: 486 " + evil), Map.of("k", evil)));
        String page = HtmlReport.render(lines(l), List.of(), 0).text();
        assertFalse(page.toLowerCase(Locale.ROOT).contains("<script"), "no script element, from anywhere");
        assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertFalse(page.contains("\u001b"), "control characters are made visible");
        assertFalse(page.contains("\u202e"), "bidirectional overrides are made visible");
        assertTrue(page.contains("Content-Security-Policy\" content=\"default-src 'none'"));
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(page);
        while (m.find()) {
            assertTrue(m.group(1).startsWith("#") || m.group(1).startsWith("@@DIALTONE-DATA-"), "a reference: " + m.group(1));
        }
        assertTrue(page.contains("id=\"failed-layer\">call<"), "the failing layer in plain words");
    }

    @Test
    void chartsHaveOnePointPerStatsSampleAndMarkersForEvents() {
        List<Event> l = call();
        for (int i = 0; i < 30; i++) {
            l.add(new MediaEvent.Stats(T0.plusSeconds(1 + i), "call", new MediaStats(50L * i, i == 12 ? 3 : 0, 50L * i,
                    8000L * i, 8000L * i, 64, 64, 2.5, 40, 0.2, "audio/PCMU")));
        }
        l.add(new CallEvent.DtmfSent(T0.plusSeconds(5), "call", "12#", "info"));
        l.add(new CallEvent.Muted(T0.plusSeconds(7), "call", true));
        String page = HtmlReport.render(lines(l), List.of(), 0).text();
        assertTrue(page.contains("data-samples=\"30\""));
        String bitrate = page.substring(page.indexOf("id=\"c0-bitrate\""), page.indexOf("</figure>", page.indexOf("id=\"c0-bitrate\"")));
        assertEquals(2, count(bitrate, "data-points=\"30\""), "in and out, one point per sample");
        assertEquals(2, count(bitrate, "class=\"marker\""), "DTMF and mute");
        assertTrue(page.contains("DTMF sent 12#"));
    }

    @Test
    void anOutageIsShadedOnEveryChartAndThePacketRateAndMosShowIt() {
        List<Event> l = call();
        long recv = 0;
        for (int i = 0; i < 20; i++) {
            recv += i >= 8 && i < 11 ? 0 : 50; // a far end paused for 3 s: no packets, and no sequence gap either
            l.add(new MediaEvent.Stats(T0.plusSeconds(1 + i), "call", new MediaStats(recv, 0, 50L * i,
                    160L * recv, 8000L * i, 64, 64, 2.5, 40, 0.2, "audio/PCMU")));
        }
        l.add(new MediaEvent.Outage(T0.plusMillis(11_300), "call", T0.plusMillis(8_000), T0.plusMillis(11_000), 3000,
                "no-packets", true, false, 0, "media outage of 3.00 s: no RTP packet arrived"));
        l.add(new MediaEvent.Presence(T0.plusSeconds(21), "call", 50, 50, 84.2, 100, 0, 100, 19, 950, 150, 1, 3000, 3000,
                null, false));
        String page = HtmlReport.render(lines(l), List.of(), 0).text();
        assertEquals(7, count(page, "<rect class=\"outage failing\""), "the span on each of the 7 charts");
        String packets = page.substring(page.indexOf("id=\"c0-packets\""), page.indexOf("</figure>", page.indexOf("id=\"c0-packets\"")));
        assertTrue(packets.contains("the packet time makes 50/s"), packets);
        assertTrue(packets.contains("data-name=\"received\"") && packets.contains("data-name=\"sent\""), packets);
        assertTrue(page.contains("media presence: received 84 % of 50 packets/s"), "the figures under the charts");
        // the MOS of the intervals inside the outage is not 4.4: the packets that did not come count as lost
        String mos = page.substring(page.indexOf("id=\"c0-mos\""), page.indexOf("</figure>", page.indexOf("id=\"c0-mos\"")));
        Matcher m = Pattern.compile("<polyline[^>]* points=\"([^\"]*)\"").matcher(mos);
        assertTrue(m.find(), mos);
        double lowest = 0;
        for (String pt : m.group(1).split(" ")) {
            lowest = Math.max(lowest, Double.parseDouble(pt.split(",")[1])); // svg y grows downwards
        }
        assertTrue(lowest > 110, "an interval of the outage scores 1 (y 117 of 24..144): y " + lowest);
    }

    @Test
    void aThirtySecondCallIsWellUnderThreeHundredKilobytes() {
        List<Event> l = call();
        for (int i = 0; i < 30; i++) {
            l.add(new MediaEvent.Stats(T0.plusSeconds(1 + i), "call", new MediaStats(50L * i, 0, 50L * i, 8000L * i,
                    8000L * i, 64, 64, 2.5, 40, 0.2, "audio/PCMU")));
        }
        int size = HtmlReport.render(lines(l), List.of(), 0).text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertTrue(size < 100_000, "bytes: " + size);
    }

    @Test
    void theReportIsRedactedLikeEveryOtherOutput() throws Exception {
        Redactor r = new Redactor();
        String secret = "S3cret-Pa55word-for-a-test";
        r.addSecret(secret);
        Path file = dir.resolve("r.html");
        HtmlReporter rep = new HtmlReporter(file, r, false, f -> { throw new IllegalStateException("no recording here"); });
        for (Event e : call()) {
            rep.accept(e);
        }
        rep.accept(new RunEvent.Warning(T0.plusMillis(90), "call", "x", "the password is " + secret));
        rep.accept(received(91, "SIP/2.0 500 " + secret, msg("SIP/2.0 500 " + secret, "5 INVITE", true)));
        rep.close();
        String page = Files.readString(file);
        assertFalse(page.contains(secret));
        assertFalse(page.contains("0123456789abcdef"), "digest response masked");
        assertTrue(page.contains("response=***") || page.contains("response=&quot;***&quot;"), "masked");
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** {@code load --ramp}: a row per step with the side that saturated, and dialtone's own overload, on the page. */
    @Test
    void theRampsStepsAndDialtonesOwnOverloadAreOnThePage() {
        List<Event> l = new ArrayList<>();
        l.add(new RunEvent.Started(T0, "load", 1, "dialtone", "test", "load"));
        l.add(new RunEvent.LoadStep(T0.plusSeconds(20), "load", 1, 50, 50, 50, 0, false, true, null, null,
                java.util.Map.of("frameLateMsP95Max", 12, "cpuCoresMax", 0.8, "mosMin", 4.4)));
        l.add(new RunEvent.Overloaded(T0.plusSeconds(30), "load", "behind", 96, 88, 150, 0.04, 1.9, 2, 1, 0,
                "dialtone is behind at 96 calls: frames 88 ms late <b>"));
        l.add(new RunEvent.LoadStep(T0.plusSeconds(45), "load", 2, 100, 100, 70, 30, true, false, "dialtone",
                "dialtone overloaded at 96 calls", java.util.Map.of("frameLateMsP95Max", 88)));
        l.add(new RunEvent.Finished(T0.plusSeconds(46), "load", false, 10, 46_000, new dialtone.event.Failure(
                dialtone.event.Layer.OVERLOAD, dialtone.event.Cause.OVERLOADED, dialtone.event.Originator.LOCAL, 0, null,
                "ramp stopped at 100 calls"), java.util.Map.of("capacity", 50)));
        String page = HtmlReport.render(lines(l), List.of(), 0).text();
        assertTrue(page.contains("<h2>Capacity and dialtone's own pace</h2>"), page);
        assertTrue(page.contains("<td>50</td><td>50</td><td>12</td><td>0.8</td><td>4.4</td><td class=\"step-pass\">PASS"), page);
        assertTrue(page.contains("FAIL: dialtone saturated (dialtone overloaded at 96 calls)"), page);
        assertTrue(page.contains("frames 88 ms late &lt;b&gt;"), "escaped");
        assertTrue(page.contains("dialtone itself could not keep up"), "the layer in words");
    }
}
