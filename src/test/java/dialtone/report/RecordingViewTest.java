package dialtone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The recording's pictures: the FFT against a plain DFT, a tone where its frequency is, silence dark. */
class RecordingViewTest {
    @Test
    void theFftIsTheDft() {
        Random r = new Random(7);
        int n = 64;
        double[] re = new double[n];
        double[] im = new double[n];
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = re[i] = r.nextGaussian();
        }
        RecordingView.fft(re, im);
        for (int k = 0; k < n; k++) {
            double sr = 0;
            double si = 0;
            for (int t = 0; t < n; t++) {
                sr += x[t] * Math.cos(-2 * Math.PI * k * t / n);
                si += x[t] * Math.sin(-2 * Math.PI * k * t / n);
            }
            assertEquals(sr, re[k], 1e-9);
            assertEquals(si, im[k], 1e-9);
        }
    }

    @Test
    void aToneIsABrightLineAtItsFrequencyAndSilenceIsDark() throws Exception {
        int rate = 8000;
        short[] s = new short[rate * 2];
        for (int i = rate; i < s.length; i++) { // 1 s of silence, then 1 s of 1000 Hz at half scale
            s[i] = (short) (16000 * Math.sin(2 * Math.PI * 1000 * i / rate));
        }
        RecordingView v = RecordingView.of(Path.of("x.wav"), false, f -> new RecordingView.Pcm(s, rate));
        assertNull(v.error());
        assertEquals(4000, v.maxHz(), 1e-9, "a narrow-band recording is drawn up to its Nyquist frequency");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(v.spectrogramPng())));
        int col = img.getWidth() * 3 / 4;
        int bright = 0;
        int best = -1;
        for (int y = 0; y < img.getHeight(); y++) {
            int rgb = img.getRGB(col, y);
            int lum = ((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
            if (lum > best) {
                best = lum;
                bright = y;
            }
        }
        int expected = RecordingView.BINS - 1 - (int) (1000.0 / 4000 * RecordingView.BINS);
        assertTrue(Math.abs(bright - expected) <= 2, "the tone's row: " + bright + ", expected " + expected);
        int quiet = img.getRGB(img.getWidth() / 4, expected);
        assertEquals(0, (quiet >> 16) & 0xff, "silence is dark");
        assertTrue(v.max()[v.max().length / 4] == 0 && v.max()[v.max().length * 3 / 4] > 0.4, "the waveform follows");
    }

    @Test
    void anUnreadableRecordingIsShownAsItsReason() {
        RecordingView v = RecordingView.of(Path.of("x.wav"), false, f -> {
            throw new IllegalArgumentException("not a WAV file (no RIFF/WAVE header)");
        });
        assertEquals("not a WAV file (no RIFF/WAVE header)", v.error());
        String page = HtmlReport.render(java.util.List.of(), java.util.List.of(v), 0).text();
        assertTrue(page.contains("Could not read it: not a WAV file"));
    }
}
