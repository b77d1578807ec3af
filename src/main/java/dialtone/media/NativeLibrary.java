package dialtone.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * Loads webrtc-java's native library from a per-user cache instead of letting webrtc-java unpack it on every start.
 * webrtc-java inflates its 23 MB library from the jar into a new temporary file each time a process loads it: about
 * 110 ms of a call's start-up, on the path to the first audio (measured: 120 ms that way, 10 ms from an unpacked
 * copy). Here it is unpacked once, into {@code $XDG_CACHE_HOME/dialtone} (else {@code ~/.cache/dialtone}), a
 * directory of the user's own that no one else may write, under a name made of the jar entry's CRC-32 and size, so
 * that a cached copy belongs to exactly one build of the library; the copy's CRC is checked as it is written.
 * Later starts read only the jar's directory (no inflating) and map the copy.
 *
 * <p>Whenever something does not fit (no such jar entry, no private cache directory, webrtc-java's loader has
 * changed, the copy does not load), this gives up and webrtc-java loads the library its own way, with its own error
 * messages (a missing libpulse0 still says so). {@code DIALTONE_NO_NATIVE_CACHE=1} turns the cache off.
 */
final class NativeLibrary {
    static final String ENTRY = "libwebrtc-java-linux-x86_64.so";
    /** webrtc-java's name for its library: its loader skips a library whose name it has recorded as loaded. */
    private static final String LOADER = "dev.onvoid.webrtc.internal.NativeLoader";
    private static final String NAME = "webrtc-java";

    private NativeLibrary() {
    }

    /** Loads the library from the cache when it can; returns whether it did (else webrtc-java loads it). */
    static boolean load() {
        if (System.getenv("DIALTONE_NO_NATIVE_CACHE") != null) {
            return false;
        }
        try {
            Set<String> loaded = loaderSet();
            if (loaded == null || loaded.contains(NAME)) {
                return false;
            }
            URL url = NativeLibrary.class.getClassLoader().getResource(ENTRY);
            if (url == null) {
                return false;
            }
            URLConnection c = url.openConnection();
            if (!(c instanceof JarURLConnection jar)) {
                return false;
            }
            c.setUseCaches(true);
            JarEntry e = jar.getJarEntry();
            Path dir = cacheDir();
            if (e == null || e.getCrc() < 0 || e.getSize() <= 0 || dir == null) {
                return false;
            }
            Path lib = ensure(dir, e.getCrc(), e.getSize(), () -> NativeLibrary.class.getClassLoader().getResourceAsStream(ENTRY));
            try {
                System.load(lib.toString());
            } catch (UnsatisfiedLinkError bad) {
                // a damaged copy, or a library the system cannot link (libpulse0 missing): webrtc-java's loader
                // tries again and reports it in its words
                Files.deleteIfExists(lib);
                return false;
            }
            loaded.add(NAME);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The set webrtc-java's loader records loaded libraries in, or null when it is not where 0.14 keeps it. */
    @SuppressWarnings("unchecked")
    private static Set<String> loaderSet() {
        try {
            java.lang.reflect.Field f = Class.forName(LOADER, false, NativeLibrary.class.getClassLoader())
                    .getDeclaredField("LOADED_LIB_SET");
            f.setAccessible(true);
            Object v = f.get(null);
            return v instanceof Set<?> ? (Set<String>) v : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The user's private cache directory for dialtone, created 0700; null when there is none that is safe. */
    static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        String home = System.getProperty("user.home");
        Path base = xdg != null && xdg.startsWith("/") ? Path.of(xdg)
                : home == null || home.isEmpty() || "?".equals(home) ? null : Path.of(home, ".cache");
        return base == null ? null : privateDir(base.resolve("dialtone"));
    }

    /** {@code dir}, created if need be, when it is a real directory of this user that no one else can write. */
    static Path privateDir(Path dir) {
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.getParent());
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another process made it first: checked below like any other
                }
            }
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> p = a.permissions();
            // /proc/self belongs to this process's user
            boolean mine = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)
                    .equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            if (!a.isDirectory() || a.isSymbolicLink() || !mine || p.contains(PosixFilePermission.GROUP_WRITE)
                    || p.contains(PosixFilePermission.OTHERS_WRITE)) {
                return null;
            }
            return dir;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** Where the library comes from when it has to be unpacked. */
    interface Source {
        InputStream open() throws IOException;
    }

    /**
     * The cached copy for the library with this CRC-32 and size, unpacked from {@code source} first when there is
     * none of that size: written to a temporary file in {@code dir}, its CRC checked, then moved into place.
     */
    static Path ensure(Path dir, long crc, long size, Source source) throws IOException {
        Path lib = dir.resolve(String.format(Locale.ROOT, "libwebrtc-java-%08x-%d.so", crc, size));
        if (Files.isRegularFile(lib, LinkOption.NOFOLLOW_LINKS) && Files.size(lib) == size) {
            return lib;
        }
        Path tmp = Files.createTempFile(dir, ".unpacking-", ".so");
        try {
            CRC32 sum = new CRC32();
            long n;
            try (InputStream in = source.open(); OutputStream out = new CheckedOutputStream(Files.newOutputStream(tmp), sum)) {
                if (in == null) {
                    throw new IOException("the library is not in the jar");
                }
                n = in.transferTo(out);
            }
            if (n != size || sum.getValue() != crc) {
                throw new IOException("the unpacked library does not match the jar's entry");
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r-x------"));
            Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return lib;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
