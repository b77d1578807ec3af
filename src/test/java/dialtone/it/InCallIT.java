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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In-call control between two dialtones in the lab: DTMF, INFO, transcripts, scripts, the console. */
class InCallIT {
    static final Map<String, String> ENV = LabCall.env();

    @TempDir
    Path dir;
    JarRun answerer;
    /** Each test's answerer registers under its own user id, so a leftover registration can never answer. */
    final String callee = LabCall.newCallee();

    @AfterEach
    void stop() throws Exception {
        if (answerer != null) {
            answerer.signal("TERM");
            answerer.waitFor(Duration.ofSeconds(15));
        }
    }

    void answer(String mode, String... more) throws Exception {
        List<String> a = new ArrayList<>(List.of(more));
        a.add("--json");
        answerer = JarRun.start(dir, "answerer", ENV, LabCall.answerer(callee, mode, a.toArray(new String[0])));
        assertTrue(answerer.await("registration.registered", Duration.ofSeconds(15)), answerer.toString());
    }

    String[] caller(String... more) {
        return LabCall.caller(callee, more);
    }

    static String digits(String jsonl, String via) {
        StringBuilder sb = new StringBuilder();
        Matcher m = Pattern.compile("\"type\":\"call.dtmf-received\".*?\"digit\":\"(.)\",\"via\":\"" + via + "\"").matcher(jsonl);
        while (m.find()) {
            sb.append(m.group(1));
        }
        return sb.toString();
    }

    @Test
    void dtmfByInfoArrivesInOrder() throws Exception {
        answer("silence");
        JarRun c = JarRun.start(dir, "caller", ENV, caller("--dtmf", "1234567890*#", "--dtmf-delay", "500ms", "--duration", "5s"));
        assertEquals(0, c.waitFor(Duration.ofSeconds(40)), c.toString());
        assertTrue(c.out().contains("sent 1234567890*# (info)"), c.out());
        assertTrue(answerer.await("\"digit\":\"#\"", Duration.ofSeconds(5)), answerer.toString());
        assertEquals("1234567890*#", digits(answerer.out(), "INFO"), answerer.out());
    }

    @Test
    void dtmfByRfc4733ArrivesInOrder() throws Exception {
        answer("silence");
        JarRun c = JarRun.start(dir, "caller", ENV, caller("--dtmf", "159#*0", "--dtmf-mode", "rfc4733", "--dtmf-delay",
                "500ms", "--duration", "4s"));
        assertEquals(0, c.waitFor(Duration.ofSeconds(40)), c.toString());
        assertTrue(c.out().contains("sent 159#*0 (rfc4733)"), c.out());
        assertTrue(answerer.await("\"digit\":\"0\"", Duration.ofSeconds(5)), answerer.toString());
        assertEquals("159#*0", digits(answerer.out(), "audio"), answerer.out());
    }

