package dialtone.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WAV reading, resampling and the analyser, without the native library. */
class WavTest {
    static byte[] wav(int rate, int channels, double hz, double seconds) {
        int frames = (int) (rate * seconds);
        ByteBuffer b = ByteBuffer.allocate(44 + frames * channels * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + frames * channels * 2).put("WAVE".getBytes()).put("fmt ".getBytes())
                .putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate).putInt(rate * channels * 2)
                .putShort((short) (channels * 2)).putShort((short) 16).put("data".getBytes()).putInt(frames * channels * 2);
        for (int i = 0; i < frames; i++) {
            short v = (short) (8000 * Math.sin(2 * Math.PI * hz * i / rate));
            for (int c = 0; c < channels; c++) {
                b.putShort(c == 0 ? v : (short) (v / 2));
            }
        }
        return b.array();
    }

    static double toneShare(short[] pcm48k, double hz, double other) {
        AudioAnalyzer a = new AudioAnalyzer(hz, other);
        byte[] frame = new byte[AudioSource.FRAME * 2];
        for (int off = 0; off + AudioSource.FRAME <= pcm48k.length; off += AudioSource.FRAME) {
            for (int i = 0; i < AudioSource.FRAME; i++) {
                frame[2 * i] = (byte) pcm48k[off + i];
                frame[2 * i + 1] = (byte) (pcm48k[off + i] >> 8);
            }
            a.accept(frame, 16, AudioSource.RATE, 1, AudioSource.FRAME);
        }
        assertTrue(a.toneShare(1) < 0.05, "energy at the other frequency: " + a.toneShare(1));
        return a.toneShare(0);
    }

    @Test
    void resampledFilesKeepTheirPitchAndLength(@TempDir Path dir) throws Exception {
        for (int[] f : new int[][] {{8000, 1}, {16000, 1}, {44100, 2}, {22050, 2}, {48000, 1}}) {
            Path p = dir.resolve("t.wav");
            Files.write(p, wav(f[0], f[1], 660, 1.0));
            WavReader.Pcm pcm = WavReader.read(p);
            assertEquals(f[0], pcm.rate());
            assertEquals(f[1], pcm.channels());
            short[] out = WavSource.resample(pcm);
            assertEquals(48000, out.length, 1, "length at " + f[0]);
            double share = toneShare(out, 660, 1000);
            assertTrue(share > 0.9, f[0] + " Hz: 660 Hz share " + share);
        }
    }

    @Test
    void badFilesAreClearErrors(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("bad.wav");
        Files.writeString(p, "not a wav at all");
        MediaException e = assertThrows(MediaException.class, () -> WavReader.read(p));
        assertTrue(e.getMessage().contains("not a WAV file"), e.getMessage());
        Path truncated = dir.resolve("trunc.wav");
        byte[] w = wav(8000, 1, 440, 0.5);
        Files.write(truncated, java.util.Arrays.copyOf(w, 30));
        assertThrows(MediaException.class, () -> WavReader.read(truncated));
        assertThrows(MediaException.class, () -> WavReader.read(dir.resolve("missing.wav")));
    }

    @Test
    void toneAndSilenceSources() {
        short[] f = new short[AudioSource.FRAME];
        short[] all = new short[48000];
        ToneSource t = ToneSource.of(1000);
        for (int i = 0; i < 100; i++) {
            assertTrue(t.next(f));
            System.arraycopy(f, 0, all, i * f.length, f.length);
        }
        assertTrue(toneShare(all, 1000, 440) > 0.95);
        new SilenceSource().next(f);
        assertEquals(0, f[17]);
    }

    @Test
    void recorderHeaderIsAValidRiff() {
        byte[] h = WavRecorder.header(48000, 1, 96000);
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(36 + 96000, b.getInt(4));
        assertEquals(48000, b.getInt(24));
        assertEquals(96000, b.getInt(40));
    }
}
