package dialtone;

import dialtone.cli.Dialtone;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/** Entry point: runs {@link Dialtone} with this process's streams and exits with its code. */
public final class Main {
    private Main() {
    }

    private static void closeQuietly(java.io.FileDescriptor fd) {
        try {
            new java.io.FileOutputStream(fd).close();
        } catch (java.io.IOException e) {
            // nothing to do
        }
    }

    /** Starts, on other threads, the slow first-time work the command will need (2 cores: it overlaps). */
    static void prewarm(String[] args) {
        String command = null;
        boolean json = false;
        for (String a : args) {
            if (a.equals("--json")) {
                json = true;
            } else if (command == null && !a.startsWith("-")) {
                command = a;
            }
        }
        if (json) {
            dialtone.report.Json.prewarm();
        }
        if (command != null && java.util.Set.of("call", "register", "load", "probe").contains(command)) {
            dialtone.engine.Engine.prewarmSignalling();
        }
    }

    /**
     * The JVM's exit waits up to 300 ms for every Java thread that is inside native code, and a thread blocked in a
     * selector is: the JDK HTTP client's selector thread outlives the configuration fetch (JDK 17's client cannot be
     * closed) and made every fetching command end 300 ms after its last word (`config` 335 -> 650 ms wall). Nothing
     * uses the client once the command has finished, so its selector threads are told to stop (an interrupt wakes
     * the selector and ends the thread).
     */
    static void stopIdleSelectors() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (t.isDaemon() && n.startsWith("HttpClient-") && n.endsWith("-SelectorManager")) {
                t.interrupt();
                try {
                    t.join(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public static void main(String[] args) {
        // Libraries (Tyrus, the JDK's HTTP client) log through java.util.logging; their lines must not reach the
        // user's terminal unredacted and unasked.
        LogManager.getLogManager().reset();
        Logger.getLogger("").setLevel(Level.OFF);
        prewarm(args);
        int rc = Dialtone.execute(args, new OutputStreamWriter(System.out, StandardCharsets.UTF_8),
                new OutputStreamWriter(System.err, StandardCharsets.UTF_8), System.getenv(), System.console() != null);
        System.out.flush();
        System.err.flush();
        stopIdleSelectors();
        dialtone.engine.Engine.releaseSignalling();
        // the launcher's class-data-sharing training run says so (asking the JVM via JMX costs 20 ms at every exit)
        boolean archiving = Boolean.getBoolean("dialtone.archiving");
        if (dialtone.cli.Dialtone.nativeMediaLoaded() && !archiving) {
            // Everything dialtone says is written and flushed. libwebrtc's native threads print
            // "VM attach current thread failed" to the standard streams while the process ends; close them first so
            // that nothing foreign lands in JSON lines or a terminal.
            closeQuietly(java.io.FileDescriptor.out);
            closeQuietly(java.io.FileDescriptor.err);
            dialtone.engine.Engine.releaseMedia();
            dialtone.support.OutputFile.discardAll(); // halt runs no shutdown hook: no temporary file left
            // libwebrtc's native threads print "VM attach current thread failed" while a normal JVM exit tears
            // down; all output is flushed and the media closed, so leave without that noise.
            Runtime.getRuntime().halt(rc);
        }
        System.exit(rc);
    }
}
