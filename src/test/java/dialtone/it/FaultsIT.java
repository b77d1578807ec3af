package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.cli.ExitCodes;
import dialtone.testing.JarRun;
import dialtone.testing.Lab;
import dialtone.testing.LabCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers killed in the middle of things: each fault has a defined, bounded outcome. The servers killed here are the
 * lab's second Kamailio and coturn (kamailio-faults, coturn-faults), so the tests that share the lab are never
 * disturbed; scripts/lab-start brings them back after each test.
 */
class FaultsIT {
    static final Map<String, String> ENV = LabCall.env();

    @TempDir
    Path dir;
    JarRun answerer;
    final String callee = LabCall.newCallee();

    @AfterEach
    void restoreTheLab() throws Exception {
        if (answerer != null) {
            answerer.signal("TERM");
            answerer.waitFor(Duration.ofSeconds(15));
        }
        Process p = new ProcessBuilder(Lab.repo().resolve("scripts/lab-start").toString()).redirectErrorStream(true)
                .redirectOutput(Lab.dir().resolve("log/faults-restart.log").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    }

    static void kill(String name) throws Exception {
        long pid = Long.parseLong(Files.readString(Lab.dir().resolve("run/" + name + ".pid")).trim());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        for (int i = 0; i < 50 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(100);
        }
    }

    /** The same command lines as every lab call, on the fault tests' own Kamailio. */
    static String[] onFaultsKamailio(String[] args) {
        String faults = "wss://127.0.0.1:" + Lab.get("LAB_FAULTS_WSS_PORT");
        return java.util.Arrays.stream(args).map(a -> a.equals(Lab.wss()) ? faults : a).toArray(String[]::new);
    }

    void answer() throws Exception {
        answerer = JarRun.start(dir, "answerer", ENV, onFaultsKamailio(LabCall.answerer(callee, "tone:1000")));
        assertTrue(answerer.await("registered sip:", Duration.ofSeconds(15)), answerer.toString());
    }

    JarRun call(String... more) throws Exception {
        return JarRun.start(dir, "caller", ENV, onFaultsKamailio(LabCall.caller(callee, more)));
    }

    @Test
    void kamailioKilledDuringACallEndsItWithAConnectionCause() throws Exception {
        answer();
        JarRun c = call("--duration", "30s", "--json");
        assertTrue(c.await("\"type\":\"call.answered\"", Duration.ofSeconds(20)), c.toString());
        kill("kamailio-faults");
        long t0 = System.nanoTime();
        assertEquals(ExitCodes.TRANSPORT, c.waitFor(Duration.ofSeconds(30)), c.toString());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 15_000);
        assertTrue(c.err().contains("was lost") && c.err().contains("during the call"), c.err());
        assertTrue(c.out().strip().lines().reduce((x, y) -> y).orElse("").contains("\"type\":\"run.finished\""), c.out());
    }

    @Test
    void coturnStoppedDuringARelayedCallEndsItWithAMediaCause() throws Exception {
        answer();
        JarRun c = call("--duration", "40s", "--relay-only", "--ice-server", "turn:127.0.0.1:" + Lab.get("LAB_FAULTS_TURN_PORT")
                + "?transport=udp", "--turn-user", Lab.get("LAB_TURN_USER"), "--turn-password-env", "TP");
        assertTrue(c.await("selected pair: local relay", Duration.ofSeconds(20)), c.toString());
        kill("coturn-faults");
        long t0 = System.nanoTime();
        assertEquals(ExitCodes.MEDIA, c.waitFor(Duration.ofSeconds(40)), c.toString());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 25_000);
        // whichever end's 12 s timer for a dead path fires first: this one's says the path was lost; the far end's BYE
        // ends the call first and the verdict is the outage the presence measured, naming the relay (both MEDIA)
        assertTrue(c.err().contains("the media path was lost")
                || c.err().contains("the TURN relay of the media path stopped answering"), c.err());
    }
}
