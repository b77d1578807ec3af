package dialtone.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

    /**
     * For a call whose send codec is G.711 the pump pushes the shared source at 8 kHz (no resampling per call in
     * libwebrtc): the same sine taken at every 6th sample, frame for frame beside the 48 kHz frames (one index walks
     * both); a tone above G.711's band (it would alias) and a source that is not shared have none.
     */
    @Test
    void aSharedToneHasIts8kHzFramesFrameForFrame() {
        byte[][] wide = AudioPump.SharedFrames.of(ToneSource.of(440));
        byte[][] narrow = AudioPump.SharedFrames.narrow(ToneSource.of(440));
        assertSame(narrow, AudioPump.SharedFrames.narrow(ToneSource.of(440)), "made once per process");
        assertEquals(wide.length, narrow.length);
        for (int f = 0; f < wide.length; f++) {
            assertEquals(AudioPump.SharedFrames.NARROW_FRAME * 2, narrow[f].length);
            for (int i = 0; i < AudioPump.SharedFrames.NARROW_FRAME; i++) {
                int w = 2 * i * 6;
                assertEquals(wide[f][w], narrow[f][2 * i], "frame " + f + " sample " + i);
                assertEquals(wide[f][w + 1], narrow[f][2 * i + 1], "frame " + f + " sample " + i);
                double expected = 0.25 * Short.MAX_VALUE * Math.sin(2 * Math.PI * 440 * (f * 80 + i) / 8000.0);
                short got = (short) ((narrow[f][2 * i] & 0xff) | (narrow[f][2 * i + 1] << 8));
                assertEquals(expected, got, 1.0, "a 440 Hz sine at 8 kHz, frame " + f + " sample " + i);
            }
        }
        assertArrayEquals(new byte[160], AudioPump.SharedFrames.narrow(new SilenceSource())[0]);
        assertNull(AudioPump.SharedFrames.narrow(ToneSource.of(3500)), "above G.711's band: left to libwebrtc's resampler");
        assertNull(AudioPump.SharedFrames.narrow(ToneSource.of(440.5)));
        assertNull(AudioPump.SharedFrames.narrow(EchoSource.create()));
    }

    @Test
    void theSendCodecIsG711WhenTheAnswersFirstAudioFormatIsPcmuOrPcma() {
        String pcmu = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                + "m=audio 30000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
        assertTrue(MediaSession.sendsAt8k(pcmu));
        assertTrue(MediaSession.sendsAt8k(pcmu.replace("RTP/AVP 0 101", "RTP/AVP 8 101")));
        assertTrue(MediaSession.sendsAt8k("m=audio 9 UDP/TLS/RTP/SAVPF 96 0\r\na=rtpmap:96 pcma/8000\r\n"),
                "a dynamic type mapped to PCMA");
        assertFalse(MediaSession.sendsAt8k("m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8\r\na=rtpmap:111 opus/48000/2\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"), "Opus first: Opus is sent");
        assertFalse(MediaSession.sendsAt8k("m=audio 9 RTP/AVP 9 0\r\na=rtpmap:9 G722/8000\r\n"), "G.722 is 16 kHz");
        assertFalse(MediaSession.sendsAt8k("m=audio 0 RTP/AVP 0\r\n"), "a rejected stream");
        assertFalse(MediaSession.sendsAt8k("m=video 9 RTP/AVP 0\r\nm=audio 9 RTP/AVP 111\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:111 opus/48000/2\r\n"));
        assertFalse(MediaSession.sendsAt8k(null));
    }

    @Test
    void aFeedPushes8kHzOnlyWhenItHasTheFrames() {
        AudioPump.Feed tone = new AudioPump.Feed(ToneSource.of(440), null);
        tone.narrowband(true);
        assertTrue(tone.isNarrowband());
        tone.narrowband(false);
        assertFalse(tone.isNarrowband());
        AudioPump.Feed echo = new AudioPump.Feed(EchoSource.create(), null);
        echo.narrowband(true);
        assertFalse(echo.isNarrowband(), "a source with no 8 kHz frames stays at 48 kHz");
    }
}
