package dialtone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.CallEvent;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.MediaEvent;
import dialtone.event.RunEvent;
import dialtone.support.DialtoneException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merging runs: the unit is the call, no failure is hidden, foreign input is one line. */
class MergeReportTest {
    static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    @TempDir
    Path dir;

    Path file(String name, List<Event> events) throws Exception {
        StringWriter sw = new StringWriter();
        JsonLinesReporter r = new JsonLinesReporter(new PrintWriter(sw), new Redactor());
        events.forEach(r::accept);
        Path p = dir.resolve(name);
        Files.writeString(p, sw.toString());
        return p;
    }

    static List<Event> call(String sc, boolean ok, long setup, double mos) {
        List<Event> l = new ArrayList<>();
        l.add(new CallEvent.Answered(T0.plusMillis(setup), sc, setup, "opus"));
        l.add(new MediaEvent.FirstAudio(T0.plusMillis(setup + 40), sc, 40));
        if (!ok) {
            l.add(new CallEvent.Failed(T0.plusSeconds(2), sc, Failure.of(Layer.MEDIA, dialtone.event.Cause.ICE_FAILED, "ICE failed")));
        }
        l.add(new CallEvent.Summary(T0.plusSeconds(3), sc, setup, 3000, mos, null));
        return l;
    }

    static List<Event> run(String command, List<Event> body, Failure failure) {
        List<Event> l = new ArrayList<>();
        l.add(new RunEvent.Started(T0, command, 1, "dialtone", "test", command));
        l.addAll(body);
        l.add(new RunEvent.Finished(T0.plusSeconds(4), command, failure == null, failure == null ? 0
                : dialtone.cli.ExitCodes.of(failure.layer()), 4000, failure, Map.of()));
        return l;
    }

    @Test
    void callsAreTheUnitAndEveryFailureCounts() throws Exception {
        Path a = file("a.jsonl", run("call", call("call", true, 120, 4.3), null));
        List<Event> load = new ArrayList<>();
        load.addAll(call("call#1", true, 100, 4.4));
        load.addAll(call("call#2", false, 300, -1));
        load.addAll(call("call#3", true, 200, 3.9));
        Path b = file("b.jsonl", run("load", load, null)); // within its own allowed failure rate
        Path c = file("c.jsonl", run("register", List.of(), Failure.of(Layer.REGISTRATION,
                dialtone.event.Cause.AUTHENTICATION_ERROR, "403 Forbidden")));
        List<Event> cut = run("call", call("call", true, 150, 4.2), null);
        Path d = file("d.jsonl", cut.subList(0, cut.size() - 1)); // killed: no run.finished
        MergeReport.Summary s = MergeReport.merge(List.of(a, b, c, d), 0);
        assertEquals(4, s.runs());
        assertEquals(2, s.runsPassed());
        assertEquals(1 + 3 + 1 + 1, s.calls());
        assertEquals(3, s.callsFailed(), "the failed load call, the registration run, the incomplete run");
        assertFalse(s.passed());
        assertEquals(List.of("MEDIA/ICE_FAILED", "REGISTRATION/AUTHENTICATION_ERROR", "internal/incomplete").stream().sorted().toList(),
                s.failures().stream().map(MergeReport.Group::key).sorted().toList());
        assertEquals(150L, s.figures().get("setupMsP50"), "p50 of 100, 120, 150, 200, 300");
        assertEquals(300L, s.figures().get("setupMsMax"));
        assertEquals(3.9, s.figures().get("mosMin"));
        String junit = MergeReport.junit(s);
        assertTrue(junit.contains("tests=\"6\" failures=\"3\""), junit);
        assertTrue(MergeReport.merge(List.of(a, b, c, d), 0.5).passed(), "3 of 6 failed: allowed at 50 %");
        assertTrue(MergeReport.merge(List.of(a), 0).passed());
    }

    @Test
    void aCheckThatFailedTheRunFailsItsCall() throws Exception {
        List<Event> body = new ArrayList<>(call("call", true, 100, 4.4));
        body.add(new CallEvent.Check(T0.plusSeconds(3), "call", "expect-tone 1000", false, "not heard"));
        Path a = file("a.jsonl", run("call", body, Failure.of(Layer.AUDIO, dialtone.event.Cause.ASSERTION_FAILED, "tone not heard")));
        MergeReport.Summary s = MergeReport.merge(List.of(a), 0);
        assertEquals(1, s.calls());
        assertEquals(1, s.callsFailed());
        assertEquals("audio", s.exitLayer().toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void foreignInputIsOneLineAndNoStackTrace() throws Exception {
        Path text = dir.resolve("human.txt");
        Files.writeString(text, "+ 0.000s run    dialtone 0.1.0 call\n+ 0.1s PASS\n");
        DialtoneException e = assertThrows(DialtoneException.class, () -> MergeReport.merge(List.of(text), 0));
        assertTrue(e.getMessage().contains("not dialtone's JSON lines"), e.getMessage());
        Path missing = dir.resolve("nope.jsonl");
        assertTrue(assertThrows(DialtoneException.class, () -> MergeReport.merge(List.of(missing), 0)).getMessage()
                .contains("no such file"));
        Path newer = dir.resolve("newer.jsonl");
        Files.writeString(newer, "{\"type\":\"run.started\",\"schemaVersion\":2}\n");
        assertTrue(assertThrows(DialtoneException.class, () -> MergeReport.merge(List.of(newer), 0)).getMessage()
                .contains("schema 2"));
        Path binary = dir.resolve("bin.jsonl");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '\n'});
        assertThrows(DialtoneException.class, () -> MergeReport.merge(List.of(binary), 0));
    }