    @Test
    void scriptedIvrWithInfoBothWaysAndATranscript() throws Exception {
        Path ivr = dir.resolve("ivr.txt");
        Files.writeString(ivr, String.join("\n", "# the bot's side", "expect-dtmf 1 10s",
                "info menu {\"_transcription\": {\"originator\": \"bot\", \"messages\": [{\"text\": \"You pressed one\"}]}}",
                "expect-info thanks 5s", "wait 2s"));
        answer("tone:1000", "--script", ivr.toString());
        Path script = dir.resolve("caller.txt");
        Files.writeString(script, String.join("\n", "expect-tone 1000 5s", "dtmf 1", "expect-info pressed 5s",
                "info thanks {\"rating\": 5}", "wait 500ms", "hangup"));
        Path xml = dir.resolve("ivr.xml");
        JarRun c = JarRun.start(dir, "caller", ENV, caller("--script", script.toString(), "--junit", xml.toString()));
        assertEquals(0, c.waitFor(Duration.ofSeconds(40)), c.toString());
        String o = c.out();
        assertTrue(o.contains("say    bot: You pressed one"), o);
        assertTrue(o.contains("#1 expect-tone 1000 5s: 1000 Hz heard"), o);
        assertTrue(o.contains("#3 expect-info pressed 5s: matched"), o);
        String x = Files.readString(xml);
        assertTrue(x.contains("name=\"step expect-tone 1000 5s\""), x);
        // the answerer's own events, parsed: its script step passed and it received the caller's INFO (its own
        // script line also says "thanks", so a text search would pass without any INFO)
        assertTrue(answerer.await("\"command\":\"expect-info thanks 5s\"", Duration.ofSeconds(3)), answerer.out());
        List<com.fasterxml.jackson.databind.JsonNode> ev = dialtone.testing.Events.parseSoFar(answerer.out());
        assertTrue(dialtone.testing.Events.of(ev, "call.step", e -> e.path("command").asText().equals("expect-info thanks 5s")
                && e.path("passed").asBoolean()).size() == 1, answerer.out());
        assertTrue(dialtone.testing.Events.of(ev, "call.info-received", e -> e.path("body").asText().contains("\"text\":\"thanks\"")
                && e.path("body").asText().contains("\"rating\":5")).size() == 1, answerer.out());
    }

    @Test
    void theSameScriptFailsWhenThePromptToneNeverComes() throws Exception {
        answer("silence");
        Path script = dir.resolve("caller.txt");
        Files.writeString(script, String.join("\n", "expect-tone 1000 3s", "dtmf 1", "hangup"));
        JarRun c = JarRun.start(dir, "caller", ENV, caller("--script", script.toString()));
        assertEquals(ExitCodes.AUDIO, c.waitFor(Duration.ofSeconds(40)), c.toString());
        assertTrue(c.err().contains("script line 1: expect-tone 1000 3s: no 1000 Hz within 3.0 s"), c.err());
    }

    @Test
    void aBadScriptIsAUsageErrorBeforeDialling() throws Exception {
        Path script = dir.resolve("bad.txt");
        Files.writeString(script, "wait 1s\njump 3\n");
        JarRun c = JarRun.start(dir, "caller", ENV, caller("--script", script.toString()));
        assertEquals(ExitCodes.USAGE, c.waitFor(Duration.ofSeconds(20)), c.toString());
        assertTrue(c.err().contains("line 2: unknown command 'jump'"), c.err());
        JarRun d = JarRun.start(dir, "caller2", ENV, caller("--dtmf", "12x"));
        assertEquals(ExitCodes.USAGE, d.waitFor(Duration.ofSeconds(20)), d.toString());
        assertTrue(d.err().contains("'x' is not a DTMF tone"), d.err());
    }

    @Test
    void referIsRefused() throws Exception {
        answer("silence");
        Path log = dir.resolve("sipp-refer.log");
        Process sipp = new ProcessBuilder("sipp", Lab.get("LAB_IP") + ":" + Lab.get("LAB_SIP_UDP_PORT"),
                "-sf", Lab.repo().resolve("scripts/lab/sipp-refer.xml").toString(), "-s", callee, "-m", "1",
                "-i", "127.0.0.1", "-p", "15098", "-mp", "16100", "-ci", "127.0.0.1", "-cp", "18886", "-nostdin",
                "-timeout", "20s", "-timeout_error").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(sipp.waitFor(30, TimeUnit.SECONDS), "sipp did not finish");
        assertEquals(0, sipp.exitValue(), "sipp scenario failed:\n" + Files.readString(log) + answerer);
        assertTrue(answerer.await("\"method\":\"REFER\",\"status\":603", Duration.ofSeconds(5)), answerer.toString());
    }

