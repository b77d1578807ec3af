package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * dialtone's loss and MOS against a known network: scripts/calibrate injects loss (here every Nth RTP packet) with
 * iptables on the caller's media ports during real calls through the lab, and counts what it dropped. Reported loss must match the
 * injected loss within 1.5 percentage points, MOS must fall as loss rises, and `--assert loss<1%` must pass at 0 %
 * and fail at 2 % as an audio-quality failure (8): the call still carried 98 % of its packets. At 10 % the call carried
 * under 95 % of its packets (issue #23's rule), a media failure (7) whatever the assertion. (5 % is not used: it sits
 * on that 95 % line, and a run draws either side of it. scripts/calibrate with no arguments runs 0, 2, 5 and 10 % with
 * longer calls.)
 */
class CalibrationIT {
    @Test
    void reportedLossMatchesInjectedLoss() throws Exception {
        Path repo = Path.of(System.getProperty("dialtone.jar")).toAbsolutePath().getParent().getParent();
        Path log = Files.createTempFile("calibrate", ".log");
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("scripts/calibrate").toString(), "12", "0", "2", "10")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // every 50th packet, not a 2 % draw: random 2 % of 600 packets came out at 0.99 % in a run here, under the
        // assertion's 1 %, and the call passed it
        pb.environment().put("CALIBRATE_MODE", "nth");
        Process p = pb.start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "calibration did not finish");
        String out = Files.readString(log);
        System.out.println(out);
        assertEquals(0, p.exitValue(), out);
        Map<Integer, Map<String, String>> levels = new LinkedHashMap<>();
        for (String line : out.lines().filter(l -> l.startsWith("calibration ")).toList()) {
            Map<String, String> kv = new LinkedHashMap<>();
            for (String part : line.substring("calibration ".length()).split(" ")) {
                String[] x = part.split("=", 2);
                kv.put(x[0], x[1]);
            }
            levels.put(Integer.parseInt(kv.get("loss")), kv);
        }
        assertEquals(3, levels.size(), out);
        for (Map<String, String> l : levels.values()) {
            double injected = Double.parseDouble(l.get("injected"));
            double reported = Double.parseDouble(l.get("reported"));
            assertTrue(Math.abs(injected - reported) <= 1.5, "injected " + injected + " %, reported " + reported + " %");
        }
        assertTrue(Double.parseDouble(levels.get(2).get("mos")) < Double.parseDouble(levels.get(0).get("mos")), out);
        assertTrue(Double.parseDouble(levels.get(10).get("mos")) < Double.parseDouble(levels.get(2).get("mos")), out);
        assertEquals("0", levels.get(0).get("assert"), "loss<1% passes at 0 %: " + out);
        assertEquals("8", levels.get(2).get("assert"), "loss<1% fails at 2 %, an audio failure: " + out);
        assertEquals("7", levels.get(10).get("assert"), "10 % loss is under 95 % of the packets, a media failure: " + out);
    }

    /**
     * issue #22: media outages against known ones. scripts/calibrate-outage cuts a far end of its own (a node-webrtc
     * far end sending a tone) for a known time, by pausing its process (SIGSTOP/SIGCONT) and by dropping its packets
     * with iptables (on this call's own media ports only), and compares dialtone's media.outage with the true length:
     * within 150 ms; 0.5 s is a warning and the call passes, 1 s fails at the media layer (7). (The full table, 0.5, 1,
     * 3 and 10 s both ways: scripts/calibrate-outage with no arguments.)
     */
    @Test
    void outagesAreMeasuredWithinAHundredAndFiftyMilliseconds() throws Exception {
        Path repo = Path.of(System.getProperty("dialtone.jar")).toAbsolutePath().getParent().getParent();
        Path log = Files.createTempFile("calibrate-outage", ".log");
        Process p = new ProcessBuilder(repo.resolve("scripts/calibrate-outage").toString(), "--methods", "stop,drop",
                "--sizes", "0.5,1").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "calibration did not finish");
        String out = Files.readString(log);
        System.out.println(out);
        assertEquals(0, p.exitValue(), out);
        List<Map<String, String>> rows = new java.util.ArrayList<>();
        for (String line : out.lines().filter(l -> l.startsWith("outage ")).toList()) {
            Map<String, String> kv = new LinkedHashMap<>();
            for (String part : line.substring("outage ".length()).split(" ")) {
                String[] x = part.split("=", 2);
                kv.put(x[0], x[1]);
            }
            rows.add(kv);
        }
        assertEquals(4, rows.size(), out);
        for (Map<String, String> r : rows) {
            double size = Double.parseDouble(r.get("size"));
            assertTrue(Math.abs(Double.parseDouble(r.get("diff_ms"))) <= 150, "within 150 ms: " + r);
            assertEquals("no-packets", r.get("cause"), r.toString());
            if (size < 1) {
                assertEquals("false", r.get("failing"), "a glitch is a warning: " + r);
                assertEquals("0", r.get("exit"), "and the call passes: " + r);
            } else {
                assertEquals("true", r.get("failing"), "1 s is an outage: " + r);
                assertEquals("7", r.get("exit"), "a media failure: " + r);
            }
        }
    }
}
