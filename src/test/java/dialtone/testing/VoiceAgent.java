package dialtone.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The lab's voice agent (scripts/hostile/agent.js: node-webrtc, not dialtone), started by a test on a port of its own,
 * and its record of a call: its true times, on its own clock, in milliseconds.
 */
public final class VoiceAgent implements AutoCloseable {
    private final Process process;
    private final Path logs;
    public final int port;

    private VoiceAgent(Process p, Path logs, int port) {
        this.process = p;
        this.logs = logs;
        this.port = port;
    }

    public static VoiceAgent start(Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path logs = Files.createDirectories(dir.resolve("agent-logs"));
        Path out = dir.resolve("agent.out");
        ProcessBuilder pb = new ProcessBuilder("node", Lab.repo().resolve("scripts/hostile/agent.js").toString(),
                String.valueOf(port), logs.toString()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("LAB_TURN_PORT", Lab.get("LAB_TURN_PORT"));
        pb.environment().put("LAB_TURN_USER", Lab.get("LAB_TURN_USER"));
        pb.environment().put("LAB_TURN_PASSWORD", Lab.get("LAB_TURN_PASSWORD"));
        Process p = pb.start();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(out) && Files.readString(out).contains("voice agent")) {
                return new VoiceAgent(p, logs, port);
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("the voice agent did not start: " + (Files.exists(out) ? Files.readString(out) : ""));
    }

    public String ws(String id, String query) {
        return "ws://127.0.0.1:" + port + "/agent?id=" + id + (query.isEmpty() ? "" : "&" + query);
    }

    /** What the agent recorded of call {@code id}. */
    public Record record(String id) throws IOException {
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> all = new ArrayList<>();
        for (String l : Files.readAllLines(logs.resolve(id + ".jsonl"))) {
            if (!l.isBlank()) {
                all.add(m.readTree(l));
            }
        }
        return new Record(all);
    }

    /** The agent's own figures, in ms on its clock. */
    public record Record(List<JsonNode> events) {
        List<JsonNode> of(String ev) {
            return events.stream().filter(e -> e.path("ev").asText().equals(ev)).toList();
        }

        public double greetingMs() {
            return of("said").get(0).path("start").asDouble() - of("answered").get(0).path("t").asDouble();
        }

        /** For each prompt after the greeting: its start minus the end of the caller's utterance before it. */
        public List<Double> latenciesMs() {
            List<Double> out = new ArrayList<>();
            List<JsonNode> said = of("said");
            for (JsonNode s : said.subList(1, said.size())) {
                double start = s.path("start").asDouble();
                double heardEnd = Double.NaN;
                for (JsonNode h : of("heard")) {
                    if (h.path("end").asDouble() <= start) {
                        heardEnd = h.path("end").asDouble();
                    }
                }
                out.add(start - heardEnd);
            }
            return out;
        }

        /** For each prompt after the greeting: the think time it waited (ms). */
        public List<Integer> thinksMs() {
            List<JsonNode> said = of("said");
            return said.subList(1, said.size()).stream().map(s -> s.path("think").asInt(-1)).toList();
        }

        /** For each barge-in: from hearing the caller to the end of the last audible sample it sent. */
        public List<Double> overrunsMs() {
            return of("barge").stream().map(b -> b.path("stopped").asDouble() - b.path("heard").asDouble()).toList();
        }

        public int prompts() {
            return of("said").size();
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
