package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dialtone.testing.Events;
import dialtone.testing.JarRun;
import dialtone.testing.LabCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dialtone load} against a second dialtone answering every call ({@code register --answer tone:1000
 * --max-calls 50}), through the lab's Kamailio: the CI stress test (50 calls at once, 10 s each, every call must pass,
 * both processes alive), a shared connection, and the failure-rate verdict.
 */
class LoadIT {
    static final Map<String, String> ENV = LabCall.env();

    @TempDir
    Path dir;
    JarRun answerer;
    final String callee = LabCall.newCallee();

    @AfterEach
    void stop() throws Exception {
        if (answerer != null && answerer.poll(Duration.ZERO) == null) {
            answerer.signal("TERM");
            answerer.waitFor(Duration.ofSeconds(20));
        }
    }

    void answer(String mode, int maxCalls) throws Exception {
        answerer = JarRun.start(dir, "answerer", ENV, LabCall.answerer(callee, mode, "--max-calls", Integer.toString(maxCalls),
                "--duration", "120s", "--json"));
        assertTrue(answerer.await("registration.registered", Duration.ofSeconds(15)), answerer.toString());
    }

    static String[] load(String target, String... more) {
        List<String> a = new ArrayList<>(List.of(LabCall.caller(target, more)));
        a.set(0, "load");
        return a.toArray(new String[0]);
    }

    /** The stress test: 50 calls at once for 10 s, each hearing the far end's tone; nothing fails, nothing crashes. */
    @Test
    void fiftyCallsAtOnceAllPass() throws Exception {
        answer("tone:1000", 50);
        Path junit = dir.resolve("load.xml");
        JarRun load = JarRun.start(dir, "load", ENV, load(callee, "--calls", "50", "--concurrency", "50", "--rate", "25",
                "--duration", "10s", "--play", "tone:440", "--expect-tone", "1000", "--json", "--junit", junit.toString()));
        int rc = load.waitFor(Duration.ofSeconds(120));
        List<JsonNode> ev = Events.parse(load.out());
        assertEquals(0, rc, load::toString); // stdout and stderr: a native abort names itself on stderr
        JsonNode fin = Events.finished(ev);
        JsonNode s = fin.get("summary");
        assertEquals(50, s.get("calls").asInt(), s.toString());
        assertEquals(50, s.get("passed").asInt(), s.toString());
        assertTrue(s.get("setupMsP95").asLong() > 0 && s.get("firstAudioMsP95").asLong() >= 0, s.toString());
        // every call has its own id on its events, its own summary, and heard the tone
        Set<String> summarized = new TreeSet<>();
        for (JsonNode e : Events.of(ev, "call.summary")) {
            summarized.add(e.get("scenario").asText());
            assertTrue(e.get("stats").get("packetsReceived").asLong() > 400, e.toString());
            assertOneProducer(e);
        }
        assertEquals(50, summarized.size(), summarized.toString());
        assertEquals(50, Events.of(ev, "call.check", e -> e.get("passed").asBoolean()
                && e.get("name").asText().equals("expect-tone 1000")).size());
        String xml = Files.readString(junit);
        assertEquals(50, xml.split("classname=\"dialtone.load\" name=\"call#").length - 1, "one test case per call");
        assertTrue(xml.contains("failures=\"0\""), xml.substring(0, 400));
        // the answering side took all 50 at once and judged each one a pass
        assertTrue(answerer.poll(Duration.ZERO) == null, "the answerer is still running: " + answerer);
        answerer.signal("TERM");
        answerer.waitFor(Duration.ofSeconds(20));
        List<JsonNode> answered = Events.parse(answerer.out());
        JsonNode a = Events.finished(answered).get("summary");
        assertEquals(50, a.get("answered").asInt(), a.toString());
        assertEquals(0, a.get("failed").asInt(), a.toString());
        // and sent one stream each: both sides run the same media engine
        List<JsonNode> inbound = Events.of(answered, "call.summary");
        assertEquals(50, inbound.size());
        inbound.forEach(LoadIT::assertOneProducer);
    }

