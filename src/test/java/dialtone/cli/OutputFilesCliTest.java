package dialtone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.testing.CliRun;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output flags of the real commands: a path that is not absent or a regular file is refused with exit 2 before
 * anything is dialled (a listening socket sees no connection), and what is at the path is left as it was.
 */
class OutputFilesCliTest {
    @TempDir
    Path dir;

    /** A device node of our own (1,7: what /dev/full is), so that a regression cannot replace /dev/full itself. */
    Path device() throws Exception {
        Path p = dir.resolve("full");
        if (new ProcessBuilder("mknod", p.toString(), "c", "1", "7").redirectErrorStream(true).start().waitFor() == 0) {
            return p;
        }
        Path full = Path.of("/dev/full");
        Assumptions.assumeFalse(Files.isWritable(full.getParent()), "no mknod, and /dev is writable: not risking /dev/full");
        return full;
    }

    static BasicFileAttributes lstat(Path p) throws Exception {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    /** Runs {@code register} against a socket that listens but must never be connected to, with the extra flags. */
    static CliRun registerWith(String... output) throws Exception {
        return against(List.of("register", "--duration", "1s"), output);
    }

    static CliRun against(List<String> command, String... output) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<String> a = new ArrayList<>(command);
            a.addAll(List.of("--ws-uri", "ws://127.0.0.1:" + server.getLocalPort(), "--allow-ws", "--user", "a",
                    "--password-env", "PW"));
            a.addAll(List.of(output));
            CliRun r = CliRun.run(Map.of("PW", "x"), a.toArray(new String[0]));
            server.setSoTimeout(50);
            assertThrows(SocketTimeoutException.class, server::accept, "nothing may be dialled: " + r);
            return r;
        }
    }

    List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void reportOntoADeviceIsRefusedBeforeDiallingAndTheDeviceStays() throws Exception {
        Path dev = device();
        CliRun r = registerWith("--report", dev.toString());
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
        assertEquals("dialtone: cannot write --report " + dev + ": it is a character device, not a regular file",
                r.err().strip());
        assertTrue(lstat(dev).isOther(), "still a device node");
    }

    @Test
    void junitAtASymbolicLinkIsRefusedAndNeitherTheLinkNorItsTargetChanges() throws Exception {
        Path target = Files.writeString(dir.resolve("target.xml"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("j.xml"), target);
        CliRun r = registerWith("--junit", link.toString());
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
        assertTrue(r.err().contains("it is a symbolic link (never followed)"), r.err());
        assertTrue(lstat(link).isSymbolicLink());
        assertEquals(target, Files.readSymbolicLink(link));
        assertEquals("keep", Files.readString(target));
        assertEquals(List.of("j.xml", "target.xml"), names(), "no file was created");
    }

    @Test
    void pcapOntoAFifoOrADirectoryIsRefused() throws Exception {
        Path fifo = dir.resolve("fifo");
        Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
        Path sub = Files.createDirectory(dir.resolve("sub"));
        CliRun r = registerWith("--pcap", fifo.toString());
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
        assertTrue(r.err().contains("it is a FIFO"), r.err());
        r = registerWith("--junit", dir.resolve("ok.xml").toString(), "--pcap", sub.toString());
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
        assertTrue(r.err().contains("--pcap " + sub + ": it is a directory"), r.err());
        assertTrue(lstat(fifo).isOther());
        assertEquals(List.of("fifo", "sub"), names(), "nothing written, not even ok.xml");
    }

    @Test
    void loadAndProbeRefuseTheSameWay() throws Exception {
        Path dev = device();
        Path target = Files.writeString(dir.resolve("target.xml"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("j.xml"), target);
        CliRun r = against(List.of("load", "sip:x@example.com", "--calls", "1"), "--report", dev.toString());
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
        assertTrue(r.err().contains("it is a character device"), r.err());
        r = against(List.of("load", "sip:x@example.com", "--calls", "1"), "--junit", link.toString());
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
        r = CliRun.run("probe", "--ice-server", "stun:127.0.0.1:1", "--pcap", link.toString());
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
        assertTrue(r.err().contains("symbolic link"), r.err());
        assertTrue(lstat(dev).isOther());
        assertEquals("keep", Files.readString(target));
        assertTrue(lstat(link).isSymbolicLink());
    }

    @Test
    void junitToStandardOutputWithTheTimelineOnStandardError() throws Exception {
        CliRun r = CliRun.run("config", "--ws-uri", "ws://127.0.0.1:1", "--user", "a", "--junit", "-");
        assertEquals(ExitCodes.CONFIG, r.rc(), r.toString());
        assertTrue(r.out().startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), r.toString());
        assertTrue(r.out().contains("<failure type=\"CONFIG/CONFIG_INVALID\""), r.out());
        assertTrue(r.err().contains("FAIL   config"), "the timeline: " + r.err());
        assertFalse(Files.exists(Path.of("-")), "no file named -");
        CliRun both = CliRun.run("config", "--ws-uri", "ws://127.0.0.1:1", "--user", "a", "--junit", "-", "--json");
        assertEquals(ExitCodes.USAGE, both.rc(), both.toString());
    }

    @Test
    void existingReportsAreReplacedAndNoTemporaryFileIsLeft() throws Exception {
        Path xml = Files.writeString(dir.resolve("r.xml"), "old");
        Path html = Files.writeString(dir.resolve("r.html"), "old");
        Path pcap = Files.writeString(dir.resolve("r.pcapng"), "old");
        CliRun r = CliRun.run("config", "--ws-uri", "ws://127.0.0.1:1", "--user", "a", "--junit", xml.toString(),
                "--report", html.toString(), "--pcap", pcap.toString());
        assertEquals(ExitCodes.CONFIG, r.rc(), r.toString());
        assertTrue(Files.readString(xml).startsWith("<?xml"));
        assertTrue(Files.readString(html).startsWith("<!DOCTYPE html>"), Files.readString(html));
        assertTrue(Files.size(pcap) > 100);
        assertEquals(List.of("r.html", "r.pcapng", "r.xml"), names());
    }

    @Test
    void twoFlagsNamingOneFileAreRefused() throws Exception {
        Path f = dir.resolve("same");
        CliRun r = CliRun.run("config", "--ws-uri", "ws://127.0.0.1:1", "--user", "a", "--junit", f.toString(),
                "--report", f.toString());
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
        assertFalse(Files.exists(f));
    }

    @Test
    void mergeRefusesItsOutputsTheSameWay() throws Exception {
        Path run = Files.writeString(dir.resolve("run.jsonl"),
                "{\"type\":\"run.started\",\"t\":0,\"scenario\":\"config\",\"schemaVersion\":1,\"command\":\"config\"}\n"
                + "{\"type\":\"run.finished\",\"t\":1,\"scenario\":\"config\",\"passed\":true,\"exitCode\":0}\n");
        Path target = Files.writeString(dir.resolve("target.xml"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("m.xml"), target);
        CliRun r = CliRun.run("report", "merge", run.toString(), "--junit", link.toString());
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
        assertEquals("keep", Files.readString(target));
        assertTrue(lstat(link).isSymbolicLink());
        Path dev = device();
        r = CliRun.run("report", "merge", run.toString(), "--report", dev.toString());
        assertEquals(ExitCodes.USAGE, r.rc(), r.toString());
        assertTrue(lstat(dev).isOther());
        r = CliRun.run("report", "merge", run.toString(), "--junit", "-");
        assertEquals(ExitCodes.OK, r.rc(), r.toString());
        assertTrue(r.out().startsWith("<?xml"), r.out());
        assertTrue(r.err().startsWith("PASS: 1 runs"), "the summary on standard error: " + r.err());
    }
}
