package dialtone.media;

/**
 * Measures the received audio as it arrives (called on the audio thread, cheap): the level (RMS), when audio first
 * rose above a threshold, and the Goertzel power at the frequencies asked for ({@link ToneDetector}), summed over the
 * audible frames and compared with their total power by {@link ToneDetector}'s one criterion.
 */
public final class AudioAnalyzer {
    /** Received audio counts as "audio" above this RMS (about -50 dBFS). */
    public static final double SILENCE_RMS = ToneDetector.MIN_RMS;

    private final double[] freqs;
    private final double[] tonePower;
    private ToneDetector detector;
    private double totalPower;
    private long frames;
    private long toneFrames;
    private volatile double lastRms;
    private volatile long firstAudioNanos = -1;
    private volatile long samples;

    public AudioAnalyzer(double... freqs) {
        this.freqs = freqs.clone();
        this.tonePower = new double[freqs.length];
    }

    /** 16-bit PCM, interleaved; only the first channel is analysed. */
    public synchronized void accept(byte[] data, int bitsPerSample, int rate, int channels, int n) {
        if (bitsPerSample != 16 || n <= 0) {
            return;
        }
        if (detector == null) {
            detector = new ToneDetector(rate, freqs);
        } else {
            detector.rate(rate);
        }
        detector.add(data, channels, n);
        double meanSquare = detector.meanSquare();
        lastRms = Math.sqrt(meanSquare);
        samples += n;
        frames++;
        if (ToneDetector.audible(meanSquare)) {
            if (firstAudioNanos < 0) {
                firstAudioNanos = System.nanoTime();
            }
            totalPower += meanSquare;
            toneFrames++;
            for (int f = 0; f < freqs.length; f++) {
                tonePower[f] += detector.power(f);
            }
        }
    }

    public double level() {
        return lastRms;
    }

    public long firstAudioNanos() {
        return firstAudioNanos;
    }

    public long samples() {
        return samples;
    }

    /**
     * The share of the received power (over frames above silence) that sits at {@code freqs[i]}: about 1 for a
     * clean tone, near 0 for speech or another tone.
     */
    public synchronized double toneShare(int i) {
        return totalPower <= 0 ? 0 : Math.min(1, tonePower[i] / totalPower);
    }

    /** Whether {@code freqs[i]} carries the received audio by {@link ToneDetector#isTone(double, double)}. */
    public synchronized boolean carriesTone(int i) {
        return ToneDetector.isTone(tonePower[i], totalPower);
    }

    public synchronized long audibleFrames() {
        return toneFrames;
    }
}
