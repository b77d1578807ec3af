package dialtone.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.report.Redactor;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A config module run in the exporter's JVM, with stand-ins for dialtone's command line: its lines and precise
 * phases are folded, secrets masked, and a run that outlives its deadline is answered in time but keeps its slot
 * until its thread has ended.
 */
class InProcessProbeTest {
    static final ServeConfig.Module MODULE = new ServeConfig.Module("c", "config", List.of("--ca-file", "ca.pem"), List.of(), null,
            "C2C_URL", Duration.ofSeconds(5));
    static final String FETCHED = "{\"type\":\"config.fetched\",\"t\":5,\"status\":200,\"timing\":{\"dnsMs\":0,\"connectMs\":1,\"tlsMs\":3,\"firstByteMs\":0,\"totalMs\":7}}";

    @Test
    void theCommandLinesLinesAndItsPrecisePhasesMakeTheMetrics() throws Exception {
        AtomicReference<List<String>> args = new AtomicReference<>();
        AtomicReference<Map<String, String>> env = new AtomicReference<>();
        AtomicInteger released = new AtomicInteger();
        InProcessProbe.Runner runner = (a, e, out, err, phases) -> {
            args.set(a);
            env.set(e);
            phases.accept(new ProbeRun.FetchPhases(0.00001, 0.0011, 0.0034, 0.0007, 0.00015, 0.0071));
            PrintWriter o = new PrintWriter(out);
            o.println(FETCHED);
            o.print("{\"type\":\"run.finished\",\"passed\":true,\"exitCode\":0,\"durationMs\":9}\n");
            o.flush();
            new PrintWriter(err, true).println("a line on stderr naming s3cr3t-token-value");
            return 0;
        };
        Redactor r = new Redactor();
        r.addSecret("s3cr3t-token-value");
        ChildProbe.Result res = InProcessProbe.run(runner, MODULE, null, Map.of("C2C_URL", "https://h/c2c/s3cr3t-token-value", "PATH", "/bin"), r,
                System.nanoTime() + 5_000_000_000L, released::incrementAndGet);
        assertEquals(List.of("config", "--ca-file", "ca.pem", "--json"), args.get());
        assertEquals("https://h/c2c/s3cr3t-token-value", env.get().get("DIALTONE_ENDPOINT"), "the endpoint as the command line reads it");
        assertEquals("1", env.get().get("NO_COLOR"));
        assertTrue(res.verdict().success());
        assertEquals(0, res.verdict().exitCode());
        assertFalse(res.timedOut());
        assertEquals(1, released.get());
        assertEquals(2, res.log().size());
        assertFalse(res.stderr().contains("s3cr3t"), res.stderr());
        Map<String, Double> m = ProbeRunTest.samples(ProbeRunTest.text(res.run().metrics(res.verdict(), res.wallSeconds(), false)));
        // the precise phases, not the line's whole milliseconds
        assertEquals(0.0011, m.get("dialtone_phase_seconds{phase=\"fetch_connect\"}"));
        assertEquals(0.0034, m.get("dialtone_phase_seconds{phase=\"fetch_tls\"}"));
        assertEquals(0.0007, m.get("dialtone_phase_seconds{phase=\"fetch_processing\"}"));
        assertEquals(0.00015, m.get("dialtone_phase_seconds{phase=\"fetch_transfer\"}"));
        assertEquals(0.00001, m.get("dialtone_phase_seconds{phase=\"fetch_resolve\"}"));
        assertEquals(0.0071, m.get("dialtone_phase_seconds{phase=\"fetch\"}"));
    }

    @Test
    void aRunPastItsDeadlineIsInterruptedAndAnsweredInTime() throws Exception {
        AtomicInteger released = new AtomicInteger();
        InProcessProbe.Runner runner = (a, e, out, err, phases) -> {
            PrintWriter o = new PrintWriter(out, true);
            o.println("{\"type\":\"config.fetching\",\"t\":1}");
            try {
                Thread.sleep(30_000);
                return 0;
            } catch (InterruptedException x) {
                o.println("{\"type\":\"config.failed\",\"t\":2,\"failure\":{\"layer\":\"CONFIG\",\"cause\":\"CONFIG_FETCH_FAILED\",\"message\":\"interrupted\"}}");
                o.println("{\"type\":\"run.finished\",\"passed\":false,\"exitCode\":3,\"failure\":{\"layer\":\"CONFIG\",\"cause\":\"CONFIG_FETCH_FAILED\"}}");
                return 3;
            }
        };
        long t0 = System.nanoTime();
        ChildProbe.Result res = InProcessProbe.run(runner, MODULE, null, Map.of(), new Redactor(), System.nanoTime() + 1_200_000_000L,
                released::incrementAndGet);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1500, "answered after " + ms + " ms");
        assertTrue(res.timedOut());
        assertFalse(res.verdict().success());
        assertEquals(ProbeRun.TIMEOUT_CAUSE, res.verdict().cause());
        assertEquals("CONFIG", res.verdict().layer());
        assertEquals(3, res.verdict().exitCode());
        assertEquals(1, released.get());
    }

    @Test
    void aRunThatIgnoresTheInterruptIsAnsweredAtTheDeadlineAndKeepsItsSlotUntilItEnds() throws Exception {
        AtomicInteger released = new AtomicInteger();
        CountDownLatch letGo = new CountDownLatch(1);
        InProcessProbe.Runner runner = (a, e, out, err, phases) -> {
            while (true) {
                try {
                    letGo.await();
                    return 0;
                } catch (InterruptedException x) {
                    // ignored: a fetch stuck where an interrupt does not reach
                }
            }
        };
        long t0 = System.nanoTime();
        ChildProbe.Result res = InProcessProbe.run(runner, MODULE, null, Map.of(), new Redactor(), System.nanoTime() + 1_000_000_000L,
                released::incrementAndGet);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 950 && ms < 1500, "answered after " + ms + " ms");
        assertTrue(res.timedOut());
        assertEquals(-1, res.verdict().exitCode() == null ? -1 : res.verdict().exitCode());
        assertEquals(ProbeRun.TIMEOUT_CAUSE, res.verdict().cause());
        assertEquals(0, released.get(), "the slot is held while the run goes on");
        letGo.countDown();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (released.get() == 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(1, released.get(), "given back once the run ended");
    }
}
