package dialtone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.testing.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher (./dialtone) when the JVM dies in native code: one line, exit 70, the crash report private (0600 in
 * a 0700 directory under $TMPDIR), none in the working directory, and no secret in it. A stand-in java (DIALTONE_JAVA)
 * writes a report where the JVM's -XX:ErrorFile says and kills itself with SIGSEGV, as a libwebrtc crash does.
 */
class LauncherIT {
    @Test
    void aNativeCrashIsOneLineAndAPrivateReport(@TempDir Path dir) throws Exception {
        Path repo = Path.of(System.getProperty("dialtone.jar")).toAbsolutePath().getParent().getParent();
        Path fake = dir.resolve("java");
        Files.writeString(fake, """
                #!/bin/bash
                for a in "$@"; do case "$a" in -XX:ErrorFile=*) f=${a#-XX:ErrorFile=}; f=${f//%p/$$};
                  printf '# A fatal error has been detected\\nCommand Line: %s\\n' "$*" > "$f";; esac; done
                kill -SEGV $$
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("dialtone").toString(), "call", "--ws-uri", Lab.wss(), "--user",
                "bob", "--password-env", "BOB_PW", "sip:x@y").directory(cwd.toFile());
        pb.environment().put("DIALTONE_JAVA", fake.toString());
        pb.environment().put("TMPDIR", tmp.toString());
        pb.environment().put("BOB_PW", Lab.get("LAB_BOB_PASSWORD"));
        Path err = dir.resolve("err");
        Process p = pb.redirectError(err.toFile()).redirectOutput(dir.resolve("out").toFile()).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String e = Files.readString(err);
        assertEquals(70, p.exitValue(), e);
        assertEquals(1, e.strip().lines().count(), e);
        assertTrue(e.startsWith("dialtone: the JVM crashed in native code (signal 11); crash report (private): "), e);
        Path report = Path.of(e.strip().substring(e.indexOf("(private): ") + "(private): ".length()));
        assertTrue(report.startsWith(tmp), report.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(report)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(report.getParent())));
        try (var files = Files.list(cwd)) {
            assertEquals(0, files.count(), "nothing in the working directory");
        }
        String text = Files.readString(report);
        for (String s : Lab.secrets()) {
            assertFalse(text.contains(s), "a secret in the crash report");
        }
    }
}
