package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * dialtone's loss and MOS against a known network: scripts/calibrate injects random loss with iptables on the
 * caller's media ports during real calls through the lab, and counts what it dropped. Reported loss must match the
 * injected loss within 1.5 percentage points, MOS must fall as loss rises, and `--assert loss<1%` must pass at 0 %
 * and fail at 5 %. (scripts/calibrate with no arguments runs 0, 2, 5 and 10 % with longer calls.)
 */
class CalibrationIT {
    @Test
    void reportedLossMatchesInjectedLoss() throws Exception {
        Path repo = Path.of(System.getProperty("dialtone.jar")).toAbsolutePath().getParent().getParent();
        Path log = Files.createTempFile("calibrate", ".log");
        Process p = new ProcessBuilder(repo.resolve("scripts/calibrate").toString(), "15", "0", "5")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
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
        assertEquals(2, levels.size(), out);
        for (Map<String, String> l : levels.values()) {
            double injected = Double.parseDouble(l.get("injected"));
            double reported = Double.parseDouble(l.get("reported"));
            assertTrue(Math.abs(injected - reported) <= 1.5, "injected " + injected + " %, reported " + reported + " %");
        }
        assertTrue(Double.parseDouble(levels.get(5).get("mos")) < Double.parseDouble(levels.get(0).get("mos")), out);
        assertEquals("0", levels.get(0).get("assert"), "loss<1% passes at 0 %: " + out);
        assertEquals("8", levels.get(5).get("assert"), "loss<1% fails at 5 %: " + out);
    }
}