    @Test
    void answersAPlainRtpPhoneThroughRtpengine() throws Exception {
        Path ivr = dir.resolve("listen.txt");
        Files.writeString(ivr, "expect-tone 440 5s\n");
        answer("echo", "--script", ivr.toString());
        Path ulaw = dir.resolve("tone.ulaw");
        byte[] audio = new byte[8000 * 2];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = ulaw((short) (8000 * Math.sin(2 * Math.PI * 440 * i / 8000.0)));
        }
        Files.write(ulaw, audio);
        Path log = dir.resolve("sipp-plain.log");
        Process sipp = new ProcessBuilder("sipp", Lab.get("LAB_IP") + ":" + Lab.get("LAB_SIP_UDP_PORT"),
                "-sf", Lab.repo().resolve("scripts/lab/sipp-plain-caller.xml").toString(), "-s", callee, "-m", "1",
                "-i", "127.0.0.1", "-p", "15097", "-mi", "127.0.0.1", "-mp", "16200",
                "-ci", "127.0.0.1", "-cp", "18885", "-nostdin", "-timeout", "30s", "-timeout_error")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(sipp.waitFor(40, TimeUnit.SECONDS), "sipp did not finish");
        assertEquals(0, sipp.exitValue(), "sipp scenario failed:\n" + Files.readString(log) + answerer);
        String o = answerer.out();
        assertTrue(o.contains("\"type\":\"media.dtls\"") && o.contains("\"state\":\"connected\""), o);
        assertTrue(o.contains("\"command\":\"expect-tone 440 5s\",\"passed\":true"), o);
    }

    /** ITU-T G.711 mu-law. */
    static byte ulaw(short pcm) {
        int sign = (pcm >> 8) & 0x80;
        int v = sign != 0 ? -pcm : pcm;
        v = Math.min(v, 32635) + 0x84;
        int exp = 7;
        for (int mask = 0x4000; (v & mask) == 0 && exp > 0; mask >>= 1) {
            exp--;
        }
        int mant = (v >> (exp + 3)) & 0x0f;
        return (byte) ~(sign | (exp << 4) | mant);
    }

    @Test
    void interactiveConsoleInARealTerminal() throws Exception {
        answer("tone:1000");
        String session = "dialtone-it-" + ProcessHandle.current().pid();
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", System.getProperty("dialtone.jar")));
        cmd.addAll(List.of(caller("--interactive", "--no-color")));
        String shell = "ALICE_PW= BOB_PW='" + Lab.get("LAB_BOB_PASSWORD") + "' " + String.join(" ", cmd.stream()
                .map(s -> "'" + s + "'").toList()) + "; echo EXIT=$? ; sleep 30";
        run("tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "50", "bash", "-c", shell);
        try {
            assertTrue(waitPane(session, "dialtone>", 20), pane(session));
            assertTrue(waitPane(session, "ICE connected", 10), pane(session));
            run("tmux", "send-keys", "-t", session, "dtmf 12#", "Enter");
            assertTrue(waitPane(session, "sent 12# (info)", 10), pane(session));
            run("tmux", "send-keys", "-t", session, "bogus", "Enter");
            assertTrue(waitPane(session, "unknown command 'bogus'", 10), pane(session));
            run("tmux", "send-keys", "-t", session, "stats", "Enter");
            run("tmux", "send-keys", "-t", session, "hangup", "Enter");
            assertTrue(waitPane(session, "EXIT=0", 20), pane(session));
            String p = pane(session);
            assertTrue(p.contains("ended by local"), p);
        } finally {
            run("tmux", "kill-session", "-t", session);
        }
        assertTrue(answerer.await("\"digit\":\"#\"", Duration.ofSeconds(5)), answerer.toString());
    }

    static void run(String... cmd) throws Exception {
        new ProcessBuilder(cmd).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
    }

    static String pane(String session) throws Exception {
        Process p = new ProcessBuilder("tmux", "capture-pane", "-p", "-S", "-200", "-t", session).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes());
        p.waitFor(5, TimeUnit.SECONDS);
        return s;
    }

    static boolean waitPane(String session, String text, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (pane(session).contains(text)) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }
}