    @Test
    void hostileTextInAFileIsEscapedInEveryOutput() throws Exception {
        String evil = "<script>x</script>\u001b[2J";
        Path a = file("a.jsonl", run("call", List.of(), Failure.of(Layer.CALL, dialtone.event.Cause.REJECTED, evil)));
        Path b = dir.resolve("b.jsonl");
        Files.writeString(b, "{\"type\":\"run.started\",\"scenario\":\"x\",\"schemaVersion\":1,\"command\":\"call\\u001b[2J\",\"shard\":\"1/2\\u001b]0;t\"}\n");
        MergeReport.Summary s = MergeReport.merge(List.of(a, b), 0);
        assertFalse(MergeReport.human(s).contains("\u001b"));
        assertFalse(MergeReport.junit(s).contains("\u001b"));
        String page = HtmlReport.renderMerge(s).text();
        assertFalse(page.contains("<script>"));
        assertFalse(page.contains("\u001b"));
    }

    static final String STARTED = "{\"type\":\"run.started\",\"t\":0,\"scenario\":\"call\",\"schemaVersion\":1,\"command\":\"call\"}\n";

    /** The one-line error a file gives, checked to name the file and the line and to exit 3 from the real command. */
    String refused(String name, String content, int line) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        DialtoneException e = assertThrows(DialtoneException.class, () -> MergeReport.merge(List.of(p), 0), name);
        assertEquals(Layer.CONFIG, e.failure().layer());
        assertTrue(e.getMessage().startsWith(p + ":" + line + ": "), e.getMessage());
        dialtone.testing.CliRun r = dialtone.testing.CliRun.run("report", "merge", p.toString());
        assertEquals(dialtone.cli.ExitCodes.CONFIG, r.rc(), r.toString());
        assertEquals("dialtone: " + e.getMessage(), r.err().strip());
        return e.getMessage().substring((p + ":" + line + ": ").length());
    }

    @Test
    void malformedEventsExit3WithTheFileTheLineAndWhatWasWrong() throws Exception {
        assertEquals("run.finished: \"failure\" is missing (a failed run or call names its failure)", refused("missing.jsonl",
                STARTED + "{\"type\":\"run.finished\",\"t\":1,\"scenario\":\"call\",\"passed\":false,\"exitCode\":7}\n", 2));
        assertEquals("run.finished: \"passed\" is a string, not true or false", refused("type.jsonl",
                STARTED + "{\"type\":\"run.finished\",\"scenario\":\"call\",\"passed\":\"no\",\"exitCode\":7}\n", 2));
        assertEquals("run.finished: \"failure\" is a string, not an object", refused("failure-type.jsonl",
                STARTED + "{\"type\":\"run.finished\",\"scenario\":\"call\",\"passed\":false,\"exitCode\":7,\"failure\":\"boom\"}\n", 2));
        assertTrue(refused("layer.jsonl", STARTED + "{\"type\":\"run.finished\",\"scenario\":\"call\",\"passed\":false,"
                + "\"exitCode\":7,\"failure\":{\"layer\":\"warp\",\"cause\":\"X\",\"message\":\"m\"}}\n", 2)
                .startsWith("run.finished: failure.layer \"warp\" is not a layer of dialtone's (CONFIG, "));
        assertEquals("call.summary: \"setupMs\" is missing (an integer)", refused("summary.jsonl",
                STARTED + "{\"type\":\"call.summary\",\"scenario\":\"call\",\"mos\":4.1}\n", 2));
        assertEquals("call.failed: \"failure\" is missing (a failed run or call names its failure)", refused("failed.jsonl",
                STARTED + "\n{\"type\":\"call.failed\",\"scenario\":\"call\"}\n", 3));
        assertEquals("media.first-audio: \"sinceAnswerMs\" is a string, not an integer", refused("audio.jsonl",
                STARTED + "{\"type\":\"media.first-audio\",\"scenario\":\"call\",\"sinceAnswerMs\":\"40\"}\n", 2));
        assertEquals("call.check: \"passed\" is missing (true or false)", refused("check.jsonl",
                STARTED + "{\"type\":\"call.check\",\"scenario\":\"call\",\"name\":\"expect-tone 1000\"}\n", 2));
        assertEquals("call.failed: \"scenario\" is a number, not a string", refused("scenario.jsonl",
                STARTED + "{\"type\":\"call.failed\",\"scenario\":5,\"failure\":{\"layer\":\"MEDIA\",\"cause\":\"X\"}}\n", 2));
        assertTrue(refused("notjson.jsonl", STARTED + "{\"type\":\"call.answered\",\n{}\n", 2)
                .startsWith("not dialtone's JSON lines (not JSON: "));
        assertTrue(refused("array.jsonl", STARTED + "[1,2]\n", 2).startsWith("not dialtone's JSON lines (not an object but an array)"));
        assertTrue(refused("second.jsonl", STARTED + "{\"type\":\"run.finished\",\"scenario\":\"call\",\"passed\":true,"
                + "\"exitCode\":0}\n" + STARTED, 3).startsWith("a second run"));
        assertTrue(refused("first.jsonl", "{\"type\":\"call.answered\",\"scenario\":\"call\"}\n" + STARTED, 1)
                .contains("the first event is call.answered, not run.started"));
        Path bin = dir.resolve("latin1.jsonl");
        Files.write(bin, (STARTED + "{\"type\":\"x\",\"s\":\"\u00e9\"}\n").getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(assertThrows(DialtoneException.class, () -> MergeReport.merge(List.of(bin), 0)).getMessage()
                .equals(bin + ":2: not UTF-8 text: not dialtone's JSON lines"));
    }

    @Test
    void aCutOffRunIsIncompleteAndFailedButNotAnErrorAndNever70() throws Exception {
        Path cut = dir.resolve("cut.jsonl");
        Files.writeString(cut, STARTED + "{\"type\":\"call.answered\",\"t\":5,\"scen"); // no newline: cut while written
        MergeReport.Summary s = MergeReport.merge(List.of(cut), 0);
        assertFalse(s.passed());
        assertEquals(List.of("internal/incomplete"), s.failures().stream().map(MergeReport.Group::key).toList());
        assertEquals("incomplete", s.exitLayer());
        dialtone.testing.CliRun r = dialtone.testing.CliRun.run("report", "merge", cut.toString());
        assertEquals(dialtone.cli.ExitCodes.CONFIG, r.rc(), r.toString());
        assertTrue(r.out().startsWith("FAIL: 1 runs (0 passed)"), r.out());
        assertTrue(r.err().contains("did not finish"), r.err());
        Path nan = dir.resolve("nan.jsonl"); // what dialtone's writer makes of a figure that is not a number
        Files.writeString(nan, STARTED + "{\"type\":\"call.summary\",\"scenario\":\"call\",\"setupMs\":90,\"mos\":NaN}\n"
                + "{\"type\":\"run.finished\",\"scenario\":\"call\",\"passed\":true,\"exitCode\":0}\n");
        assertTrue(MergeReport.merge(List.of(nan), 0).passed());
        Path late = dir.resolve("late.jsonl"); // an event of the teardown after the verdict: the verdict stands
        Files.writeString(late, STARTED + "{\"type\":\"run.finished\",\"scenario\":\"call\",\"passed\":true,\"exitCode\":0}\n"
                + "{\"type\":\"transport.closed\",\"scenario\":\"call\"}\n");
        assertTrue(MergeReport.merge(List.of(late), 0).passed());
        Path killed = dir.resolve("killed.jsonl"); // SIGKILL: whole lines, no run.finished
        Files.writeString(killed, STARTED);
        r = dialtone.testing.CliRun.run("report", "merge", killed.toString(), cut.toString());
        assertEquals(dialtone.cli.ExitCodes.CONFIG, r.rc(), r.toString());
    }

    @Test
    void whatIsNotARegularFileIsRefusedAndNothingHangs() throws Exception {
        Path fifo = dir.resolve("fifo.jsonl");
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
        Path sub = Files.createDirectory(dir.resolve("sub.jsonl"));
        Path zero = Path.of("/dev/zero");
        Path link = Files.createSymbolicLink(dir.resolve("zero.jsonl"), zero);
        for (Path p : List.of(zero, fifo, sub, link)) {
            dialtone.testing.CliRun r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                    () -> dialtone.testing.CliRun.run("report", "merge", p.toString()), p.toString());
            assertEquals(dialtone.cli.ExitCodes.CONFIG, r.rc(), r.toString());
            assertTrue(r.err().strip().matches("dialtone: \\Q" + p + "\\E is (a character device|a FIFO|a directory).*"), r.err());
        }
    }

    @Test
    void aLineWithoutEndIsBoundedNotReadToTheEnd() throws Exception {
        Path big = dir.resolve("big.jsonl");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(2L << 30); // 2 GB of zeros without a newline (sparse: costs no disk)
        }
        long t0 = System.nanoTime();
        dialtone.testing.CliRun r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> dialtone.testing.CliRun.run("report", "merge", big.toString()));
        assertEquals(dialtone.cli.ExitCodes.CONFIG, r.rc(), r.toString());
        assertEquals("dialtone: " + big + ":1: a line longer than 1 MiB: not dialtone's JSON lines", r.err().strip());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
    }
}
