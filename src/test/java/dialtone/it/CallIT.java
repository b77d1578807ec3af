package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.cli.ExitCodes;
import dialtone.testing.JarRun;
import dialtone.testing.Lab;
import dialtone.testing.LabCall;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real calls in the lab: one dialtone registers as alice and answers ({@code register --answer}), another calls
 * alice through Kamailio over WSS. Media goes over 127.0.0.1 (--ice-bind), DTLS-SRTP, Opus.
 */
class CallIT {
    static final Map<String, String> ENV = LabCall.env();

    @TempDir
    Path dir;
    JarRun answerer;
    /** Each test's answerer registers under its own user id, so a leftover registration can never answer. */
    final String callee = LabCall.newCallee();

    @AfterEach
    void stopAnswerer() throws Exception {
        if (answerer != null) {
            answerer.signal("TERM");
            answerer.waitFor(Duration.ofSeconds(15));
        }
    }

    void answer(String mode, String... more) throws Exception {
        answerer = JarRun.start(dir, "answerer", ENV, LabCall.answerer(callee, mode, more));
        assertTrue(answerer.await("registered sip:", Duration.ofSeconds(15)), answerer.toString());
    }

    JarRun call(String... more) throws Exception {
        return JarRun.start(dir, "caller", ENV, LabCall.caller(callee, more));
    }

    static void assertNoSecrets(String text) {
        for (String s : Lab.secrets()) {
            assertFalse(text.contains(s), "secret leaked:\n" + text);
        }
    }

    @Test
    void toneFromTheFarEndIsHeardAndRecorded() throws Exception {
        answer("tone:1000");
        Path rec = dir.resolve("rec.wav");
        Path xml = dir.resolve("call.xml");
        JarRun c = call("--play", "tone:440", "--expect-tone", "1000", "--expect-audio", "--duration", "3s",
                "--record", rec.toString(), "--junit", xml.toString());
        assertEquals(0, c.waitFor(Duration.ofSeconds(40)), c.toString());
        String o = c.out();
        assertTrue(o.contains("DTLS connected"), o);
        assertTrue(o.contains("(matches the SDP)"), o);
        assertTrue(o.contains("SRTP AES"), o);
        assertTrue(o.contains("selected pair: local"), o);
        assertTrue(o.contains("ok   expect-tone 1000"), o);
        assertTrue(o.contains("ok   expect-audio"), o);
        assertTrue(o.contains("estimated MOS"), o);
        try (AudioInputStream in = AudioSystem.getAudioInputStream(rec.toFile())) {
            double secs = in.getFrameLength() / in.getFormat().getFrameRate();
            assertTrue(secs > 2.0 && secs < 4.5, "recording of " + secs + " s");
        }
        // the recording carries the far end's tone
        dialtone.media.WavReader.Pcm pcm = dialtone.media.WavReader.read(rec);
        dialtone.media.AudioAnalyzer an = new dialtone.media.AudioAnalyzer(1000, 440);
        int frame = pcm.rate() / 100;
        byte[] b = new byte[frame * 2];
        for (int off = 0; off + frame <= pcm.samples().length; off += frame) {
            for (int i = 0; i < frame; i++) {
                b[2 * i] = (byte) pcm.samples()[off + i];
                b[2 * i + 1] = (byte) (pcm.samples()[off + i] >> 8);
            }
            an.accept(b, 16, pcm.rate(), 1, frame);
        }
        assertTrue(an.toneShare(0) > 0.8 && an.toneShare(1) < 0.1, "1000 Hz share in the recording: " + an.toneShare(0));
        String x = Files.readString(xml);
        assertTrue(x.contains("expect-tone") || x.contains("<testcase"), x);
        assertNoSecrets(o + c.err() + x);
    }

