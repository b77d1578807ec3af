package dialtone.media;

import dev.onvoid.webrtc.media.audio.AudioResampler;
import java.nio.file.Path;

/**
 * A WAV file, resampled once to 48 kHz mono with libwebrtc's resampler (10 ms chunks), played looped or once.
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

    /** Needs the native library (the resampler): call from media code only. */
    public static WavSource load(Path file, boolean loop) {
        WavReader.Pcm in = WavReader.read(file);
        short[] out = in.rate() == RATE ? in.samples() : resample(in);
        return new WavSource(out, loop, file.getFileName() + " (" + in.format() + ", "
                + String.format("%.1f", in.seconds()) + " s" + (loop ? ", looped" : ", once") + ")");
    }

    static short[] resample(WavReader.Pcm in) {
        if (in.rate() % 100 != 0) {
            throw new MediaException("cannot play a WAV at " + in.rate() + " Hz: the sample rate must be a multiple of 100 Hz");
        }
        int srcChunk = in.rate() / 100;
        int chunks = (in.samples().length + srcChunk - 1) / srcChunk;
        short[] out = new short[chunks * FRAME];
        AudioResampler r = new AudioResampler(in.rate(), RATE, 1);
        try {
            byte[] src = new byte[srcChunk * 2];
            byte[] dst = new byte[FRAME * 2];
            for (int c = 0; c < chunks; c++) {
                java.util.Arrays.fill(src, (byte) 0);
                for (int i = 0; i < srcChunk; i++) {
                    int k = c * srcChunk + i;
                    short s = k < in.samples().length ? in.samples()[k] : 0;
                    src[2 * i] = (byte) s;
                    src[2 * i + 1] = (byte) (s >> 8);
                }
                r.resample(src, srcChunk, dst, FRAME, 1);
                for (int i = 0; i < FRAME; i++) {
                    out[c * FRAME + i] = (short) ((dst[2 * i] & 0xff) | (dst[2 * i + 1] << 8));
                }
            }
        } finally {
            r.dispose();
        }
        return out;
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
