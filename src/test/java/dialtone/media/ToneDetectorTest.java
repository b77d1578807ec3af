package dialtone.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ToneDetectorTest {
    static final int RATE = 48000;
    static final int FRAME = 480;

    static byte[] pcm(double amplitude, double noise, long seed, int channels, double... hz) {
        Random r = new Random(seed);
        byte[] b = new byte[FRAME * channels * 2];
        for (int i = 0; i < FRAME; i++) {
            double v = noise * r.nextGaussian();
            for (double f : hz) {
                v += amplitude * Math.sin(2 * Math.PI * f * i / RATE);
            }
            short s = (short) Math.max(-32768, Math.min(32767, Math.round(32767 * v)));
            for (int c = 0; c < channels; c++) {
                short w = c == 0 ? s : (short) 0;
                b[(i * channels + c) * 2] = (byte) w;
                b[(i * channels + c) * 2 + 1] = (byte) (w >> 8);
            }
        }
        return b;
    }

    @Test
    void aSinesPowerIsItsMeanSquare() {
        ToneDetector d = new ToneDetector(RATE, 1000, 2000);
        d.add(pcm(0.5, 0, 1, 1, 1000), 1, FRAME);
        assertEquals(0.125, d.meanSquare(), 0.001);
        assertEquals(0.125, d.power(0), 0.002);
        assertTrue(d.power(1) < 1e-4, "no power at 2 kHz: " + d.power(1));
        assertTrue(d.carries(0));
        assertFalse(d.carries(1));
    }

    @Test
    void onlyTheFirstChannelCounts() {
        assertTrue(ToneDetector.isTone(pcm(0.3, 0, 1, 2, 440), RATE, 2, FRAME, 440));
        assertFalse(ToneDetector.isTone(pcm(0.3, 0, 1, 2, 440), RATE, 2, FRAME, 1000));
    }

    @Test
    void aNearMissIsNotTheTone() {
        // a 10 ms frame at 48 kHz has 100 Hz bins: 20 Hz off is still the tone, 60 Hz and 100 Hz off are not
        assertTrue(ToneDetector.isTone(pcm(0.3, 0, 1, 1, 1020), RATE, 1, FRAME, 1000));
        assertTrue(ToneDetector.isTone(pcm(0.3, 0, 1, 1, 980), RATE, 1, FRAME, 1000));
        assertFalse(ToneDetector.isTone(pcm(0.3, 0, 1, 1, 1060), RATE, 1, FRAME, 1000));
        assertFalse(ToneDetector.isTone(pcm(0.3, 0, 1, 1, 940), RATE, 1, FRAME, 1000));
        assertFalse(ToneDetector.isTone(pcm(0.3, 0, 1, 1, 1100), RATE, 1, FRAME, 1000));
    }

    @Test
    void noiseAndAToneBuriedInNoiseAreNot() {
        for (long seed = 1; seed <= 20; seed++) {
            assertFalse(ToneDetector.isTone(pcm(0, 0.1, seed, 1), RATE, 1, FRAME, 1000), "noise, seed " + seed);
            // tone power 0.005 against noise power 0.04
            assertFalse(ToneDetector.isTone(pcm(0.1, 0.2, seed, 1, 1000), RATE, 1, FRAME, 1000), "seed " + seed);
            // tone power 0.045 against noise power 0.0004
            assertTrue(ToneDetector.isTone(pcm(0.3, 0.02, seed, 1, 1000), RATE, 1, FRAME, 1000), "seed " + seed);
        }
    }

    @Test
    void belowMinusFiftyDbfsIsSilenceEvenWhenClean() {
        // RMS of a sine is A / sqrt 2: 0.004 -> 0.0028 (below 0.003), 0.005 -> 0.0035
        assertFalse(ToneDetector.isTone(pcm(0.004, 0, 1, 1, 1000), RATE, 1, FRAME, 1000));
        assertTrue(ToneDetector.isTone(pcm(0.005, 0, 1, 1, 1000), RATE, 1, FRAME, 1000));
    }

    @Test
    void aPairCarriesTheFrameTogetherButNotAlone() {
        ToneDetector d = new ToneDetector(RATE, 697, 1209, 1336);
        d.add(pcm(0.3, 0.01, 3, 1, 697, 1209), 1, FRAME);
        assertTrue(d.carries(0, 1));
        d.reset();
        d.add(pcm(0.3, 0.01, 3, 1, 697, 1209, 1336), 1, FRAME);
        assertTrue(d.carries(0, 1), "two of three equal tones");
        assertFalse(d.carries(0), "one of three equal tones");
    }

    @Test
    void resetAndRateStartANewFrame() {
        ToneDetector d = new ToneDetector(RATE, 1000);
        d.add(pcm(0.3, 0, 1, 1, 1000), 1, FRAME);
        d.reset();
        assertEquals(0, d.samples());
        assertEquals(0, d.meanSquare());
        assertFalse(d.carries(0));
        d.rate(8000);
        for (int i = 0; i < 80; i++) {
            d.add(0.3 * Math.sin(2 * Math.PI * 1000 * i / 8000.0));
        }
        assertTrue(d.carries(0));
    }

    @Test
    void theAnalyzerAppliesTheSameCriterionOverAWholeCall() {
        AudioAnalyzer a = new AudioAnalyzer(1000, 1060);
        for (int k = 0; k < 100; k++) {
            a.accept(pcm(0.3, 0.01, k, 1, 1000), 16, RATE, 1, FRAME);
        }
        assertTrue(a.carriesTone(0));
        assertFalse(a.carriesTone(1), "60 Hz off: " + a.toneShare(1));
        assertEquals(100, a.audibleFrames());
        AudioAnalyzer quiet = new AudioAnalyzer(1000);
        quiet.accept(pcm(0.004, 0, 1, 1, 1000), 16, RATE, 1, FRAME);
        assertEquals(0, quiet.audibleFrames());
        assertFalse(quiet.carriesTone(0));
    }
}
