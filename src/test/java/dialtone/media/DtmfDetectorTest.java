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

    /** RFC 4733 section 3.2 table 3: event code, key; ITU-T Q.23: the key's row and column frequencies. */
    static final Object[][] RFC4733 = {
        {0, '0', 941, 1336}, {1, '1', 697, 1209}, {2, '2', 697, 1336}, {3, '3', 697, 1477},
        {4, '4', 770, 1209}, {5, '5', 770, 1336}, {6, '6', 770, 1477}, {7, '7', 852, 1209},
        {8, '8', 852, 1336}, {9, '9', 852, 1477}, {10, '*', 941, 1209}, {11, '#', 941, 1477},
        {12, 'A', 697, 1633}, {13, 'B', 770, 1633}, {14, 'C', 852, 1633}, {15, 'D', 941, 1633},
    };

    static short[] pair(double lo, double hi, int rate, int ms, double loAmp, double hiAmp) {
        short[] a = new short[rate * ms / 1000 + rate * 80 / 1000];
        for (int i = 0; i < rate * ms / 1000; i++) {
            a[i] = (short) (32767 * (loAmp * Math.sin(2 * Math.PI * lo * i / rate)
                    + hiAmp * Math.sin(2 * Math.PI * hi * i / rate)));
        }
        return a;
    }

    @Test
    void everyRfc4733EventsFrequencyPairIsItsKey() {
        for (int rate : new int[] {8000, 16000, 48000}) {
            for (Object[] e : RFC4733) {
                StringBuilder got = new StringBuilder();
                DtmfDetector d = new DtmfDetector(rate, got::append);
                d.accept(pair((int) e[2], (int) e[3], rate, 70, 0.3, 0.3));
                assertEquals(String.valueOf(e[1]), got.toString(), "event " + e[0] + " at " + rate);
            }
        }
    }

    @Test
    void aRowToneBetweenTwoRowsOrAPairWithTooMuchTwistIsNoDigit() {
        StringBuilder got = new StringBuilder();
        DtmfDetector d = new DtmfDetector(48000, got::append);
        d.accept(pair(733, 1209, 48000, 200, 0.3, 0.3)); // halfway between 697 and 770
        d.accept(pair(697, 1270, 48000, 200, 0.3, 0.3)); // halfway between 1209 and 1336
        d.accept(pair(697, 1209, 48000, 200, 0.5, 0.05)); // 20 dB twist
        d.accept(pair(627, 1209, 48000, 200, 0.3, 0.3)); // row tone 10 % low
        assertEquals("", got.toString());
        d.accept(pair(697, 1209, 48000, 200, 0.4, 0.2)); // 6 dB twist is within the 8 dB allowed
        assertEquals("1", got.toString());
    }
}
