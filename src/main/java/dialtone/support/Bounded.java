package dialtone.support;

/** Work that must not hold its caller for long (native teardown, a library's shutdown at exit). */
public final class Bounded {
    private Bounded() {
    }

    /**
     * Runs {@code work} on a daemon thread named {@code name} and waits for it at most {@code maxMillis}; a thread
     * still running then is left behind (it does not keep the process alive).
     *
     * @return whether it finished in time
     */
    public static boolean run(String name, Runnable work, long maxMillis) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
        try {
            t.join(maxMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }
}
