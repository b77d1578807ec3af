package dialtone.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/**
 * A source that is the same for every call is made once, as the bytes the pump pushes: the frames a call then sends
 * are exactly those its own source would have made, frame after frame, across the second where the tone repeats.
 */
class SharedFramesTest {
    static byte[] bytes(short[] frame) {
        byte[] b = new byte[frame.length * 2];
        for (int i = 0; i < frame.length; i++) {
            b[2 * i] = (byte) frame[i];
            b[2 * i + 1] = (byte) (frame[i] >> 8);
        }
        return b;
    }

    @Test
    void aToneIsSharedAndEqualsWhatTheCallsOwnSourceMakes() {
        byte[][] shared = AudioPump.SharedFrames.of(ToneSource.of(440));
        assertSame(shared, AudioPump.SharedFrames.of(ToneSource.of(440)), "made once per process");
        ToneSource own = ToneSource.of(440);
        short[] frame = new short[AudioSource.FRAME];
        for (int n = 0; n < 250; n++) { // two and a half seconds: the second repeats
            own.next(frame);
            assertArrayEquals(bytes(frame), shared[n % shared.length], "frame " + n);
        }
    }

    @Test
    void silenceIsSharedAndWavsEchoesAndOddTonesAreNot() {
        assertArrayEquals(new byte[AudioSource.FRAME * 2], AudioPump.SharedFrames.of(new SilenceSource())[0]);
        assertNull(AudioPump.SharedFrames.of(ToneSource.of(440.5)));
        assertNull(AudioPump.SharedFrames.of(new ToneSource(440, 0.5, new double[1])));
        assertNull(AudioPump.SharedFrames.of(EchoSource.create()));
    }
}
