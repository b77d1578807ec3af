package dialtone.media;

/**
 * Voice activity detection on the decoded far-end audio: finds where a speaker's turn starts and ends, in samples
 * of the stream it is fed (10 ms frames of 16-bit PCM; pure Java, cheap enough for the audio thread).
 *
 * <p>How it decides, per 10 ms frame:
 * <ul>
 *   <li>the energy in the speech band: the frame is high-passed (one pole at {@value #HIGH_PASS_HZ} Hz, so hum and DC
 *       count for nothing), and its mean square taken in dBFS;</li>
 *   <li>an adaptive noise floor: it falls at once to a quieter frame, and rises by at most
 *       {@value #FLOOR_RISE_DB} dB a frame (5 dB/s) outside speech, {@value #FLOOR_RISE_IN_SPEECH_DB} dB a frame inside
 *       it (so a noise that starts and stays is absorbed within seconds, speech is not);
 *       and it is never more than {@value #MIN_STATS_MARGIN_DB} dB below the quietest frame of the last 1.5 s (minimum
 *       statistics: speech dips between syllables and words; a sound that never dips is a noise, and becomes the
 *       floor within 1.5 s);</li>
 *   <li>a frame is <em>loud</em> above the floor + {@value #TRIGGER_DB} dB (and above {@value #MIN_TRIGGER_DBFS}
 *       dBFS), <em>voiced</em> above the floor + {@value #EDGE_DB} dB (and above {@value #MIN_EDGE_DBFS} dBFS);</li>
 *   <li>onset confirmation: a turn starts after {@value #ONSET_FRAMES} loud frames in a row (30 ms: a click or a
 *       packet-loss burst is not a turn); its start is then moved back over the voiced frames just before them
 *       (a soft onset is part of the word);</li>
 *   <li>hangover: a turn ends after {@value #HANGOVER_MS} ms without a loud frame (espeak-ng pauses about 150 ms at a
 *       comma and 300 ms at a full stop; people and voice agents 200-500 ms between the clauses of one turn); its end
 *       is the end of its last voiced frame, so the hangover delays the decision, never the boundary.</li>
 * </ul>
 * Measured accuracy (VadTest, on espeak-ng speech with silences of known length, through Opus and G.711, with comfort
 * noise and background noise at -50 dBFS): boundaries within +-40 ms of the true ones.
 *
 * <p>Not thread-safe: one feeder (the audio thread). The listener is called on the feeding thread.
 */
public final class Vad {
    public static final double HIGH_PASS_HZ = 120;
    public static final double FLOOR_RISE_DB = 0.05;
    public static final double FLOOR_RISE_IN_SPEECH_DB = 0.01;
    public static final double TRIGGER_DB = 12;
    public static final double EDGE_DB = 6;
    public static final double MIN_TRIGGER_DBFS = -50;
    public static final double MIN_EDGE_DBFS = -58;
    public static final int ONSET_FRAMES = 3;
    public static final int HANGOVER_MS = 600;
    /** The window of the minimum statistics (1.5 s) and how far below its minimum the floor may stay. */
    public static final int MIN_STATS_FRAMES = 150;
    public static final double MIN_STATS_MARGIN_DB = 3;
    /** How far back a confirmed onset may move over voiced frames. */
    static final int LOOKBACK_FRAMES = 15;

    /** Told of each turn's start (once confirmed) and end (after the hangover); positions in samples from the first. */
    public interface Listener {
        void speechStarted(long startSample);

        void speechEnded(long startSample, long endSample);
    }

    private final Listener listener;
    private int rate;
    private double hpPrevIn;
    private double hpPrevOut;
    private double alpha;
    private double floorDb = Double.NaN;
    private long samples;
    private boolean speaking;
    private long turnStart;
    private long lastVoicedEnd;
    private long lastLoudEnd;
    private int loudRun;
    private final double[] recent = new double[MIN_STATS_FRAMES];
    private int recentPos;
    private int recentCount;
    private boolean tailOpen;
    /** The recent frames' "voiced" flags and end positions, newest last (a ring), for moving an onset back. */
    private final boolean[] voicedRing = new boolean[LOOKBACK_FRAMES + ONSET_FRAMES + 1];
    private final long[] startRing = new long[voicedRing.length];
    private int ringPos;
    private double lastDb = -120;

    public Vad(Listener listener) {
        this.listener = listener;
    }

    public boolean speaking() {
        return speaking;
    }

