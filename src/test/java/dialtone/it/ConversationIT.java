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
 * true times; over Opus and over G.711, with think times of 200 ms and 3 s taken in turn in one call.
 *
 * <p>What is asserted, two-sided: dialtone's time to greeting, and the median over turns of its response latencies
 * (per think time) and of its barge-in overruns, each within 150 ms of the agent's own record. What dialtone hears
 * includes the audio path's delay (one way for the greeting, both ways for latency and overrun: 40-55 ms each way
 * with the CPU to spare, a 20 ms packet plus the receiver's jitter buffer and playout tick); the issue counts it
 * inside the 150 ms, and with the CPU to spare the medians were +97 to +133 ms. Medians over three turns keep a single
 * stalled turn from deciding; every turn's difference is printed with the load average. On this 2-core machine
 * starved by other builds (load average 12-20) both receivers held more audio (the agent's jitter buffer 80-160 ms)
 * and the medians were +211 to +327 ms: that is the machine, not dialtone's boundaries (scripts/calibrate-conversation
 * shows the difference equal to the one-way delays measured on the shared clock, within 15 ms; README, Conversation
 * tests).
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

    /**
     * Six replies (think 200 ms, 3 s, 200 ms, ...: three of each), two of them interrupted. Over Opus the agent also
     * sends its transcripts (INFO {@code _transcription}) and the script matches them; over G.711 it checks dead air
     * (quiet during the 3 s think, then speech) and a latency assertion that must fail (exit 8).
     */
    static String script(String codec) {
        boolean opus = codec.equals("opus");
        return java.util.stream.Stream.of(
                "listen 10s",
                opus ? "expect-words thank you for calling" : null,
                "say What is my balance",
                "listen 15s",
                opus ? "expect-words one hundred and twenty" : null,
                "say Can I pay it in parts",
                "barge-in Stop please I have another question after 1500ms",
                "listen 15s",
                "say Tell me my balance again",
                opus ? null : "expect-quiet 1s",
                opus ? null : "expect-speech 10s",
                "listen 15s",
                "say Can I pay it in parts",
                "barge-in Stop please I have another question after 1500ms",
                "listen 15s",
                "hangup").filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.joining("\n"));
    }

    @ParameterizedTest(name = "{0}, think 200 ms and 3 s")
    @CsvSource({"opus", "pcmu"})
    void figuresMatchTheAgentsOwnRecord(String codec) throws Exception {
        String id = "it-" + codec + "-" + Long.toHexString(System.nanoTime());
        Path script = dir.resolve(id + ".txt");
        Files.writeString(script, script(codec) + "\n");
        boolean opus = codec.equals("opus");
        JarRun c = JarRun.start(dir, id, Map.of(), "call", "sip:agent@agent.invalid", "--ws-uri",
                agent.ws(id, "think=200,3000&hold=150&react=300&greet=500&codec=" + codec + (opus ? "&transcripts=1" : "")),
                "--allow-ws", "--user", "alice", "--realm", "agent.invalid", "--ice-bind", "127.0.0.1", "--script",
                script.toString(), "--assert", "greeting<5s", "--assert", opus ? "latency<5s" : "latency<500ms", "--json");
        assertEquals(opus ? 0 : 8, c.waitFor(Duration.ofSeconds(90)), c.toString());
        List<JsonNode> ev = Events.parse(c.out());
        for (JsonNode st : Events.of(ev, "call.step")) {
            assertTrue(st.path("passed").asBoolean(), "every step passed: " + st);
        }
        JsonNode latencyCheck = Events.of(ev, "call.check", e -> e.path("name").asText().startsWith("assert latency")).get(0);
        assertEquals(opus, latencyCheck.path("passed").asBoolean(), latencyCheck.toString());
        JsonNode greet = Events.of(ev, "call.check", e -> e.path("name").asText().equals("assert greeting<5s")).get(0);
        assertTrue(greet.path("passed").asBoolean(), greet.toString());
        if (opus) {
            assertTrue(step(ev, "expect-words thank").path("detail").asText().contains("platform transcript"), c.out());
            assertTrue(step(ev, "expect-words one").path("passed").asBoolean(), c.out());
            assertEquals("platform", Events.of(ev, "speech.turn").get(1).path("wordsSource").asText(), c.out());
        } else {
            assertTrue(step(ev, "expect-quiet").path("passed").asBoolean(), c.out());
            assertTrue(step(ev, "expect-speech").path("passed").asBoolean(), c.out());
        }
        JsonNode answered = Events.of(ev, "call.answered").get(0);
        assertTrue(answered.path("codec").asText().toLowerCase().startsWith(codec), answered.toString());
        List<JsonNode> turns = Events.of(ev, "speech.turn");
        JsonNode summary = Events.of(ev, "speech.summary").get(0);
        VoiceAgent.Record truth = agent.record(id);
        String facts = "dialtone: " + turns + " " + summary + "\nagent: " + truth.events();
        assertEquals(truth.prompts(), turns.size(), "one turn per prompt of the agent\n" + facts);
        assertEquals(7, turns.size(), facts);

        List<String> off = new ArrayList<>();
        List<Double> lat = truth.latenciesMs();
        List<Integer> thinks = truth.thinksMs();
        Map<Integer, List<Double>> byThink = new java.util.TreeMap<>();
        List<String> each = new ArrayList<>();
        for (int i = 0; i < lat.size(); i++) {
            JsonNode t = turns.get(i + 1);
            assertTrue(t.has("latencyMs"), "turn " + (i + 2) + " has a latency\n" + facts);
            double d = t.path("latencyMs").asDouble() - lat.get(i);
            byThink.computeIfAbsent(thinks.get(i), k -> new ArrayList<>()).add(d);
            each.add(String.format("%.0f/%.0f", t.path("latencyMs").asDouble(), lat.get(i)));
        }
        assertEquals(List.of(200, 3000), List.copyOf(byThink.keySet()), facts);
        within("greeting", List.of(summary.path("greetingMs").asDouble() - truth.greetingMs()), off);
        byThink.forEach((think, diffs) -> {
            assertEquals(3, diffs.size(), facts);
            within("latency, think " + think + " ms", diffs, off);
        });
        List<Double> over = truth.overrunsMs();
        assertEquals(2, over.size(), "the agent stopped twice for the barge-ins\n" + facts);
        List<JsonNode> barged = turns.stream().filter(t -> t.has("overrunMs")).toList();
        assertEquals(2, barged.size(), "two interrupted turns have an overrun\n" + facts);
        List<Double> od = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            od.add(barged.get(i).path("overrunMs").asDouble() - over.get(i));
            each.add(String.format("overrun %.0f/%.0f", barged.get(i).path("overrunMs").asDouble(), over.get(i)));
        }
        within("overrun", od, off);
        assertNotNull(summary.get("latencyP95Ms"), facts);
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        String line = codec + ": " + String.join("; ", off) + " (dialtone/agent ms: " + String.join(", ", each)
                + "; load average " + load + ")";
        System.out.println(line);
        for (String o : off) {
            assertTrue(!o.contains("OUT"), line + "\n" + facts);
        }
    }

    /** The median of dialtone-minus-agent differences must be within the tolerance, both ways. */
    static void within(String what, List<Double> diffs, List<String> out) {
        List<Double> s = new ArrayList<>(diffs);
        java.util.Collections.sort(s);
        int n = s.size();
        double median = n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        out.add(String.format("%s diff %+.0f ms%s%s", what, median,
                n > 1 ? " (median of " + s.stream().map(d -> String.format("%+.0f", d)).toList() + ")" : "",
                Math.abs(median) <= TOLERANCE_MS ? "" : " OUT"));
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
    void wordsFromARecogniserAndNothingToMatchWithoutOne() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("CI") != null
                || Files.isExecutable(Path.of("/usr/bin/pocketsphinx_continuous")), "pocketsphinx is not installed");
        String id = "words-stt-" + Long.toHexString(System.nanoTime());
        JarRun c = call(id, "think=300", String.join("\n",
                "listen 10s",
                "say What is my balance",
                "listen",
                "expect-words (dollars|twenty|hundred|friday|balance) 30s",
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
}
