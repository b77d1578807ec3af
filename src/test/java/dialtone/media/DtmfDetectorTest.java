package dialtone.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DtmfDetectorTest {
    static final String KEYS = "123A456B789C*0#D";
    static final double[] LOW = {697, 770, 852, 941};
    static final double[] HIGH = {1209, 1336, 1477, 1633};

    static short[] dtmf(String digits, int rate, int toneMs, int gapMs, double noise) {
        Random r = new Random(7);
        List<Short> out = new ArrayList<>();
        for (char d : digits.toCharArray()) {
            int k = KEYS.indexOf(d);
            double lo = LOW[k / 4];
            double hi = HIGH[k % 4];
            for (int i = 0; i < rate * toneMs / 1000; i++) {
                double v = 0.3 * Math.sin(2 * Math.PI * lo * i / rate) + 0.3 * Math.sin(2 * Math.PI * hi * i / rate);
                out.add((short) (32767 * (v + noise * r.nextGaussian())));
            }
            for (int i = 0; i < rate * gapMs / 1000; i++) {
                out.add((short) (32767 * noise * r.nextGaussian()));
            }
        }
        short[] a = new short[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    @Test
    void detectsEveryKeyInOrderOnce() {
        StringBuilder got = new StringBuilder();
        DtmfDetector d = new DtmfDetector(48000, got::append);
        d.accept(dtmf(KEYS, 48000, 100, 80, 0.01));
        assertEquals(KEYS, got.toString());
    }

    @Test
    void shortTonesAsAJitterBufferPlaysOutRfc4733Events() {
        StringBuilder got = new StringBuilder();
        DtmfDetector d = new DtmfDetector(48000, got::append);
        d.accept(dtmf("159#*0", 48000, 55, 90, 0.02));
        assertEquals("159#*0", got.toString());
    }

    @Test
    void repeatedDigitsNeedAGap() {
        StringBuilder got = new StringBuilder();
        DtmfDetector d = new DtmfDetector(48000, got::append);
        d.accept(dtmf("1122#", 48000, 120, 70, 0.0));
        assertEquals("1122#", got.toString());
    }

    @Test
    void aPureToneOrSpeechLikeNoiseIsNotADigit() {
        StringBuilder got = new StringBuilder();
        DtmfDetector d = new DtmfDetector(48000, got::append);
        short[] tone = new short[48000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (short) (10000 * Math.sin(2 * Math.PI * 1000 * i / 48000.0));
        }
        d.accept(tone);
        Random r = new Random(1);
        short[] noise = new short[48000];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (short) (8000 * r.nextGaussian());
        }
        d.accept(noise);
        assertEquals("", got.toString());
    }
}
