package dialtone.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.report.Redactor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The child's handling with stand-ins for dialtone (shell commands): a flood of output is bounded, a child that
 * ignores SIGTERM and one whose grandchild keeps the pipe open are killed at the deadline, secrets are masked.
 */
class ChildProbeTest {
    static final ServeConfig.Module MODULE = new ServeConfig.Module("m", "config", List.of(), List.of(), null, null, Duration.ofSeconds(5));

    static ChildProbe.Result run(String script, long deadlineMs, Redactor r) throws Exception {
        // sh -c SCRIPT sh ARGS...: the module's arguments arrive as $1.. and are ignored
        return ChildProbe.run(List.of("sh", "-c", script, "sh"), MODULE, null, Map.of("PATH", System.getenv("PATH")), r,
                System.nanoTime() + deadlineMs * 1_000_000);
    }

    @Test
    void aFloodOfOutputIsBoundedAndStoppedAtTheDeadline() throws Exception {
        long t0 = System.nanoTime();
        ChildProbe.Result res = run("yes '{\"type\":\"sip.received\",\"t\":1}'", 1500, new Redactor());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(res.timedOut());
        assertTrue(ms < 3500, "took " + ms + " ms");
        int kept = res.log().stream().mapToInt(String::length).sum();
        assertTrue(kept <= ChildProbe.MAX_LOG + 200, "kept " + kept);
        assertTrue(res.run().events() > 1000, "every line was still read and folded: " + res.run().events());
        assertFalse(res.verdict().success());
        assertEquals(ProbeRun.TIMEOUT_CAUSE, res.verdict().cause());
    }

    @Test
    void aLineWithoutEndIsCut() throws Exception {
        ChildProbe.Result res = run("head -c 3000000 /dev/zero | tr '\\0' x; echo; echo '{\"type\":\"run.finished\",\"passed\":true,\"exitCode\":0}'", 10_000, new Redactor());
        assertFalse(res.timedOut());
        assertTrue(res.log().get(0).length() <= ChildProbe.MAX_LINE);
        assertTrue(res.verdict().success(), "the verdict after the long line is read");
    }

    @Test
    void aChildThatIgnoresSigtermOrLeavesAGrandchildIsKilledAtTheDeadline() throws Exception {
        long t0 = System.nanoTime();
        ChildProbe.Result res = run("trap '' TERM; sleep 30 & sleep 30; wait", 1200, new Redactor());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(res.timedOut());
        assertTrue(ms < 3500, "took " + ms + " ms");
        Thread.sleep(200);
        long left = ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("trap '' TERM")).count();
        assertEquals(0, left, "the child is gone");
    }

    @Test
    void theVerdictAndExitCodeAreTheChilds() throws Exception {
        ChildProbe.Result res = run("echo '{\"type\":\"run.finished\",\"passed\":false,\"exitCode\":5,\"failure\":{\"layer\":\"REGISTRATION\",\"cause\":\"AUTHENTICATION_ERROR\",\"message\":\"pw Sekret-Value-1 wrong\"}}'; exit 5",
                5000, redactor());
        assertEquals(5, res.verdict().exitCode());
        assertEquals("REGISTRATION", res.verdict().layer());
        assertEquals("AUTHENTICATION_ERROR", res.verdict().cause());
        assertFalse(String.join("\n", res.log()).contains("Sekret-Value-1"), "the log is redacted");
        ChildProbe.Result lied = run("echo '{\"type\":\"run.finished\",\"passed\":true,\"exitCode\":0}'; exit 3", 5000, new Redactor());
        assertFalse(lied.verdict().success(), "a non-zero exit is a failure whatever the output said");
        assertEquals(3, lied.verdict().exitCode());
        assertEquals("CONFIG", lied.verdict().layer());
    }

    static Redactor redactor() {
        Redactor r = new Redactor();
        r.addSecret("Sekret-Value-1");
        return r;
    }
}