    /** The share of {@code hz} (of 1000 and 440) in one channel of a 16-bit WAV, read by javax.sound (not our reader). */
    static double toneShare(Path wav, int channel, double hz) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            javax.sound.sampled.AudioFormat f = in.getFormat();
            assertEquals(2, f.getChannels(), "a stereo recording: " + f);
            assertEquals(16, f.getSampleSizeInBits());
            byte[] all = in.readAllBytes();
            int rate = (int) f.getSampleRate();
            int frame = rate / 100;
            dialtone.media.AudioAnalyzer an = new dialtone.media.AudioAnalyzer(hz, hz == 1000 ? 440 : 1000);
            byte[] b = new byte[frame * 2];
            for (int off = 0; off + frame * 4 <= all.length; off += frame * 4) {
                for (int i = 0; i < frame; i++) {
                    b[2 * i] = all[off + 4 * i + 2 * channel];
                    b[2 * i + 1] = all[off + 4 * i + 2 * channel + 1];
                }
                an.accept(b, 16, rate, 1, frame);
            }
            return an.toneShare(0);
        }
    }

    /**
     * --record-stereo on both sides: each recording's left channel is what the far end sent (the caller hears 1000 Hz,
     * the answerer 440 Hz) and its right channel what that side sent itself.
     */
    @Test
    void stereoRecordingsHoldBothDirections() throws Exception {
        Path recDir = Files.createDirectories(dir.resolve("answerer-rec"));
        answer("tone:1000", "--record-dir", recDir.toString(), "--record-stereo");
        Path rec = dir.resolve("stereo.wav");
        JarRun c = call("--play", "tone:440", "--expect-tone", "1000", "--duration", "3s", "--record", rec.toString(),
                "--record-stereo", "--json");
        assertEquals(0, c.waitFor(Duration.ofSeconds(40)), c.toString());
        assertTrue(c.out().contains("\"channels\":2"), c.out());
        assertTrue(toneShare(rec, 0, 1000) > 0.8, "the caller's left: the far end's 1000 Hz");
        assertTrue(toneShare(rec, 1, 440) > 0.8, "the caller's right: its own 440 Hz");
        stopAnswerer();
        answerer = null;
        Path inbound;
        try (var files = Files.list(recDir)) {
            inbound = files.filter(p -> p.toString().endsWith(".wav")).findFirst().orElseThrow();
        }
        assertTrue(toneShare(inbound, 0, 440) > 0.8, "the answerer's left: the caller's 440 Hz");
        assertTrue(toneShare(inbound, 1, 1000) > 0.8, "the answerer's right: its own 1000 Hz");
    }

    @Test
    void legacyEndpointCallsTheApplicationWithTheSdkHeaders() throws Exception {
        answer("tone:1000", "--user-id", "app-" + Lab.get("LAB_APP_SID"));
        JarRun c = JarRun.start(dir, "legacy", Map.of("DIALTONE_ENDPOINT", Lab.legacyUrl()), "call", "--ca-file", Lab.ca(),
                "--ice-bind", "127.0.0.1", "--play", "tone:440", "--expect-tone", "1000", "--duration", "3s", "--sip-trace");
        assertEquals(0, c.waitFor(Duration.ofSeconds(40)), c.toString());
        String o = c.out();
        assertTrue(o.contains("--> INVITE sip:app-" + Lab.get("LAB_APP_SID") + "@" + Lab.get("LAB_REALM")), o);
        assertTrue(o.contains("X-Source: webrtc"), o);
        assertTrue(o.contains("X-Organisation-Id: 65a1b2c3d4e5f60718293a4b"), o);
        assertTrue(o.contains("X-Project-Id: 65a1b2c3d4e5f60718293a4c"), o);
        assertTrue(o.contains("Proxy-Authorization: Digest username=\"c2c-widget-user\""), o);
        assertNoSecrets(o + c.err());
    }

    @Test
    void throughRtpengineToSippEchoingPlainRtp() throws Exception {
        JarRun c = JarRun.start(dir, "gateway", ENV, "call", "echo", "--ws-uri", Lab.wss(), "--user", "bob", "--realm",
                Lab.get("LAB_REALM"), "--password-env", "BOB_PW", "--ca-file", Lab.ca(), "--ice-bind", "127.0.0.1",
                "--play", "tone:440", "--expect-tone", "440", "--duration", "3s", "--assert", "loss<1%", "--sip-trace");
        assertEquals(0, c.waitFor(Duration.ofSeconds(40)), c.toString());
        String o = c.out();
        assertTrue(o.contains("UDP/TLS/RTP/SAVPF"), "rtpengine answered with the WebRTC profile: " + o);
        assertTrue(o.contains("DTLS connected"), o);
        assertTrue(o.contains("ok   expect-tone 440"), o);
    }

    @Test
    void ourToneReachesTheFarEndAndComesBackThroughEcho() throws Exception {
        answer("echo");
        JarRun c = call("--play", "tone:440", "--expect-tone", "440", "--duration", "3s", "--json");
        assertEquals(0, c.waitFor(Duration.ofSeconds(40)), c.toString());
        assertTrue(c.out().contains("\"type\":\"call.check\""), c.out());
        assertTrue(c.out().contains("\"passed\":true"), c.out());
    }

    @Test
    void wavFilesAt8kMonoAnd44kStereoArePlayed() throws Exception {
        answer("echo");
        for (int[] fmt : new int[][] {{8000, 1}, {44100, 2}}) {
            Path wav = dir.resolve("tone-" + fmt[0] + "-" + fmt[1] + ".wav");
            writeTone(wav, fmt[0], fmt[1], 660, 2.0);
            JarRun c = call("--play", wav.toString(), "--expect-tone", "660", "--duration", "3s");
            assertEquals(0, c.waitFor(Duration.ofSeconds(40)), fmt[0] + " Hz " + fmt[1] + " ch\n" + c);
        }
    }

    @Test
    void microphoneThroughPulseAudio() throws Exception {
        answer("echo");
        Map<String, String> env = new java.util.HashMap<>(ENV);
        env.put("PULSE_SERVER", "unix:" + Lab.dir().resolve("pulse/native"));
        List<String> a = new ArrayList<>(List.of("call", callee, "--ws-uri", Lab.wss(), "--user", "bob", "--realm",
                Lab.get("LAB_REALM"), "--password-env", "BOB_PW", "--ca-file", Lab.ca(), "--ice-bind", "127.0.0.1",
                "--play", "mic", "--expect-tone", "800", "--duration", "4s"));
        JarRun c = JarRun.start(dir, "mic", env, a.toArray(new String[0]));
        assertEquals(0, c.waitFor(Duration.ofSeconds(40)), c.toString());
        assertTrue(c.out().contains("ok   expect-tone 800"), c.out());
    }

    @Test
    void twoCallsAtOnceAndAThirdIsBusy() throws Exception {
        answer("echo", "--max-calls", "2", "--record-dir", dir.toString());
        JarRun a = call("--play", "tone:440", "--expect-tone", "440", "--duration", "5s");
        JarRun b = JarRun.start(dir, "caller-b", ENV, "call", callee, "--ws-uri", Lab.wss(), "--user", "bob", "--realm",
                Lab.get("LAB_REALM"), "--password-env", "BOB_PW", "--ca-file", Lab.ca(), "--ice-bind", "127.0.0.1",
                "--play", "tone:660", "--expect-tone", "660", "--duration", "5s");
        assertTrue(a.await("answered after", Duration.ofSeconds(20)) && b.await("answered after", Duration.ofSeconds(20)),
                a + "\n" + b);
        JarRun third = JarRun.start(dir, "caller-c", ENV, "call", callee, "--ws-uri", Lab.wss(), "--user", "bob",
                "--realm", Lab.get("LAB_REALM"), "--password-env", "BOB_PW", "--ca-file", Lab.ca(), "--ice-bind",
                "127.0.0.1", "--duration", "1s");
        assertEquals(ExitCodes.CALL, third.waitFor(Duration.ofSeconds(30)), third.toString());
        assertTrue(third.err().contains("486"), third.toString());
        assertEquals(0, a.waitFor(Duration.ofSeconds(40)), a.toString());
        assertEquals(0, b.waitFor(Duration.ofSeconds(40)), b.toString());
        // every recording is as long as its call (once it was 10 ms: frames of another format were dropped)
        for (String f : java.util.List.of("inbound-1.wav", "inbound-2.wav")) {
            assertTrue(answerer.await("to " + dir.resolve(f), Duration.ofSeconds(10)), answerer.toString());
            double secs = dialtone.media.WavReader.read(dir.resolve(f)).seconds();
            assertTrue(secs > 4.0 && secs < 6.5, f + ": " + secs + " s for a 5 s call");
        }
    }

    @Test
    void busyIsACallFailureWithTheStatusShown() throws Exception {
        answer("reject:486");
        JarRun c = call("--duration", "2s", "--json");
        assertEquals(ExitCodes.CALL, c.waitFor(Duration.ofSeconds(30)), c.toString());
        assertTrue(c.out().contains("\"cause\":\"BUSY\""), c.out());
        assertTrue(c.out().contains("\"status\":486"), c.out());
    }

    @Test
    void unknownUserIs404() throws Exception {
        JarRun c = JarRun.start(dir, "caller404", ENV, "call", "nobody-here", "--ws-uri", Lab.wss(), "--user", "bob",
                "--realm", Lab.get("LAB_REALM"), "--password-env", "BOB_PW", "--ca-file", Lab.ca(), "--ice-bind", "127.0.0.1");
        assertEquals(ExitCodes.CALL, c.waitFor(Duration.ofSeconds(30)), c.toString());
        assertTrue(c.err().contains("404"), c.toString());
    }

    @Test
    void noAnswerEndsWithCancelAfterTheSetupTimeout() throws Exception {
        answer("ring");
        JarRun c = call("--setup-timeout", "3s", "--sip-trace");
        assertEquals(ExitCodes.CALL, c.waitFor(Duration.ofSeconds(30)), c.toString());
        assertTrue(c.out().contains("--> CANCEL sip:" + callee + "@"), c.out());
        assertTrue(c.out().contains("<-- SIP/2.0 487"), c.out());
        assertTrue(c.err().contains("no answer within 3 s"), c.err());
    }

    @Test
    void ctrlCWhileRingingSendsCancel() throws Exception {
        answer("ring");
        JarRun c = call("--setup-timeout", "30s", "--sip-trace");
        assertTrue(c.await("180 Ringing", Duration.ofSeconds(20)), c.toString());
        c.signal("INT");
        assertEquals(ExitCodes.INTERRUPTED, c.waitFor(Duration.ofSeconds(20)), c.toString());
        assertTrue(c.out().contains("--> CANCEL sip:" + callee + "@"), c.out());
    }

    @Test
    void farEndByeEndsTheCall() throws Exception {
        answer("tone:500", "--duration", "6s");
        JarRun c = call("--duration", "60s");
        assertEquals(0, c.waitFor(Duration.ofSeconds(40)), c.toString());
        assertTrue(c.out().contains("ended by remote"), c.out());
    }

    @Test
    void relayOnlyThroughCoturn() throws Exception {
        answer("tone:1000");
        JarRun c = call("--ice-server", "turn:127.0.0.1:" + Lab.get("LAB_TURN_PORT") + "?transport=udp", "--turn-user",
                Lab.get("LAB_TURN_USER"), "--turn-password-env", "TURN_PW", "--relay-only", "--expect-tone", "1000",
                "--duration", "3s");
        assertEquals(0, c.waitFor(Duration.ofSeconds(40)), c.toString());
        assertTrue(c.out().contains("local candidate relay udp"), c.out());
        assertTrue(c.out().contains("selected pair: local relay"), c.out());
        assertNoSecrets(c.out() + c.err());
    }

    @Test
    void relayOnlyOverTurnsTls() throws Exception {
        answer("tone:1000");
        JarRun c = call("--ice-server", "turns:127.0.0.1:" + Lab.get("LAB_TURNS_PORT") + "?transport=tcp", "--turn-user",
                Lab.get("LAB_TURN_USER"), "--turn-password-env", "TURN_PW", "--turns-insecure", "--relay-only",
                "--expect-tone", "1000", "--duration", "3s");
        assertEquals(0, c.waitFor(Duration.ofSeconds(40)), c.toString());
        assertTrue(c.out().contains("selected pair: local relay"), c.out());
        assertTrue(c.out().contains("relay over tls"), c.out());
    }

    @Test
    void relayOnlyWithTurnRestCredentials() throws Exception {
        answer("tone:1000");
        JarRun c = call("--ice-server", "turn:127.0.0.1:" + Lab.get("LAB_TURN2_PORT") + "?transport=tcp",
                "--turn-secret-env", "TURN_SECRET", "--relay-only", "--expect-tone", "1000", "--duration", "3s");
        assertEquals(0, c.waitFor(Duration.ofSeconds(40)), c.toString());
        assertTrue(c.out().contains("selected pair: local relay"), c.out());
        assertNoSecrets(c.out() + c.err());
    }

    @Test
    void aFailedAssertionSetsTheAudioExitCodeAndIsNamed() throws Exception {
        answer("tone:1000");
        Path xml = dir.resolve("a.xml");
        JarRun c = call("--duration", "2s", "--assert", "mos>=4.9", "--assert", "loss<5%", "--junit", xml.toString());
        assertEquals(ExitCodes.AUDIO, c.waitFor(Duration.ofSeconds(40)), c.toString());
        assertTrue(c.out().contains("FAIL assert mos>=4.9"), c.out());
        assertTrue(c.out().contains("ok   assert loss<5%"), c.out());
        assertTrue(c.err().contains("--assert mos>=4.9 failed"), c.err());
        assertTrue(Files.readString(xml).contains("mos&gt;=4.9"), Files.readString(xml));
    }

    static void writeTone(Path p, int rate, int channels, double hz, double seconds) throws IOException {
        int frames = (int) (rate * seconds);
        ByteBuffer b = ByteBuffer.allocate(44 + frames * channels * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + frames * channels * 2).put("WAVE".getBytes()).put("fmt ".getBytes())
                .putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate).putInt(rate * channels * 2)
                .putShort((short) (channels * 2)).putShort((short) 16).put("data".getBytes()).putInt(frames * channels * 2);
        for (int i = 0; i < frames; i++) {
            short v = (short) (8000 * Math.sin(2 * Math.PI * hz * i / rate));
            for (int c = 0; c < channels; c++) {
                b.putShort(v);
            }
        }
        Files.write(p, b.array());
    }
}
