package dialtone.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --record-stereo: left what the far end sent, right what dialtone sent, kept side by side in time. */
class WavRecorderStereoTest {
    @TempDir
    Path dir;

    /** One 10 ms frame of 16-bit mono PCM at 48 kHz, every sample {@code v}. */
    static byte[] frame(int v) {
        byte[] b = new byte[AudioSource.FRAME * 2];
        for (int i = 0; i < AudioSource.FRAME; i++) {
            b[2 * i] = (byte) v;
            b[2 * i + 1] = (byte) (v >> 8);
        }
        return b;
    }

    static short[][] channels(Path wav) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, b.getShort(22), "two channels in the header");
        assertEquals(48_000, b.getInt(24));
        assertEquals(48_000 * 4, b.getInt(28), "byte rate");
        int n = b.getInt(40) / 4;
        short[][] lr = new short[2][n];
        for (int i = 0; i < n; i++) {
            lr[0][i] = b.getShort(44 + 4 * i);
            lr[1][i] = b.getShort(44 + 4 * i + 2);
        }
        return lr;
    }

    @Test
    void eachReceivedFrameIsPairedWithWhatWasSentMeanwhile() throws Exception {
        Path wav = dir.resolve("call.wav");
        WavRecorder r = new WavRecorder(wav, false, true);
        assertEquals(2, r.channels());
        for (int f = 1; f <= 5; f++) {
            r.sent(frame(1000 + f), AudioSource.FRAME);
            r.accept(frame(f), 16, 48_000, 1, AudioSource.FRAME);
        }
        r.close();
        short[][] lr = channels(wav);
        assertEquals(5 * AudioSource.FRAME, lr[0].length);
        for (int f = 1; f <= 5; f++) {
            int at = (f - 1) * AudioSource.FRAME + 17;
            assertEquals(f, lr[0][at], "left: the far end's frame " + f);
            assertEquals(1000 + f, lr[1][at], "right: what was sent beside it");
        }
        assertEquals(0.05, r.seconds(), 1e-9);
    }

    @Test
    void aPumpAheadOfThePlayoutIsBroughtBackToItsTimeAndNothingSentIsSilence() throws Exception {
        Path wav = dir.resolve("lag.wav");
        WavRecorder r = new WavRecorder(wav, false, true);
        for (int f = 1; f <= 10; f++) { // a catch-up: ten frames pushed while the playout stalled
            r.sent(frame(1000 + f), AudioSource.FRAME);
        }
        r.accept(frame(7), 16, 48_000, 1, AudioSource.FRAME);
        r.accept(frame(8), 16, 48_000, 1, AudioSource.FRAME);
        r.accept(frame(9), 16, 48_000, 1, AudioSource.FRAME);
        r.accept(frame(10), 16, 48_000, 1, AudioSource.FRAME); // the pump stalled: nothing sent for this one
        r.close();
        short[][] lr = channels(wav);
        // at most MAX_LAG_FRAMES + 1 sent frames wait: frames 1-6 were stale once the playout came back
        int first = 10 - WavRecorder.MAX_LAG_FRAMES;
        assertEquals(1000 + first, lr[1][5]);
        assertEquals(1000 + first + 1, lr[1][AudioSource.FRAME + 5]);
        assertEquals(1000 + first + 2, lr[1][2 * AudioSource.FRAME + 5]);
        assertEquals(0, lr[1][3 * AudioSource.FRAME + 5], "nothing was sent: silence");
        assertEquals(10, lr[0][3 * AudioSource.FRAME + 5]);
    }

    @Test
    void monoIsAsBeforeAndIgnoresWhatWasSent() throws Exception {
        Path wav = dir.resolve("mono.wav");
        WavRecorder r = new WavRecorder(wav);
        r.sent(frame(5), AudioSource.FRAME);
        r.accept(frame(3), 16, 48_000, 1, AudioSource.FRAME);
        r.close();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, b.getShort(22));
        assertEquals(AudioSource.FRAME * 2, b.getInt(40));
        assertEquals(3, b.getShort(44));
    }
}
