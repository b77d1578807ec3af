package dialtone.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * What the report shows of a recording: a waveform (the minimum and maximum of each column), a spectrogram
 * (0 to 8 kHz, where speech, DTMF and test tones live; a PNG made by the JDK's ImageIO) and, when asked for, the WAV
 * itself. A recording that cannot be read is shown as the reason, not as an empty picture.
 */
public record RecordingView(String path, double seconds, int rate, float[] min, float[] max, String spectrogramPng,
                            int specWidth, int specHeight, double maxHz, String wavBase64, String error) {
    static final int COLUMNS = 600;
    static final int BINS = 128;
    static final double TOP_HZ = 8000;

    /** Mono samples and their rate. */
    public record Pcm(short[] samples, int rate) {
        double seconds() {
            return samples.length / (double) rate;
        }
    }

    /** Reads a recording (the media layer's WAV reader; the report layer does not decode audio itself). */
    @FunctionalInterface
    public interface Decoder {
        Pcm read(Path file);
    }

    static RecordingView of(Path p, boolean embed, Decoder decoder) {
        try {
            Pcm pcm = decoder.read(p);
            short[] s = pcm.samples();
            int cols = Math.max(1, Math.min(COLUMNS, s.length));
            float[] mn = new float[cols];
            float[] mx = new float[cols];
            for (int c = 0; c < cols; c++) {
                int a = (int) ((long) s.length * c / cols);
                int b = (int) Math.max(a + 1, (long) s.length * (c + 1) / cols);
                float lo = 0;
                float hi = 0;
                for (int i = a; i < b && i < s.length; i++) {
                    lo = Math.min(lo, s[i] / 32768f);
                    hi = Math.max(hi, s[i] / 32768f);
                }
                mn[c] = lo;
                mx[c] = hi;
            }
            double top = Math.min(TOP_HZ, pcm.rate() / 2.0);
            String png = s.length < 512 ? null : spectrogram(s, pcm.rate(), cols, top);
            String wav = embed ? Base64.getEncoder().encodeToString(Files.readAllBytes(p)) : null;
            return new RecordingView(p.toString(), pcm.seconds(), pcm.rate(), mn, mx, png, cols, BINS, top, wav, null);
        } catch (IOException | RuntimeException e) {
            return new RecordingView(p.toString(), 0, 0, new float[0], new float[0], null, 0, 0, 0, null,
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** A magnitude spectrogram, one 1024-point Hann-windowed FFT per column, dB mapped to a dark-to-bright ramp. */
    static String spectrogram(short[] s, int rate, int cols, double topHz) throws IOException {
        int n = 1024;
        double[] window = new double[n];
        for (int i = 0; i < n; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
        }
        BufferedImage img = new BufferedImage(cols, BINS, BufferedImage.TYPE_INT_RGB);
        double[] re = new double[n];
        double[] im = new double[n];
        int topBin = (int) Math.min(n / 2 - 1, Math.round(topHz * n / rate));
        for (int c = 0; c < cols; c++) {
            int center = (int) ((long) s.length * (2L * c + 1) / (2L * cols));
            int from = center - n / 2;
            for (int i = 0; i < n; i++) {
                int k = from + i;
                re[i] = k >= 0 && k < s.length ? s[k] / 32768.0 * window[i] : 0;
                im[i] = 0;
            }
            fft(re, im);
            for (int y = 0; y < BINS; y++) {
                int b0 = 1 + (int) ((long) y * topBin / BINS);
                int b1 = Math.max(b0 + 1, 1 + (int) ((long) (y + 1) * topBin / BINS));
                double p = 0;
                for (int b = b0; b < b1; b++) {
                    p = Math.max(p, re[b] * re[b] + im[b] * im[b]);
                }
                // dB relative to a full-scale sine (a Hann window's peak bin: amplitude x n/4)
                double db = 10 * Math.log10(p / ((n / 4.0) * (n / 4.0)) + 1e-15);
                // -90 dBFS dark, 0 dBFS bright
                double v = Math.max(0, Math.min(1, (db + 90) / 90));
                img.setRGB(c, BINS - 1 - y, ramp(v));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private static int ramp(double v) {
        int r = (int) (255 * Math.min(1, Math.max(0, 1.6 * v - 0.3)));
        int g = (int) (255 * Math.min(1, Math.max(0, 1.8 * v - 0.8)));
        int b = (int) (255 * Math.min(1, Math.max(0, v < 0.5 ? 0.2 + 1.2 * v : 1.6 - 1.6 * v + 0.2)));
        return r << 16 | g << 8 | b;
    }

    /** In-place iterative radix-2 FFT; {@code re.length} is a power of two. */
    static void fft(double[] re, double[] im) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double ang = -2 * Math.PI / len;
            double wr = Math.cos(ang);
            double wi = Math.sin(ang);
            for (int i = 0; i < n; i += len) {
                double cr = 1;
                double ci = 0;
                for (int k = 0; k < len / 2; k++) {
                    int a = i + k;
                    int b = a + len / 2;
                    double xr = re[b] * cr - im[b] * ci;
                    double xi = re[b] * ci + im[b] * cr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                    double nr = cr * wr - ci * wi;
                    ci = cr * wi + ci * wr;
                    cr = nr;
                }
            }
        }
    }
}
