package dialtone.support;

/**
 * Which stop signal this process received, for the words and the exit code of an interrupted run: Ctrl-C (SIGINT)
 * exits 130, SIGTERM 143 and SIGHUP 129, the shell's convention (128 + the signal's number).
 */
public final class Signals {
    private static volatile String received;

    private Signals() {
    }

    /** Records the signal ("INT", "TERM" or "HUP"); the first one wins. */
    public static void received(String name) {
        if (received == null) {
            received = name;
        }
    }

    /** True once a stop signal came: teardown then waits less for the server (the user wants out now). */
    public static boolean stopping() {
        return received != null;
    }

    /** "SIGTERM", "SIGHUP" or "Ctrl-C" (also when no signal was seen: an interrupt from inside). */
    public static String describe() {
        return "TERM".equals(received) ? "SIGTERM" : "HUP".equals(received) ? "SIGHUP" : "Ctrl-C";
    }

    /** 143 after SIGTERM, 129 after SIGHUP, 130 otherwise. */
    public static int exitCode() {
        return "TERM".equals(received) ? 143 : "HUP".equals(received) ? 129 : 130;
    }

    /** Forgets the signal (for tests). */
    static void reset() {
        received = null;
    }
}