    /**
     * One producer per sender. A second one (the audio module's recording feeding the same send stream: the
     * libwebrtc behaviour the media engine works around) doubles the audio payload sent: PCMU 16,000 bytes a second
     * instead of 8,000, Opus (a steady tone at libwebrtc's default 32 kbit/s) about 8,000 instead of 4,000. Payload
     * bytes, not packets: libwebrtc's bandwidth estimation may add padding-only packets (no payload) to an audio
     * stream that negotiated transport-cc, as it does in browsers.
     */
    static void assertOneProducer(JsonNode summary) {
        double secs = summary.get("talkMs").asLong() / 1000.0;
        JsonNode st = summary.get("stats");
        double bytes = st.get("bytesSent").asLong() / secs;
        double packets = st.get("packetsSent").asLong() / secs;
        boolean pcmu = st.get("codec").asText().equalsIgnoreCase("audio/PCMU");
        double nominal = pcmu ? 8000 : 4000;
        assertTrue(bytes > 0.7 * nominal && bytes < 1.35 * nominal, "payload bytes sent per second " + bytes + ": " + summary);
        assertTrue(packets > 35, "packets sent per second " + packets + ": " + summary);
    }

    /** The same at G.711 through rtpengine to SIPp's echo (the path real voice gateways use): every call hears itself. */
    @Test
    void fiftyG711CallsThroughTheGatewayEchoAllPass() throws Exception {
        JarRun load = JarRun.start(dir, "load-g711", ENV, load("sip:echo@" + dialtone.testing.Lab.get("LAB_REALM"),
                "--calls", "50", "--concurrency", "50", "--rate", "25", "--duration", "10s", "--play", "tone:440",
                "--expect-tone", "440", "--json"));
        int rc = load.waitFor(Duration.ofSeconds(120));
        List<JsonNode> ev = Events.parse(load.out());
        assertEquals(0, rc, load::toString);
        List<JsonNode> summaries = Events.of(ev, "call.summary");
        assertEquals(50, summaries.size());
        for (JsonNode e : summaries) {
            assertEquals("audio/PCMU", e.get("stats").get("codec").asText(), e.toString());
            assertOneProducer(e);
        }
    }

    @Test
    void sharedConnectionCarriesEveryDialog() throws Exception {
        answer("tone:1000", 10);
        JarRun load = JarRun.start(dir, "load", ENV, load(callee, "--calls", "6", "--concurrency", "6", "--rate", "10",
                "--duration", "3s", "--expect-tone", "1000", "--shared-connection", "--json"));
        int rc = load.waitFor(Duration.ofSeconds(60));
        List<JsonNode> ev = Events.parse(load.out());
        assertEquals(0, rc, Events.finished(ev).toString());
        assertEquals(1, Events.of(ev, "registration.registered").size(), "one registration for every call");
        assertEquals(6, Events.of(ev, "call.summary").size());
    }

    @Test
    void theFailureRateDecidesTheExitCode() throws Exception {
        answer("reject:486", 10);
        JarRun strict = JarRun.start(dir, "strict", ENV, load(callee, "--calls", "3", "--concurrency", "3", "--rate", "10",
                "--duration", "2s", "--json"));
        int rc = strict.waitFor(Duration.ofSeconds(60));
        JsonNode fin = Events.finished(Events.parse(strict.out()));
        assertEquals(6, rc, fin.toString());
        assertEquals(3, fin.get("summary").get("failures").get("CALL/BUSY").asInt(), fin.toString());
        assertEquals("BUSY", fin.get("failure").get("cause").asText());
        JarRun lenient = JarRun.start(dir, "lenient", ENV, load(callee, "--calls", "2", "--concurrency", "2", "--rate", "10",
                "--duration", "2s", "--max-failure-rate", "100%", "--json"));
        assertEquals(0, lenient.waitFor(Duration.ofSeconds(60)), lenient.toString());
    }
}
