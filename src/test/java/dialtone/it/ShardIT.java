package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dialtone.testing.Events;
import dialtone.testing.JarRun;
import dialtone.testing.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sharded load run as a Kubernetes Indexed Job runs it, here as four processes with the environment a Job gives
 * its pods (JOB_COMPLETION_INDEX, and DIALTONE_SHARDS and DIALTONE_RUN_ID from the manifest), against the lab's
 * echo gateway; the four outputs merged by {@code dialtone report merge} into one JUnit file.
 */
class ShardIT {
    @TempDir
    Path dir;

    @Test
    void fourShardsPlaceEveryCallOnceAndMergeIntoOneJunitFile() throws Exception {
        int shards = 4;
        int calls = 8;
        String runId = "it-" + Long.toHexString(System.nanoTime() & 0xffffff);
        List<JarRun> workers = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            Map<String, String> env = new HashMap<>(Map.of("JOB_COMPLETION_INDEX", Integer.toString(i),
                    "DIALTONE_SHARDS", Integer.toString(shards), "DIALTONE_RUN_ID", runId,
                    "BOB_PW", Lab.get("LAB_BOB_PASSWORD")));
            workers.add(JarRun.start(dir, "shard-" + i, env, "load", "sip:echo@lab.dialtone.test", "--ws-uri", Lab.wss(),
                    "--user", "bob", "--realm", Lab.get("LAB_REALM"), "--password-env", "BOB_PW", "--ca-file", Lab.ca(),
                    "--ice-bind", "127.0.0.1", "--calls", Integer.toString(calls), "--concurrency", "2", "--rate", "4",
                    "--duration", "2s", "--play", "tone:440", "--expect-audio", "--json", "--report",
                    dir.resolve("shard-" + i + ".html").toString()));
        }
        Set<String> callIds = new HashSet<>();
        Set<String> scenarios = new HashSet<>();
        List<String> files = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            JarRun w = workers.get(i);
            assertEquals(0, w.waitFor(Duration.ofSeconds(120)), w.toString());
            List<JsonNode> ev = Events.parse(w.out());
            for (JsonNode e : ev) {
                assertEquals(i + "/" + shards, e.path("shard").asText(), "every line carries the shard: " + e);
            }
            for (JsonNode s : Events.of(ev, "call.summary")) {
                assertTrue(scenarios.add(s.path("scenario").asText()), "a call placed twice: " + s);
                int g = Integer.parseInt(s.path("scenario").asText().replace("call#", ""));
                assertEquals(i, (g - 1) % shards, "call " + g + " belongs to shard " + (g - 1) % shards);
            }
            for (JsonNode s : Events.of(ev, "sip.sent")) {
                if (s.path("summary").asText().startsWith("INVITE ")) {
                    String raw = s.path("raw").asText();
                    String id = raw.replaceAll("(?s).*\r\nCall-ID: ([^\r\n]+)\r\n.*", "$1");
                    assertTrue(id.startsWith(runId + "-s" + i + "-c"), "the Call-ID names the run, shard and call: " + id);
                    callIds.add(id);
                }
            }
            Path f = dir.resolve("shard-" + i + ".jsonl");
            Files.writeString(f, w.out());
            files.add(f.toString());
        }
        assertEquals(calls, scenarios.size(), "every call of the run, once: " + scenarios);
        // a load run's report, in Chromium: a ladder per call of the shard, one arrow per SIP message
        JsonNode view = ReportIT.browser(dir.resolve("shard-0.html"), "load-shard-0");
        assertEquals(calls / shards, view.path("ladders").size(), view.toString());
        int arrows = 0;
        for (JsonNode l : view.path("ladders")) {
            arrows += l.path("arrows").asInt();
        }
        assertEquals(ReportIT.sipEvents(Events.parse(workers.get(0).out())).size(), arrows);
        assertEquals("PASS", view.path("verdict").asText());
        assertTrue(callIds.size() >= calls, "unique Call-IDs: " + callIds);
        List<String> a = new ArrayList<>(List.of("report", "merge"));
        a.addAll(files);
        Path junit = dir.resolve("merged.xml");
        a.addAll(List.of("--junit", junit.toString(), "--json"));
        JarRun merge = JarRun.start(dir, "merge", Map.of(), a.toArray(new String[0]));
        assertEquals(0, merge.waitFor(Duration.ofSeconds(60)), merge.toString());
        JsonNode s = new ObjectMapper().readTree(merge.out());
        assertEquals(shards, s.path("runs").asInt());
        assertEquals(calls, s.path("calls").asInt());
        assertEquals(0, s.path("callsFailed").asInt());
        String xml = Files.readString(junit);
        assertEquals(calls, xml.split("<testcase ").length - 1, xml);
        for (int g = 1; g <= calls; g++) {
            assertTrue(xml.contains("name=\"call#" + g + "\""), "call#" + g + " in " + xml);
        }
        Files.createDirectories(Path.of("target/reports"));
        Files.copy(junit, Path.of("target/reports").toAbsolutePath().resolve("shards-merged.xml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
