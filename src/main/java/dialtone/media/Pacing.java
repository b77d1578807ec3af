package dialtone.media;

/**
 * How well the audio pump keeps its 10 ms pace, process-wide: for every frame pushed, how late it was against its due
 * time ({@code start + n x 10 ms}), and how many frames were skipped (a pump held off for longer than its catch-up
 * drops the rest of its backlog). The overload monitor drains one window at a time (about a second); only frames
 * pushed while at least one call was sending are counted. Thread-safe; the pump records from its one thread.
 */
public final class Pacing {
    private static final Pacing PROCESS = new Pacing();

    public Pacing() {
    }

    /** Lateness histogram: 1 ms buckets up to {@link #MAX_MS}; later frames fall in the last bucket. */
    static final int MAX_MS = 1000;


    private final int[] buckets = new int[MAX_MS + 1];
    private long frames;
    private long skipped;
    private long maxLateNs;
    private int calls;
    private long heldOffNs;

    /** What the pump did over one window. */
    public record Window(long frames, long skipped, double lateMsP95, double lateMsMax, int calls, double heldOffMs) {
        public static final Window EMPTY = new Window(0, 0, 0, 0, 0, 0);

        public Window(long frames, long skipped, double lateMsP95, double lateMsMax, int calls) {
            this(frames, skipped, lateMsP95, lateMsMax, calls, 0);
        }

        /** Share of the window's due frames that were skipped. */
        public double skippedShare() {
            long due = frames + skipped;
            return due == 0 ? 0 : (double) skipped / due;
        }
    }

    /** The pump of this process. */
    public static Pacing process() {
        return PROCESS;
    }

    /** One frame tick pushed {@code lateNs} after it was due, for {@code calls} sending calls. */
    public synchronized void pushed(long lateNs, int calls) {
        long ms = Math.max(0, lateNs) / 1_000_000L;
        buckets[(int) Math.min(MAX_MS, ms)]++;
        frames++;
        maxLateNs = Math.max(maxLateNs, lateNs);
        this.calls = Math.max(this.calls, calls);
    }

    /**
     * The pump waited {@code ns} for the push lock (an activation window held it: libwebrtc starting a call's send
     * stream), as opposed to waiting for the CPU.
     */
    public synchronized void heldOff(long ns) {
        heldOffNs += ns;
    }

    /** {@code n} frame ticks were skipped (dropped from the backlog) while calls were sending. */
    public synchronized void skipped(long n) {
        skipped += n;
    }

    /** The window since the last drain, and a new one begins. */
    public synchronized Window drain() {
        Window w;
        if (frames == 0 && skipped == 0) {
            w = Window.EMPTY;
        } else {
            long rank = (long) Math.ceil(0.95 * frames); // nearest rank
            long seen = 0;
            int p95 = 0;
            for (int i = 0; i < buckets.length; i++) {
                seen += buckets[i];
                if (seen >= rank && rank > 0) {
                    p95 = i;
                    break;
                }
            }
            w = new Window(frames, skipped, frames == 0 ? 0 : p95, Math.max(0, maxLateNs) / 1e6, calls, heldOffNs / 1e6);
        }
        java.util.Arrays.fill(buckets, 0);
        frames = 0;
        skipped = 0;
        maxLateNs = 0;
        calls = 0;
        heldOffNs = 0;
        return w;
    }
}
