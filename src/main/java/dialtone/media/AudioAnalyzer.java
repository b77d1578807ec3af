package dialtone.media;

/**
 * Measures the received audio as it arrives (called on the audio thread, cheap): the level (RMS), when audio first
 * rose above a threshold, and the Goertzel power at the frequencies asked for, compared with the total power, to
 * decide whether a tone is present.
 */
public final class AudioAnalyzer {
    /** Received audio counts as "audio" above this RMS (about -50 dBFS). */
    public static final double SILENCE_RMS = 0.003;

    private final double[] freqs;
    private final double[] tonePower;
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
        double sumSq = 0;
        double[] s1 = new double[freqs.length];
        double[] s2 = new double[freqs.length];
        double[] coeff = new double[freqs.length];
        for (int f = 0; f < freqs.length; f++) {
            coeff[f] = 2 * Math.cos(2 * Math.PI * freqs[f] / rate);
        }
        for (int i = 0; i < n; i++) {
            int o = i * channels * 2;
            double x = (short) ((data[o] & 0xff) | (data[o + 1] << 8)) / 32768.0;
            sumSq += x * x;
            for (int f = 0; f < freqs.length; f++) {
                double s0 = x + coeff[f] * s1[f] - s2[f];
                s2[f] = s1[f];
                s1[f] = s0;
            }
        }
        double rms = Math.sqrt(sumSq / n);
        lastRms = rms;
        samples += n;
        frames++;
        if (rms > SILENCE_RMS) {
            if (firstAudioNanos < 0) {
                firstAudioNanos = System.nanoTime();
            }
            totalPower += sumSq / n;
            toneFrames++;
            for (int f = 0; f < freqs.length; f++) {
                // Goertzel power normalised to the mean square of a full-scale sine at that bin (n^2/4 * A^2 / 2)
                double p = s1[f] * s1[f] + s2[f] * s2[f] - coeff[f] * s1[f] * s2[f];
                tonePower[f] += 2 * p / ((double) n * n);
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

    public synchronized long audibleFrames() {
        return toneFrames;
    }
}
