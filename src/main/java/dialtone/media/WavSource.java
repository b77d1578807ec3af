package dialtone.media;

import java.nio.file.Path;

/**
 * A WAV file, resampled once to 48 kHz mono in Java (a windowed sinc, {@link #resample}), played looped or once.
 */
public final class WavSource implements AudioSource {
    private final short[] pcm;
    private final boolean loop;
    private final String description;
    private int pos;

    private WavSource(short[] pcm, boolean loop, String description) {
        this.pcm = pcm;
        this.loop = loop;
        this.description = description;
    }

    /** Reads and resamples the whole file once. */
    public static WavSource load(Path file, boolean loop) {
        WavReader.Pcm in = WavReader.read(file);
        short[] out = in.rate() == RATE ? in.samples() : resample(in);
        return new WavSource(out, loop, file.getFileName() + " (" + in.format() + ", "
                + String.format("%.1f", in.seconds()) + " s" + (loop ? ", looped" : ", once") + ")");
    }

    /**
     * Band-limited resampling to 48 kHz: a Hann-windowed sinc, {@value #TAPS} taps a side, cut off at the lower of
     * the two Nyquist frequencies. (webrtc-java 0.14's AudioResampler has no native implementation in its
     * linux-x86_64 library: UnsatisfiedLinkError, so it cannot be used.)
     */
    static short[] resample(WavReader.Pcm in) {
        return resample(in.samples(), in.rate(), RATE);
    }

    static final int TAPS = 16;

    public static short[] resample(short[] x, int from, int to) {
        if (from == to) {
            return x.clone();
        }
        int n = (int) ((long) x.length * to / from);
        short[] y = new short[n];
        double ratio = (double) from / to;
        double cutoff = Math.min(1.0, (double) to / from);
        for (int i = 0; i < n; i++) {
            double t = i * ratio;
            int center = (int) Math.floor(t);
            double acc = 0;
            double norm = 0;
            for (int k = center - TAPS + 1; k <= center + TAPS; k++) {
                double d = t - k;
                double w = 0.5 + 0.5 * Math.cos(Math.PI * d / (TAPS + 1));
                double arg = Math.PI * cutoff * d;
                double sinc = Math.abs(arg) < 1e-9 ? 1.0 : Math.sin(arg) / arg;
                double h = cutoff * sinc * w;
                norm += h;
                if (k >= 0 && k < x.length) {
                    acc += x[k] * h;
                }
            }
            double v = norm == 0 ? 0 : acc / norm;
            y[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
        }
        return y;
    }

    @Override
    public boolean next(short[] frame) {
        for (int i = 0; i < frame.length; i++) {
            if (pos >= pcm.length) {
                if (!loop || pcm.length == 0) {
                    java.util.Arrays.fill(frame, i, frame.length, (short) 0);
                    return i > 0;
                }
                pos = 0;
            }
            frame[i] = pcm[pos++];
        }
        return true;
    }

    @Override
    public String describe() {
        return description;
    }
}
