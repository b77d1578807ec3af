package dialtone.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every file dialtone writes (--junit, --report, --pcap, --record, report merge's outputs) is written the same way,
 * by this class, so that nothing at the path is ever written through or turned into something else:
 *
 * <ol>
 * <li><b>Checked up front</b> ({@link #check}): the directory must exist; the path must be absent or a regular file.
 *     A symbolic link (dangling or not: {@code /dev/stdout} is one), a device ({@code /dev/full}), a FIFO, a socket or
 *     a directory is refused; so is an existing file when the writer may not replace it ({@code --record} without
 *     {@code --force}). The directory is tried by creating and removing a temporary file, so that a directory we may
 *     not write is refused before anything is dialled.</li>
 * <li><b>Written to a new file</b> ({@link #create}): a temporary file {@code .NAME.RANDOM.tmp} in the target's own
 *     directory (so the rename below stays on one file system), created with {@code O_CREAT|O_EXCL} (it can be no
 *     existing entry, and a symbolic link planted at its name is not followed) and {@code O_NOFOLLOW}; its mode is
 *     what the user's umask leaves of 0666, as for any file a shell redirection creates.</li>
 * <li><b>Committed at the end</b> ({@link #commit}): flushed to disk ({@code fsync}), the target checked again
 *     ({@code lstat}: still absent or a regular file), then renamed over it ({@code rename(2)}: atomic, so a reader
 *     sees the old file or the new one, never half of one). A rename replaces the directory entry itself: should a
 *     symbolic link or a device node be swapped in at the path between that last check and the rename (only someone
 *     who may write the directory can), the link or node is replaced, never written through, and its target is left
 *     as it was. When the writer may not replace a file, the new file is linked to the target's name
 *     ({@code link(2)} fails if the name exists), so that a file created meanwhile is not replaced either. The
 *     directory is then synced, so that the rename itself survives a crash.</li>
 * <li><b>Never left behind</b>: a failure, {@link #discard}, or a JVM shutdown (a signal, {@code System.exit})
 *     removes the temporary file; {@link #discardAll} does it for a path that ends the JVM with {@code halt}.
 *     Only a SIGKILL or a power cut can leave one.</li>
 * </ol>
 *
 * <p>{@code -} is not a path here: the commands map it to standard output where that makes sense, before they get
 * here.
 */
public final class OutputFile implements AutoCloseable {
    /** The name {@code -}: standard output, for the writers that offer it. */
    public static final String STDOUT = "-";

    /** What may be at the target's path before and when it is replaced. */
    public enum Existing {
        /** An existing regular file is replaced atomically (reports: each run writes its own). */
        REPLACE,
        /** Any existing entry is refused ({@code --record} without {@code --force}: a recording is not a report). */
        REFUSE
    }

    /** A path that is refused or a write that failed: one line, naming the path and why. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message);
        }

        public Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Set<OutputFile> PENDING = ConcurrentHashMap.newKeySet();
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private static volatile boolean hooked;

    private final Path target;
    private final Path temp;
    private final Existing existing;
    private final FileChannel channel;
    /** 0 open, 1 committed, 2 discarded. */
    private volatile int state;

    private OutputFile(Path target, Path temp, Existing existing, FileChannel channel) {
        this.target = target;
        this.temp = temp;
        this.existing = existing;
        this.channel = channel;
    }

    /** True for {@code -}, the name of standard output. */
    public static boolean isStdout(Path p) {
        return p != null && p.getNameCount() == 1 && !p.isAbsolute() && STDOUT.equals(p.toString());
    }

    /**
     * The check made before a run starts: refuses (with the reason, without the path: the caller names the flag and
     * the path) a target that is not absent or a regular file, a missing or unwritable directory, and an existing
     * file under {@link Existing#REFUSE}.
     */
    public static void check(Path target, Existing existing) throws Refused {
        Path dir = directoryOf(target);
        if (!Files.isDirectory(dir)) {
            throw new Refused(Files.exists(dir) ? "its directory " + dir + " is not a directory"
                    : "the directory " + dir + " does not exist");
        }
        refuseWhatIsThere(target, existing);
        // the directory must take a new file: try it now rather than after the call
        Path probe = null;
        try {
            probe = newTemp(target);
            FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)
                    .close();
        } catch (IOException e) {
            probe = null;
            throw new Refused("cannot create a file in " + dir + ": " + reason(e), e);
        } finally {
            if (probe != null) {
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException ignored) {
                    // a probe we could create we can remove; if not, nothing better to do
                }
            }
        }
    }

    /** Checks the target ({@link #check} but the directory probe) and creates the temporary file beside it. */
    public static OutputFile create(Path target, Existing existing) throws Refused {
        Path dir = directoryOf(target);
        if (!Files.isDirectory(dir)) {
            throw new Refused("the directory " + dir + " does not exist");
        }
        refuseWhatIsThere(target, existing);
        hook();
        for (int attempt = 0; ; attempt++) {
            Path temp = newTemp(target);
            try {
                FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
                OutputFile f = new OutputFile(target, temp, existing, ch);
                PENDING.add(f);
                return f;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw new Refused("cannot create a temporary file in " + dir + ": " + reason(e), e);
                }
            } catch (IOException e) {
                throw new Refused("cannot create a file in " + dir + ": " + reason(e), e);
            }
        }
    }

    /** Writes {@code data} as the whole new content of {@code target}: create, write, commit (or nothing is left). */
    public static void write(Path target, byte[] data, Existing existing) throws Refused {
        try (OutputFile f = create(target, existing)) {
            OutputStream out = f.stream();
            out.write(data);
            f.commit();
        } catch (Refused e) {
            throw e;
        } catch (IOException e) {
            throw new Refused(reason(e), e);
        }
    }

    public Path target() {
        return target;
    }

    /** The temporary file being written (for tests). */
    public Path temp() {
        return temp;
    }

    /** The open temporary file; positional writes (a header fixed up at the end) are fine. */
    public FileChannel channel() {
        return channel;
    }

    /** A stream onto {@link #channel()} (not buffered; closing it closes the channel, which commit then tolerates). */
    public OutputStream stream() {
        return Channels.newOutputStream(channel);
    }

    /**
     * Syncs the new file, checks the target again and renames the new file over it. On any failure the temporary file
     * is removed and the target is left as it was.
     */
    public void commit() throws Refused {
        if (state != 0) {
            throw new Refused(state == 1 ? "already written" : "already discarded");
        }
        try {
            if (channel.isOpen()) {
                channel.force(true);
                channel.close();
            } else {
                try (FileChannel c = FileChannel.open(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    c.force(true);
                }
            }
            refuseWhatIsThere(target, existing);
            if (existing == Existing.REPLACE) {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } else {
                link();
            }
            state = 1;
            PENDING.remove(this);
        } catch (Refused e) {
            throw e;
        } catch (IOException e) {
            throw new Refused(reason(e), e);
        } finally {
            if (state != 1) {
                discard();
            }
        }
        syncDirectory(directoryOf(target));
    }

    /** {@link Existing#REFUSE}: link(2) the new file at the target's name (fails if the name exists), then unlink it. */
    private void link() throws IOException {
        try {
            Files.createLink(target, temp);
            Files.delete(temp);
        } catch (FileAlreadyExistsException e) {
            throw new Refused("it exists already" + (Files.isSymbolicLink(target) ? " (a symbolic link, never followed)" : ""));
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            if (e instanceof java.nio.file.FileSystemException && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new Refused("it exists already");
            }
            // a file system without hard links: a plain move, which refuses an existing target (not atomically)
            Files.move(temp, target);
        }
    }

    /** Removes the temporary file (the target is untouched); harmless after {@link #commit()}. */
    public void discard() {
        if (state == 1) {
            return;
        }
        state = 2;
        try {
            channel.close();
        } catch (IOException ignored) {
            // removing it is what matters
        }
        try {
            Files.deleteIfExists(temp);
            PENDING.remove(this);
        } catch (IOException ignored) {
            // left in PENDING: the shutdown hook tries again
        }
    }

    /** Discards unless committed: use in try-with-resources around the writing. */
    @Override
    public void close() {
        discard();
    }

    /** Removes every temporary file not yet committed: for the paths that end the JVM with {@code halt}. */
    public static void discardAll() {
        for (OutputFile f : PENDING.toArray(new OutputFile[0])) {
            f.discard();
        }
    }

    /** Temporary files not yet committed or discarded (for tests). */
    public static int pending() {
        return PENDING.size();
    }

    private static synchronized void hook() {
        if (!hooked) {
            hooked = true;
            Thread t = new Thread(OutputFile::discardAll, "dialtone-output-cleanup");
            try {
                Runtime.getRuntime().addShutdownHook(t);
            } catch (IllegalStateException e) {
                // shutting down already: the writer's own failure path removes its file
            }
        }
    }

    private static Path directoryOf(Path target) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        return dir == null ? abs.getRoot() : dir;
    }

    private static Path newTemp(Path target) {
        String name = target.getFileName() == null ? "out" : target.getFileName().toString();
        if (name.length() > 200) {
            name = name.substring(0, 200); // NAME_MAX is 255 bytes; the suffix adds 22
        }
        byte[] r = new byte[8];
        RANDOM.nextBytes(r);
        return directoryOf(target).resolve("." + name + "." + HexFormat.of().formatHex(r) + ".tmp");
    }

    /** Refuses what must not be replaced; absent or (with REPLACE) a regular file passes. Never follows a link. */
    private static void refuseWhatIsThere(Path target, Existing existing) throws Refused {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new Refused("cannot look at it: " + reason(e), e);
        }
        if (a.isSymbolicLink()) {
            throw new Refused("it is a symbolic link (never followed" + ("stdout".equals(String.valueOf(target.getFileName()))
                    ? "; - is standard output)" : ")"));
        }
        if (a.isDirectory()) {
            throw new Refused("it is a directory");
        }
        if (!a.isRegularFile()) {
            throw new Refused("it is " + kind(target) + ", not a regular file");
        }
        if (existing == Existing.REFUSE) {
            throw new Refused("it exists already");
        }
    }

    /** "a character device", "a FIFO", ... from the file's mode (lstat). */
    static String kind(Path p) {
        return kind(p, false);
    }

    /** "a character device", "a FIFO", ... from the file's mode; {@code follow}: of a link's target (stat). */
    public static String kind(Path p, boolean follow) {
        try {
            int mode = (Integer) (follow ? Files.getAttribute(p, "unix:mode")
                    : Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS));
            switch (mode & 0170000) {
                case 0020000:
                    return "a character device";
                case 0060000:
                    return "a block device";
                case 0010000:
                    return "a FIFO";
                case 0140000:
                    return "a socket";
                default:
                    return "a special file";
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "a special file";
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform opens a directory; the file itself is synced
        }
    }

    private static String reason(IOException e) {
        if (e instanceof Refused) {
            return e.getMessage();
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof AtomicMoveNotSupportedException) {
            return "cannot rename within its directory";
        }
        if (e instanceof java.nio.file.FileSystemException f) {
            if (f.getReason() != null) {
                return f.getReason();
            }
            if (e instanceof java.nio.file.NoSuchFileException) {
                return "no such file or directory";
            }
            if (e instanceof FileAlreadyExistsException) {
                return "it exists already";
            }
            return e.getClass().getSimpleName(); // its message is only the path, which the caller names
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** For messages: {@code ByteBuffer} writes that must all land. */
    public static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
