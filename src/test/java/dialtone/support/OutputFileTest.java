package dialtone.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every output file: a new regular file renamed over the path; nothing else at the path is touched or followed. */
class OutputFileTest {
    @TempDir
    Path dir;

    static final byte[] NEW = "new".getBytes(StandardCharsets.UTF_8);

    /** A character device of our own (a copy of /dev/full's numbers), so that a regression cannot harm /dev. */
    static Path device(Path dir) throws Exception {
        Path p = dir.resolve("full");
        Process mk = new ProcessBuilder("mknod", p.toString(), "c", "1", "7").redirectErrorStream(true).start();
        if (mk.waitFor() == 0) {
            return p;
        }
        Path full = Path.of("/dev/full");
        Assumptions.assumeFalse(Files.isWritable(full.getParent()), "no mknod here, and /dev is writable: not risking /dev/full");
        return full;
    }

    static Path fifo(Path dir) throws Exception {
        Path p = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo");
        return p;
    }

    /** Everything in the directory but the given names: no temporary file may be left. */
    List<String> leftovers(String... expected) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !List.of(expected).contains(n)).sorted().toList();
        }
    }

    static BasicFileAttributes lstat(Path p) throws Exception {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void aNewFileIsWrittenAndNothingElseIsLeft() throws Exception {
        Path out = dir.resolve("r.xml");
        OutputFile.check(out, OutputFile.Existing.REPLACE);
        assertEquals(List.of(), leftovers(), "the check's probe is removed");
        OutputFile.write(out, NEW, OutputFile.Existing.REPLACE);
        assertArrayEquals(NEW, Files.readAllBytes(out));
        assertEquals(List.of(), leftovers("r.xml"));
    }

    @Test
    void anExistingRegularFileIsReplacedByANewOneNotRewritten() throws Exception {
        Path out = Files.writeString(dir.resolve("r.xml"), "an older and longer report");
        Path hardLink = Files.createLink(dir.resolve("other-name"), out);
        Object before = lstat(out).fileKey();
        OutputFile.check(out, OutputFile.Existing.REPLACE);
        OutputFile.write(out, NEW, OutputFile.Existing.REPLACE);
        assertArrayEquals(NEW, Files.readAllBytes(out));
        assertTrue(!lstat(out).fileKey().equals(before), "a new inode: renamed over, not written through");
        assertEquals("an older and longer report", Files.readString(hardLink), "the old file itself is untouched");
        assertEquals(List.of(), leftovers("r.xml", "other-name"));
    }

    @Test
    void aSymbolicLinkIsRefusedAndNeitherItNorItsTargetChanges() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("j.xml"), target);
        Path dangling = Files.createSymbolicLink(dir.resolve("d.xml"), dir.resolve("nowhere"));
        for (Path p : List.of(link, dangling)) {
            OutputFile.Refused e = assertThrows(OutputFile.Refused.class, () -> OutputFile.check(p, OutputFile.Existing.REPLACE));
            assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
            assertThrows(OutputFile.Refused.class, () -> OutputFile.write(p, NEW, OutputFile.Existing.REPLACE));
            assertTrue(lstat(p).isSymbolicLink());
        }
        assertEquals("keep", Files.readString(target));
        assertFalse(Files.exists(dir.resolve("nowhere"), LinkOption.NOFOLLOW_LINKS), "a dangling link is not followed");
        assertEquals(List.of(), leftovers("target", "j.xml", "d.xml"));
    }

    @Test
    void aDeviceAFifoAndADirectoryAreRefusedAndLeftAsTheyAre() throws Exception {
        Path dev = device(dir);
        Path fifo = fifo(dir);
        Path sub = Files.createDirectory(dir.resolve("sub"));
        for (Path p : List.of(dev, fifo, sub)) {
            OutputFile.Refused e = assertThrows(OutputFile.Refused.class, () -> OutputFile.check(p, OutputFile.Existing.REPLACE));
            assertTrue(e.getMessage().matches("it is (a character device|a FIFO|a directory).*"), e.getMessage());
            assertThrows(OutputFile.Refused.class, () -> OutputFile.write(p, NEW, OutputFile.Existing.REPLACE), p.toString());
        }
        assertTrue(lstat(dev).isOther(), "the device node is still a device node");
        assertTrue(lstat(fifo).isOther(), "the FIFO is still a FIFO");
        assertTrue(Files.isDirectory(sub));
        assertEquals(List.of(), leftovers("full", "fifo", "sub"));
    }

    @Test
    void whatAppearsAtThePathDuringTheRunIsCheckedAgainAtTheEnd() throws Exception {
        Path out = dir.resolve("r.html");
        OutputFile f = OutputFile.create(out, OutputFile.Existing.REPLACE);
        f.stream().write(NEW);
        Path target = Files.writeString(dir.resolve("target"), "keep");
        Files.createSymbolicLink(out, target); // planted while the run went on
        assertThrows(OutputFile.Refused.class, f::commit);
        assertEquals("keep", Files.readString(target));
        assertTrue(lstat(out).isSymbolicLink());
        assertFalse(Files.exists(f.temp(), LinkOption.NOFOLLOW_LINKS), "the temporary file is removed");
    }

    @Test
    void refuseModeNeverReplacesAFileEvenOneCreatedDuringTheRun() throws Exception {
        Path out = dir.resolve("rec.wav");
        OutputFile f = OutputFile.create(out, OutputFile.Existing.REFUSE);
        f.stream().write(NEW);
        Files.writeString(out, "someone else's");
        OutputFile.Refused e = assertThrows(OutputFile.Refused.class, f::commit);
        assertTrue(e.getMessage().contains("exists"), e.getMessage());
        assertEquals("someone else's", Files.readString(out));
        assertEquals(List.of(), leftovers("rec.wav"));
        Path fresh = dir.resolve("fresh.wav");
        OutputFile.write(fresh, NEW, OutputFile.Existing.REFUSE);
        assertArrayEquals(NEW, Files.readAllBytes(fresh));
        assertThrows(OutputFile.Refused.class, () -> OutputFile.write(fresh, NEW, OutputFile.Existing.REFUSE));
        assertEquals(List.of(), leftovers("rec.wav", "fresh.wav"));
    }

    @Test
    void aTemporaryFileNeverOutlivesADiscardOrAFailure() throws Exception {
        Path out = dir.resolve("c.pcapng");
        int before = OutputFile.pending();
        OutputFile a = OutputFile.create(out, OutputFile.Existing.REPLACE);
        OutputFile b = OutputFile.create(dir.resolve("d.pcapng"), OutputFile.Existing.REPLACE);
        a.stream().write(NEW);
        assertTrue(Files.isRegularFile(a.temp(), LinkOption.NOFOLLOW_LINKS));
        assertTrue(a.temp().getFileName().toString().startsWith(".c.pcapng."), a.temp().toString());
        assertEquals(dir, a.temp().getParent(), "beside the target: the rename stays on one file system");
        assertEquals(before + 2, OutputFile.pending());
        a.discard();
        assertFalse(Files.exists(out));
        OutputFile.discardAll(); // what a halt path calls
        assertEquals(0, OutputFile.pending());
        assertThrows(OutputFile.Refused.class, b::commit, "a discarded file cannot be committed");
        assertEquals(List.of(), leftovers());
        try (OutputFile c = OutputFile.create(out, OutputFile.Existing.REPLACE)) {
            c.stream().write(NEW); // an exception here would leave the try: close() discards
        }
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aMissingOrUnwritableDirectoryIsRefusedUpFront() throws Exception {
        OutputFile.Refused e = assertThrows(OutputFile.Refused.class,
                () -> OutputFile.check(dir.resolve("no/such/r.xml"), OutputFile.Existing.REPLACE));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        e = assertThrows(OutputFile.Refused.class, () -> OutputFile.check(Path.of("/proc/r.xml"), OutputFile.Existing.REPLACE));
        assertTrue(e.getMessage().startsWith("cannot create a file in /proc"), e.getMessage());
    }

    @Test
    void aDashIsStandardOutputNotAFile() {
        assertTrue(OutputFile.isStdout(Path.of("-")));
        assertFalse(OutputFile.isStdout(Path.of("./-")));
        assertFalse(OutputFile.isStdout(Path.of("/tmp/-")));
        assertFalse(OutputFile.isStdout(null));
    }

    /** A JVM that leaves a temporary file pending and ends: by System.exit, or by a SIGTERM while it waits. */
    public static final class Leaver {
        public static void main(String[] args) throws Exception {
            OutputFile f = OutputFile.create(Path.of(args[0]), OutputFile.Existing.REPLACE);
            f.stream().write(NEW);
            System.out.println(f.temp());
            System.out.flush();
            if (args[1].equals("exit")) {
                System.exit(3);
            }
            Thread.sleep(60_000);
        }
    }

    @Test
    void noTemporaryFileOutlivesTheJvmOnExitOrSigterm() throws Exception {
        for (String how : List.of("exit", "sigterm")) {
            Path out = dir.resolve(how + ".xml");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), Leaver.class.getName(), out.toString(), how)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String temp = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
            assertTrue(temp != null && temp.startsWith(dir.toString()), "the child's temporary file: " + temp);
            if (how.equals("sigterm")) {
                assertTrue(Files.exists(Path.of(temp)), "pending while the child runs");
                p.destroy(); // SIGTERM
            }
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), how);
            assertFalse(Files.exists(Path.of(temp), LinkOption.NOFOLLOW_LINKS), how + ": the temporary file is removed");
            assertFalse(Files.exists(out), how + ": and nothing was committed");
        }
        assertEquals(List.of(), leftovers());
    }
}
