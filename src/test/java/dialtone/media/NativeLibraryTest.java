package dialtone.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native library's cache: unpacked once per build of the library, checked, and only into a private directory. */
class NativeLibraryTest {
    @TempDir
    Path tmp;

    static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    @Test
    void unpacksOnceThenReusesTheCopy() throws IOException {
        byte[] lib = "not really an ELF file, but bytes all the same".getBytes();
        AtomicInteger opened = new AtomicInteger();
        NativeLibrary.Source src = () -> {
            opened.incrementAndGet();
            return new ByteArrayInputStream(lib);
        };
        Path a = NativeLibrary.ensure(tmp, crc(lib), lib.length, src);
        Path b = NativeLibrary.ensure(tmp, crc(lib), lib.length, src);
        assertEquals(a, b);
        assertEquals(1, opened.get(), "the second start reads nothing from the jar");
        assertArrayEquals(lib, Files.readAllBytes(a));
        assertEquals("r-x------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a)));
        assertTrue(a.getFileName().toString().contains(String.format("%08x", crc(lib))), a.toString());
        try (var left = Files.list(tmp)) {
            assertEquals(1, left.count(), "no temporary file left behind");
        }
    }

    @Test
    void aCopyThatDoesNotMatchTheJarsEntryIsNeverUsed() throws IOException {
        byte[] lib = "the library".getBytes();
        byte[] damaged = "the librarY".getBytes();
        assertThrows(IOException.class, () -> NativeLibrary.ensure(tmp, crc(lib), lib.length, () -> new ByteArrayInputStream(damaged)));
        try (var left = Files.list(tmp)) {
            assertEquals(0, left.count());
        }
        // a truncated copy in place (a crash while copying in an older version) is replaced
        Path p = NativeLibrary.ensure(tmp, crc(lib), lib.length, () -> new ByteArrayInputStream(lib));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        Files.write(p, "the lib".getBytes());
        Path again = NativeLibrary.ensure(tmp, crc(lib), lib.length, () -> new ByteArrayInputStream(lib));
        assertArrayEquals(lib, Files.readAllBytes(again));
    }

    @Test
    void onlyAPrivateDirectoryOfThisUserIsUsed() throws IOException {
        Path made = NativeLibrary.privateDir(tmp.resolve("cache").resolve("dialtone"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertNull(NativeLibrary.privateDir(shared), "a directory others can write is not a cache");
        Path target = Files.createDirectory(tmp.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        assertNull(NativeLibrary.privateDir(link), "a symbolic link is not followed");
        assertFalse(Files.exists(tmp.resolve("shared").resolve("x")));
    }
}
