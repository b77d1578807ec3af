package dialtone.media;

/**
 * The one tone detector: Goertzel filters at a few frequencies run over one frame of samples, and the one tone
 * criterion every part of dialtone applies to what they measure.
 *
 * <p>The criterion ({@link #isTone}): a frame carries the tone (or, for DTMF, the pair of tones) when its level is
 * above {@link #MIN_RMS} (about -50 dBFS) and the power at the tone's frequencies is at least {@link #MIN_SHARE}
 * of the frame's mean-square power. A clean tone gives a share near 1; speech, noise, another tone or a tone more
 * than about half a Goertzel bin away (rate / frame length: 44 Hz for 10 ms frames, 18 Hz for 25 ms) falls below.
 *
 * <p>Powers are normalised so that a sine of amplitude A at the frequency gives A^2/2, the same as its mean square,
 * which makes a power and the frame's mean square directly comparable. Not thread-safe: one instance per thread.
 */
public final class ToneDetector {
    /** A frame below this RMS (about -50 dBFS, 16-bit full scale = 1) is silence: it carries no tone. */
    public static final double MIN_RMS = 0.003;
    /** The share of a frame's power that must sit at the tone's frequencies. */
    public static final double MIN_SHARE = 0.5;

    private final double[] freqs;
    private final double[] coeff;
    private final double[] s1;
    private final double[] s2;
    private int rate;
    private int n;
    private double sumSq;

    public ToneDetector(int rate, double... freqs) {
        this.freqs = freqs.clone();
        this.coeff = new double[freqs.length];
        this.s1 = new double[freqs.length];
        this.s2 = new double[freqs.length];
        rate(rate);
    }

    /** Starts a new frame at {@code rate} samples per second. */
    public void rate(int rate) {
        if (rate <= 0) {
            throw new IllegalArgumentException("rate " + rate);
        }
        if (rate != this.rate) {
            this.rate = rate;
            for (int f = 0; f < freqs.length; f++) {
                coeff[f] = 2 * Math.cos(2 * Math.PI * freqs[f] / rate);
            }
        }
        reset();
    }

    /** Starts a new frame at the same rate. */
    public void reset() {
        n = 0;
        sumSq = 0;
        java.util.Arrays.fill(s1, 0);
        java.util.Arrays.fill(s2, 0);
    }

    /** One sample in [-1, 1). */
    public void add(double x) {
        sumSq += x * x;
        for (int f = 0; f < freqs.length; f++) {
            double s0 = x + coeff[f] * s1[f] - s2[f];
            s2[f] = s1[f];
            s1[f] = s0;
        }
        n++;
    }

    /** The first channel of {@code frames} interleaved 16-bit little-endian samples. */
    public void add(byte[] pcm16, int channels, int frames) {
        for (int i = 0; i < frames; i++) {
            add(sample(pcm16, i, channels));
        }
    }

    /** Sample {@code i} of the first channel of interleaved 16-bit little-endian PCM, in [-1, 1). */
    public static double sample(byte[] pcm16, int i, int channels) {
        int o = i * channels * 2;
        return (short) ((pcm16[o] & 0xff) | (pcm16[o + 1] << 8)) / 32768.0;
    }

    /** Samples in this frame. */
    public int samples() {
        return n;
    }

    /** The frame's mean-square power (0 when empty). */
    public double meanSquare() {
        return n == 0 ? 0 : sumSq / n;
    }

    /** The frame's RMS level. */
    public double rms() {
        return Math.sqrt(meanSquare());
    }

    /** The frame's power at {@code freqs[f]}, normalised like {@link #meanSquare()}. */
    public double power(int f) {
        if (n == 0) {
            return 0;
        }
        double p = s1[f] * s1[f] + s2[f] * s2[f] - coeff[f] * s1[f] * s2[f];
        return 2 * p / ((double) n * n);
    }

    /** Whether this frame carries the tones at the given indices together (see the class comment). */
    public boolean carries(int... f) {
        double p = 0;
        for (int i : f) {
            p += power(i);
        }
        return isTone(p, meanSquare());
    }

    /**
     * The criterion itself, for a power and mean square measured here (summed over frames when the caller
     * accumulates several).
     */
    public static boolean isTone(double tonePower, double meanSquare) {
        return meanSquare > MIN_RMS * MIN_RMS && tonePower >= MIN_SHARE * meanSquare;
    }

    /** Whether a mean square is above silence. */
    public static boolean audible(double meanSquare) {
        return meanSquare > MIN_RMS * MIN_RMS;
    }

    /** Whether one frame of interleaved 16-bit PCM carries {@code hz}: for an audio tap that listens for a tone. */
    public static boolean isTone(byte[] pcm16, int rate, int channels, int frames, double hz) {
        ToneDetector d = new ToneDetector(rate, hz);
        d.add(pcm16, channels, frames);
        return d.carries(0);
    }
}