    /** The noise floor now, in dBFS (NaN before the first frame). */
    public double floorDb() {
        return floorDb;
    }

    /** The last frame's speech-band energy, in dBFS. */
    public double lastDb() {
        return lastDb;
    }

    /** Samples fed so far (of one channel). */
    public long position() {
        return samples;
    }

    /** 16-bit little-endian PCM, interleaved; the first channel is analysed. */
    public void accept(byte[] data, int rate, int channels, int frames) {
        short[] mono = new short[frames];
        for (int i = 0; i < frames; i++) {
            int o = i * channels * 2;
            mono[i] = (short) ((data[o] & 0xff) | (data[o + 1] << 8));
        }
        accept(mono, rate);
    }

    /** One frame of mono PCM (10 ms expected; any length works, the timing constants assume 10 ms). */
    public void accept(short[] frame, int rate) {
        if (frame.length == 0 || rate <= 0) {
            return;
        }
        if (rate != this.rate) {
            this.rate = rate;
            double rc = 1 / (2 * Math.PI * HIGH_PASS_HZ);
            double dt = 1.0 / rate;
            alpha = rc / (rc + dt);
        }
        double sum = 0;
        for (short s : frame) {
            double x = s / 32768.0;
            double y = alpha * (hpPrevOut + x - hpPrevIn);
            hpPrevIn = x;
            hpPrevOut = y;
            sum += y * y;
        }
        double db = 10 * Math.log10(sum / frame.length + 1e-12);
        lastDb = db;
        long start = samples;
        samples += frame.length;
        if (Double.isNaN(floorDb)) {
            floorDb = Math.max(db, -90);
        }
        boolean loud = db > floorDb + TRIGGER_DB && db > MIN_TRIGGER_DBFS;
        boolean voiced = db > floorDb + EDGE_DB && db > MIN_EDGE_DBFS;
        // the floor: down at once, up slowly (more slowly while someone speaks)
        if (db < floorDb) {
            floorDb = Math.max(db, -90);
        } else if (!loud || speaking) {
            floorDb += Math.min(db - floorDb, speaking ? FLOOR_RISE_IN_SPEECH_DB : FLOOR_RISE_DB);
        }
        // minimum statistics: speech dips between syllables and words within a second and a half; a sound that
        // never dips is a noise that started, and becomes the floor
        recent[recentPos] = db;
        recentPos = (recentPos + 1) % recent.length;
        recentCount = Math.min(recentCount + 1, recent.length);
        if (recentCount == recent.length) {
            double min = Double.MAX_VALUE;
            for (double x : recent) {
                min = Math.min(min, x);
            }
            floorDb = Math.max(floorDb, min - MIN_STATS_MARGIN_DB);
        }
        voicedRing[ringPos] = voiced || loud;
        startRing[ringPos] = start;
        ringPos = (ringPos + 1) % voicedRing.length;
        // the turn's end so far: the last loud frame and the voiced frames right after it (a soft ending)
        if (loud) {
            tailOpen = true;
            lastVoicedEnd = samples;
        } else if (voiced && tailOpen) {
            lastVoicedEnd = samples;
        } else {
            tailOpen = false;
        }
        if (!speaking) {
            loudRun = loud ? loudRun + 1 : 0;
            if (loudRun >= ONSET_FRAMES) {
                speaking = true;
                lastLoudEnd = samples;
                turnStart = onsetStart();
                listener.speechStarted(turnStart);
            }
            return;
        }
        if (loud) {
            lastLoudEnd = samples;
        } else if ((samples - lastLoudEnd) * 1000L >= (long) HANGOVER_MS * rate) {
            speaking = false;
            loudRun = 0;
            listener.speechEnded(turnStart, Math.max(lastVoicedEnd, lastLoudEnd));
        }
    }

    /** The start of the confirmed onset's run of voiced frames (at most {@link #LOOKBACK_FRAMES} before it). */
    private long onsetStart() {
        int n = voicedRing.length;
        int newest = (ringPos - 1 + n) % n;
        long at = startRing[newest];
        for (int k = 0; k < n; k++) {
            int i = (newest - k + n) % n;
            if (!voicedRing[i] || startRing[i] > at) {
                break;
            }
            at = startRing[i];
        }
        return at;
    }

    /** Ends a turn in progress now (the call is over): its end is its last voiced frame. */
    public void flush() {
        if (speaking) {
            speaking = false;
            listener.speechEnded(turnStart, Math.max(lastVoicedEnd, lastLoudEnd));
        }
    }
}
