package dialtone.media;

import java.util.function.Consumer;

/**
 * Detects DTMF digits in received audio (ITU-T Q.23 frequencies) with {@link ToneDetector} over a 25 ms window
 * moved in 10 ms steps. RFC 4733 telephone-events arrive this way too: libwebrtc's jitter buffer plays them out as
 * tones, often only 50-80 ms long. A digit is reported once, when two consecutive windows see it; it must then go
 * away before it can repeat.
 */
public final class DtmfDetector {
    private static final double[] LOW = {697, 770, 852, 941};
    private static final double[] HIGH = {1209, 1336, 1477, 1633};
    private static final String[] KEYS = {"123A", "456B", "789C", "*0#D"};

    private final Consumer<String> onDigit;
    /** The analysis rate: the input averaged over {@link #decimate} samples (DTMF sits below 1.7 kHz). */
    private final int rate;
    private final int decimate;
    private final double[] block;
    private final double[] ring;
    private final double[] powers = new double[8];
    /** The four row tones, then the four column tones. */
    private final ToneDetector tones;
    private final int hop;
    private int fill;
    private int pos;
    private long total;
    private double acc;
    private int accN;
    private char candidate;
    private int seen;
    private boolean reported;
    private int quiet;

    public DtmfDetector(int rate, Consumer<String> onDigit) {
        // one call's detector runs on libwebrtc's play thread beside every other call's: analyse at 8 kHz (a box
        // average over 6 samples at 48 kHz loses 0.4 dB at 1.6 kHz), each tone's power once per window
        this.decimate = rate >= 16000 && rate % 8000 == 0 ? rate / 8000 : 1;
        this.rate = rate / decimate;
        this.onDigit = onDigit;
        this.block = new double[this.rate / 40];
        this.ring = new double[block.length];
        this.hop = this.rate / 100;
        this.tones = new ToneDetector(this.rate, LOW[0], LOW[1], LOW[2], LOW[3], HIGH[0], HIGH[1], HIGH[2], HIGH[3]);
    }

    private void push(double x) {
        acc += x;
        if (++accN < decimate) {
            return;
        }
        x = acc / decimate;
        acc = 0;
        accN = 0;
        ring[pos] = x;
        pos = pos + 1 == ring.length ? 0 : pos + 1;
        total++;
        if (++fill >= hop && total >= ring.length) {
            fill = 0;
            int n = ring.length - pos;
            System.arraycopy(ring, pos, block, 0, n);
            System.arraycopy(ring, 0, block, n, pos);
            analyse();
        }
    }

    /** 16-bit PCM, interleaved; the first channel is used. Called on the audio thread. */
    public void accept(byte[] data, int channels, int frames) {
        for (int i = 0; i < frames; i++) {
            int o = i * channels * 2;
            push((short) ((data[o] & 0xff) | (data[o + 1] << 8)) / 32768.0);
        }
    }

    /** For tests and non-PCM sources: mono samples in [-1, 1). */
    public void accept(short[] samples) {
        for (short x : samples) {
            push(x / 32768.0);
        }
    }

    private void analyse() {
        tones.reset();
        for (double x : block) {
            tones.add(x);
        }
        char digit = 0;
        if (ToneDetector.audible(tones.meanSquare())) {
            for (int i = 0; i < 8; i++) {
                powers[i] = tones.power(i);
            }
            int lo = strongest(0);
            int hi = strongest(4);
            double pl = powers[lo];
            double ph = powers[4 + hi];
            // the pair carries the frame (ToneDetector's criterion), neither tone more than 8 dB above the other
            // (twist), and no other row or column tone within 7 dB of the row's or column's strongest
            if (tones.carries(lo, 4 + hi) && pl > 0.15 * ph && ph > 0.15 * pl && secondBest(0, lo) < 0.2 * pl
                    && secondBest(4, hi) < 0.2 * ph) {
                digit = KEYS[lo].charAt(hi);
            }
        }
        if (digit == 0) {
            if (++quiet >= 3) {
                reported = false;
                candidate = 0;
                seen = 0;
            }
            return;
        }
        quiet = 0;
        if (digit == candidate) {
            seen++;
        } else {
            candidate = digit;
            seen = 1;
            reported = false;
        }
        if (seen >= 2 && !reported) {
            reported = true;
            onDigit.accept(String.valueOf(digit));
        }
    }

    private int strongest(int from) {
        int best = 0;
        double bp = -1;
        for (int i = 0; i < 4; i++) {
            if (powers[from + i] > bp) {
                bp = powers[from + i];
                best = i;
            }
        }
        return best;
    }

    private double secondBest(int from, int best) {
        double m = 0;
        for (int i = 0; i < 4; i++) {
            if (i != best) {
                m = Math.max(m, powers[from + i]);
            }
        }
        return m;
    }
}
