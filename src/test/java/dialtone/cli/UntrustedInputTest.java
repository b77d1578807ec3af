package dialtone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.testing.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user types and what local files hold: each bad input is one line on stderr and exit 2 (or 3 for files the
 * configuration layer reads), before anything is dialled or reaches libwebrtc.
 */
class UntrustedInputTest {
    static final String[] DIRECT = {"--ws-uri", "wss://sip.example.invalid", "--user", "alice"};

    static String[] call(String... more) {
        List<String> a = new ArrayList<>(List.of("call"));
        a.addAll(List.of(DIRECT));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    /** A call with a TARGET: without one, "direct mode needs a TARGET" would be the usage error. */
    static String[] callTo(String... more) {
        List<String> a = new ArrayList<>(List.of("sip:bob@example.invalid"));
        a.addAll(List.of(more));
        return call(a.toArray(new String[0]));
    }

    static void usage(CliRun r, String mustSay) {
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
        assertTrue(r.err().startsWith("dialtone: "), r.toString());
        assertTrue(r.err().contains(mustSay), "wanted '" + mustSay + "': " + r);
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(r.err().contains("\u001b"), "nothing raw on the terminal: " + r.err());
    }

    @Test
    void everyHelpIsCleanOnStderr() {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (String sub : List.of("config", "register", "call", "probe")) {
                CliRun r = CliRun.run(sub, "--help");
                assertEquals(0, r.rc(), sub + ": " + r);
                assertEquals("", r.err(), sub);
            }
            assertEquals(0, CliRun.run("--help").rc());
        } finally {
            System.setErr(saved);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8), "picocli printed warnings (an unescaped %?)");
    }

    @Test
    void headersOwnedByTheSipLayersCannotBeAddedOrReplaced() {
        for (String h : List.of("Via: SIP/2.0/WSS evil", "Call-ID: 1", "cseq: 1 INVITE", "From: <sip:x@y>", "To: <sip:x@y>",
                "Max-Forwards: 1", "Contact: <sip:x@y>", "Content-Length: 0", "Content-Type: text/plain", "i: compact-call-id")) {
            usage(CliRun.run(call("--header", h)), "own");
        }
        usage(CliRun.run(call("--header", "X-A: b\r\nVia: evil")), "is not 'Name: value'");
        usage(CliRun.run(call("--header", "X-A: \u001b]0;x\u0007")), "is not 'Name: value'");
    }

    @Test
    void identitiesAndTargetsCannotBreakALine() {
        usage(CliRun.run("call", "--ws-uri", "wss://sip.example.invalid", "--user", "al\r\nice"), "--user");
        usage(CliRun.run(call("--user-id", "x\r\nVia: evil")), "--user-id");
        usage(CliRun.run("call", "--ws-uri", "wss://sip.example.invalid", "--user", "a", "--realm", "r.example>;x"), "--realm");
        usage(CliRun.run("call", "--ws-uri", "wss://sip.example.invalid", "--user", "a", "--auth-user", "a\"b"), "--auth-user");
        CliRun t = CliRun.run(call("sip:bob@example.com\r\nVia: evil"));
        assertEquals(ExitCodes.USAGE, t.rc(), t.toString());
        assertTrue(t.err().contains("TARGET"), t.err());
    }

    @Test
    void expiresMustBePositive() {
        usage(CliRun.run(call("--expires", "-1")), "--expires");
        usage(CliRun.run("register", "--ws-uri", "wss://sip.example.invalid", "--user", "a", "--expires", "-1"), "--expires");
        usage(CliRun.run("register", "--ws-uri", "wss://sip.example.invalid", "--user", "a", "--expires", "0"), "--expires");
    }

    @Test
    void iceServersThatCrashedLibwebrtcAreUsageErrorsEverywhere() {
        Map<String, String> env = Map.of("TP", "turn-pass-1");
        for (String url : List.of("stun:127.0.0.1:99999", "turn:h:3478?transport=sctp", "stun:[::1")) {
            usage(CliRun.run(env, call("--ice-server", url)), "--ice-server");
            usage(CliRun.run(env, "register", "--ws-uri", "wss://s.example.invalid", "--user", "a", "--ice-server", url), "--ice-server");
            usage(CliRun.run(env, "probe", "--ice-server", url), "--ice-server");
        }
        // credentials inside the URL: refused, and never echoed
        CliRun cred = CliRun.run(env, call("--ice-server", "turn:admin:Url-Turn-Secret-9@127.0.0.1:3478"));
        usage(cred, "carries credentials");
        assertFalse(cred.all().contains("Url-Turn-Secret-9"), cred.toString());
        // a TURN server without a password: probe refused it as call does (it once crashed in libwebrtc)
        usage(CliRun.run(env, "probe", "--ice-server", "turn:127.0.0.1:3478", "--turn-user", "u"), "needs TURN credentials");
    }

    @Test
    void probeWithNothingToCheckIsAUsageError() {
        usage(CliRun.run("probe"), "nothing to probe");
        usage(CliRun.run("probe", "--ice-server", "stun:127.0.0.1:3478", "--only", "turn"), "nothing to probe");
    }

    @Test
    void recordNeverOverwritesOrFollowsALink(@TempDir Path dir) throws Exception {
        Path existing = Files.writeString(dir.resolve("old.wav"), "precious");
        usage(CliRun.run(call("--record", existing.toString())), "--force");
        assertEquals("precious", Files.readString(existing));
        Path target = Files.writeString(dir.resolve("target.txt"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("link.wav"), target);
        usage(CliRun.run(call("--record", link.toString())), "symbolic link");
        usage(CliRun.run(call("--record", link.toString(), "--force")), "symbolic link");
        assertEquals("keep", Files.readString(target));
        usage(CliRun.run(call("--record", dir.toString(), "--force")), "not a regular file");
    }

    @Test
    void aCaFileThatNeverEndsIsRefusedAtOnce(@TempDir Path dir) throws Exception {
        CliRun zero = CliRun.run("config", "--ws-uri", "wss://sip.example.invalid", "--user", "a", "--ca-file", "/dev/zero");
        assertEquals(ExitCodes.CONFIG, zero.rc(), zero.toString());
        assertTrue(zero.err().contains("not a regular file"), zero.err());
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        CliRun f = CliRun.run("config", "--ws-uri", "wss://sip.example.invalid", "--user", "a", "--ca-file", fifo.toString());
        assertEquals(ExitCodes.CONFIG, f.rc(), f.toString());
        Path big = dir.resolve("big.pem");
        Files.write(big, new byte[(2 << 20)]);
        CliRun b = CliRun.run("config", "--ws-uri", "wss://sip.example.invalid", "--user", "a", "--ca-file", big.toString());
        assertEquals(ExitCodes.CONFIG, b.rc(), b.toString());
        assertTrue(b.err().contains("larger than"), b.err());
    }

    @Test
    void scriptsAreBoundedAndCheckedBeforeDialling(@TempDir Path dir) throws Exception {
        Path huge = dir.resolve("huge.txt");
        Files.write(huge, Collections.nCopies(200_000, "wait 1s"));
        usage(CliRun.run(call("--script", huge.toString())), "larger than");
        Path deep = Files.writeString(dir.resolve("deep.txt"), "info hi " + "{\"a\":".repeat(100) + "1" + "}".repeat(100));
        usage(CliRun.run(call("--script", deep.toString())), "deeper than");
        Path esc = Files.writeString(dir.resolve("esc.txt"), "\u001b]0;owned\u0007\n");
        CliRun e = CliRun.run(call("--script", esc.toString()));
        usage(e, "unknown command");
        assertTrue(e.err().contains("\\e]0;owned"), e.err());
        usage(CliRun.run(call("--script", "/dev/zero")), "not a regular file");
        usage(CliRun.run("register", "--ws-uri", "wss://s.example.invalid", "--user", "a", "--answer", "echo",
                "--script", deep.toString()), "deeper than");
    }

    @Test
    void aWavWithManyChunksIsOneClearLine(@TempDir Path dir) throws Exception {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.write("RIFF".getBytes(StandardCharsets.US_ASCII));
        b.write(new byte[] {(byte) 0xff, (byte) 0xff, 0, 0});
        b.write("WAVE".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 5000; i++) {
            b.write("junk".getBytes(StandardCharsets.US_ASCII));
            b.write(new byte[] {2, 0, 0, 0, 0, 0});
        }
        Path wav = dir.resolve("chunks.wav");
        Files.write(wav, b.toByteArray());
        dialtone.media.MediaException e = org.junit.jupiter.api.Assertions.assertThrows(dialtone.media.MediaException.class,
                () -> dialtone.media.WavReader.read(wav));
        assertTrue(e.getMessage().contains(wav.toString()) && e.getMessage().contains("chunks"), e.getMessage());
        assertFalse(e.getMessage().contains("mark"), e.getMessage());
        assertEquals(12, h.capacity());
    }

    // ---- issue 22, case 7: input that reached the wire or libwebrtc unchecked ------------------------------------

    @Test
    void iceBindMustBeAnAddressOfThisMachine() {
        for (String bad : List.of("999.1.1.1", "8.8.8.8", "0.0.0.0", "::2")) {
            usage(CliRun.run(callTo("--ice-bind", bad)), "is not an address of this machine");
            usage(CliRun.run("register", "--ws-uri", "wss://s.example.invalid", "--user", "a", "--answer", "echo",
                    "--ice-bind", bad), "--ice-bind");
            usage(CliRun.run("load", "sip:x@example.com", "--ws-uri", "wss://s.example.invalid", "--user", "a",
                    "--ice-bind", bad), "--ice-bind");
        }
        usage(CliRun.run(callTo("--ice-bind", "localhost")), "takes an IP address");
        usage(CliRun.run(callTo("--port-range", "40000-40100-5")), "--port-range must be MIN-MAX");
        // 127.0.0.1 is an address of every machine: accepted, and the run goes on to fail at the transport
        CliRun ok = CliRun.run("call", "sip:x@example.com", "--ws-uri", "wss://127.0.0.1:1", "--user", "a",
                "--ice-bind", "127.0.0.1", "--config-timeout", "2s");
        assertEquals(ExitCodes.TRANSPORT, ok.rc(), ok.toString());
    }

    @Test
    void iceBindIsComparedWithTheInterfacesAddressesWithoutResolvingNames() throws Exception {
        List<java.net.InetAddress> local = List.of(java.net.InetAddress.getByName("127.0.0.1"),
                java.net.InetAddress.getByName("192.0.2.7"), java.net.InetAddress.getByName("fe80::1"));
        assertEquals("192.0.2.7", MediaMixin.localAddress("192.0.2.7", local));
        assertEquals("127.0.0.1", MediaMixin.localAddress("127.000.000.001", local), "written the canonical way");
        assertEquals("fe80:0:0:0:0:0:0:1", MediaMixin.localAddress("fe80::1", local));
        assertEquals("fe80:0:0:0:0:0:0:1", MediaMixin.localAddress("fe80::1%eth0", local));
        assertEquals(null, MediaMixin.localAddress("999.1.1.1", local));
        assertEquals(null, MediaMixin.localAddress("192.0.2.8", local));
        assertEquals(null, MediaMixin.localAddress("example.com", local));
    }

    @Test
    void aTargetWithUriHeadersOrRoutingParametersIsRefused() {
        usage(CliRun.run(call("sip:bob@lab.test?Via=evil")), "URI headers");
        usage(CliRun.run(call("sip:bob@lab.test?Route=%3Csip:evil%3E&Subject=x")), "URI headers");
        usage(CliRun.run(call("sip:bob@lab.test;maddr=198.51.100.1")), "'maddr' is not taken");
        usage(CliRun.run(call("sip:bob@lab.test;lr")), "'lr' is not taken");
        usage(CliRun.run(call("sip:bob@lab.test;method=REGISTER")), "'method' is not taken");
        usage(CliRun.run(call("sip:bob@lab.test;transport=carrier-pigeon")), "transport takes");
        usage(CliRun.run(call("sip:bob@lab.test;transport=ws;transport=udp")), "given twice");
        CliRun pw = CliRun.run(call("sip:bob:Target-Secret-5@lab.test"));
        usage(pw, "a password in the URI is not taken");
        assertFalse(pw.all().contains("Target-Secret-5"), pw.toString());
        CliRun bad = CliRun.run(call("sip:bob:Target-Secret-6@"));
        usage(bad, "not shown");
        assertFalse(bad.all().contains("Target-Secret-6"), bad.toString());
        usage(CliRun.run(call("bo%zz")), "TARGET bo%zz");
        usage(CliRun.run(call("bob?Via=evil")), "write it escaped (%3F)");
        usage(CliRun.run(call("sip:bob?Via=evil@lab.test")), "write it escaped (%3F)");
        usage(CliRun.run("load", "sip:bob@lab.test?Via=evil", "--ws-uri", "wss://s.example.invalid", "--user", "a"),
                "URI headers");
        for (String fine : List.of("sip:bob@lab.test", "sips:app-1@lab.test:5061;transport=wss", "sip:+15550100@lab.test;user=phone",
                "sip:bob@[::1]:5060;transport=tcp", "sip:%62ob@lab.test", "sip:lab.test")) {
            assertEquals(null, dialtone.sip.message.SipUri.requestTargetProblem(fine), fine);
        }
    }

    @Test
    void routingHeadersAndTheOthersTheSipLayersOwnAreRefused() {
        for (String h : List.of("Route: <sip:evil.example;lr>", "Record-Route: <sip:evil.example;lr>", "Path: <sip:p>",
                "Service-Route: <sip:p>")) {
            usage(CliRun.run(callTo("--header", h)), "routing headers are owned");
        }
        for (String h : List.of("Require: 100rel", "Proxy-Require: x", "Supported: timer", "k: timer", "User-Agent: other",
                "Allow: INVITE", "Content-Encoding: gzip", "Content-Disposition: session", "l: 0", "Authorization: Digest x",
                "RSeq: 1")) {
            usage(CliRun.run(callTo("--header", h)), "own that header");
        }
        assertEquals(null, dialtone.engine.ExtraHeader.ownedBy("X-Tenant"));
        assertEquals(null, dialtone.engine.ExtraHeader.ownedBy("Subject"));
    }

    // ---- case 8: a user's mistake about a local file is 2 or 3 with one line, never 70 --------------------------

    static void oneLine(CliRun r, int rc, String mustSay) {
        assertEquals(rc, r.rc(), r.toString());
        assertTrue(r.err().contains(mustSay), "wanted '" + mustSay + "': " + r);
        assertEquals(1, r.err().strip().split("\n").length + (r.err().contains("Try '") ? -1 : 0), "one line: " + r.err());
        assertFalse(r.all().contains("internal error"), r.toString());
    }

    @Test
    void playingSomethingThatIsNotAWavIsAUsageErrorNotABug(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("notes.wav"), "these are not samples");
        usage(CliRun.run(callTo("--play", text.toString())), "not a WAV file (no RIFF/WAVE header)");
        usage(CliRun.run("load", "sip:x@example.com", "--ws-uri", "wss://s.example.invalid", "--user", "a", "--play",
                text.toString()), "not a WAV file");
        usage(CliRun.run("register", "--ws-uri", "wss://s.example.invalid", "--user", "a", "--answer", "play:" + text),
                "not a WAV file");
        Path truncated = dir.resolve("cut.wav");
        Files.write(truncated, java.util.Arrays.copyOf("RIFF\u0000\u0000\u0000\u0000WAVEfmt ".getBytes(StandardCharsets.US_ASCII), 20));
        usage(CliRun.run(callTo("--play", truncated.toString())), "--play");
    }

    @Test
    void playSaysWhatThePathIs(@TempDir Path dir) {
        CliRun zero = CliRun.run(callTo("--play", "/dev/zero"));
        usage(zero, "not a regular file");
        assertFalse(zero.err().contains("no such file"), zero.err());
        usage(CliRun.run(callTo("--play", dir.toString())), "a directory");
        usage(CliRun.run(callTo("--play", dir.resolve("missing.wav").toString())), "no such file");
    }

    @Test
    void localFileMistakesAreTwoOrThreeWithOneLine(@TempDir Path dir) throws Exception {
        String[] direct = {"--ws-uri", "wss://s.example.invalid", "--user", "a"};
        CliRun caDir = CliRun.run(concat(new String[] {"config", "--ca-file", dir.toString()}, direct));
        oneLine(caDir, ExitCodes.CONFIG, "--ca-file " + dir + " is a directory");
        oneLine(CliRun.run(concat(new String[] {"config", "--ca-file", ""}, direct)), ExitCodes.CONFIG, "--ca-file is empty");
        Path empty = Files.createFile(dir.resolve("empty.pem"));
        oneLine(CliRun.run(concat(new String[] {"config", "--ca-file", empty.toString()}, direct)), ExitCodes.CONFIG,
                "holds no certificate");
        oneLine(CliRun.run(concat(new String[] {"config", "--ca-file", dir.resolve("none.pem").toString()}, direct)),
                ExitCodes.CONFIG, "does not exist");
        oneLine(CliRun.run("config", "--ws-uri", "wss://s.example.invalid", "--user", "a", "--password-file", dir.toString()),
                ExitCodes.CONFIG, "password file " + dir + " is a directory");
        oneLine(CliRun.run("config", "--ws-uri", "wss://s.example.invalid", "--user", "a", "--password-file", "/dev/zero"),
                ExitCodes.CONFIG, "is not a regular file (a device");
        oneLine(CliRun.run("config", "--ws-uri", "wss://s.example.invalid", "--user", "a", "--password-file",
                dir.resolve("nope").toString()), ExitCodes.CONFIG, "does not exist");
        usage(CliRun.run(callTo("--script", dir.toString())), "not a regular file");
        usage(CliRun.run("register", "--ws-uri", "wss://s.example.invalid", "--user", "a", "--answer", "echo", "--script",
                dir.toString()), "not a regular file");
        usage(CliRun.run("register", "--ws-uri", "wss://s.example.invalid", "--user", "a", "--answer", "echo",
                "--record-dir", empty.toString()), "not a directory");
        usage(CliRun.run(callTo("--record", "/proc/x.wav")), "cannot create a file in /proc");
        // a directory nothing can be created in failed the first answered call with exit 7
        usage(CliRun.run("register", "--ws-uri", "wss://s.example.invalid", "--user", "a", "--answer", "echo",
                "--record-dir", "/proc"), "--record-dir /proc: cannot create a file there");
    }

    static String[] concat(String[] a, String[] b) {
        List<String> l = new ArrayList<>(List.of(a));
        l.addAll(List.of(b));
        return l.toArray(new String[0]);
    }

    // ---- case 9: words that mislead ------------------------------------------------------------------------------

    @Test
    void timeoutsAndTalkTimesOfZeroAreRefused() {
        usage(CliRun.run(callTo("--setup-timeout", "0s")), "--setup-timeout");
        usage(CliRun.run(callTo("--setup-timeout", "0.0001s")), "--setup-timeout");
        usage(CliRun.run(callTo("--duration", "0")), "--duration");
        usage(CliRun.run(callTo("--request-timeout", "0ms")), "--request-timeout");
        usage(CliRun.run("config", "--ws-uri", "wss://s.example.invalid", "--user", "a", "--config-timeout", "0s"),
                "--config-timeout");
        usage(CliRun.run("probe", "--ice-server", "stun:127.0.0.1:3478", "--deadline", "0s"), "--deadline");
        usage(CliRun.run("load", "sip:x@example.com", "--ws-uri", "wss://s.example.invalid", "--user", "a",
                "--setup-timeout", "0s"), "--setup-timeout");
        // where zero means something it stays: answer at once, no keepalive, DTMF right after the answer
        assertEquals(java.time.Duration.ZERO, new DurationConverter().convert("0s"));
        assertEquals(java.time.Duration.ofMillis(500), new DurationConverter.Positive().convert("500ms"));
    }
}
