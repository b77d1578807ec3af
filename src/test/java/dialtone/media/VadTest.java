package dialtone.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VAD against recordings whose speech boundaries are known (SpeechFixtures): each turn found once, its start and
 * end within 40 ms of the truth, clean, through G.711 and Opus, with background noise and with comfort noise; a
 * comma never ends a turn. Needs espeak-ng, sox and opus-tools (scripts/install puts them on CI).
 */
class VadTest {
    static final long TOLERANCE = 40 * SpeechFixtures.RATE / 1000;
    static final String[] PHRASES = {
        "Hello, thank you for calling. How can I help you today?",
        "Your balance is one hundred and twenty dollars, due on Friday.",
        "Is there anything else, sir?",
    };
    static final int[] SILENCES = {1200, 900, 1500, 1000};

    @TempDir
    static Path dir;
    static SpeechFixtures.Recording rec;

    @BeforeAll
    static void make() throws Exception {
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(SpeechFixtures.toolsPresent(), "espeak-ng, sox and opus-tools are not installed");
        }
        rec = SpeechFixtures.script(dir, SILENCES, PHRASES);
    }

    /** Feeds 10 ms frames; returns the turns found, in samples. */
    static List<long[]> turns(short[] pcm) {
        List<long[]> out = new ArrayList<>();
        Vad v = new Vad(new Vad.Listener() {
            @Override
            public void speechStarted(long start) {
            }

            @Override
            public void speechEnded(long start, long end) {
                out.add(new long[] {start, end});
            }
        });
        int f = SpeechFixtures.RATE / 100;
        for (int o = 0; o + f <= pcm.length; o += f) {
            v.accept(java.util.Arrays.copyOfRange(pcm, o, o + f), SpeechFixtures.RATE);
        }
        v.flush();
        return out;
    }

    static void assertBoundaries(String what, short[] pcm) {
        List<long[]> got = turns(pcm);
        StringBuilder d = new StringBuilder(what + ": found");
        for (long[] t : got) {
            d.append(String.format(" [%d..%d ms]", t[0] * 1000 / SpeechFixtures.RATE, t[1] * 1000 / SpeechFixtures.RATE));
        }
        d.append(", true");
        for (long[] t : rec.turns()) {
            d.append(String.format(" [%d..%d ms]", t[0] * 1000 / SpeechFixtures.RATE, t[1] * 1000 / SpeechFixtures.RATE));
        }
        System.out.println(d);
        assertEquals(rec.turns().size(), got.size(), d.toString());
        for (int i = 0; i < got.size(); i++) {
            long[] want = rec.turns().get(i);
            assertTrue(Math.abs(got.get(i)[0] - want[0]) <= TOLERANCE, "turn " + i + " start: " + d);
            assertTrue(Math.abs(got.get(i)[1] - want[1]) <= TOLERANCE, "turn " + i + " end: " + d);
        }
    }

    @Test
    void cleanSpeech() {
        assertBoundaries("clean", rec.pcm());
    }

    @Test
    void throughG711() throws Exception {
        assertBoundaries("G.711", SpeechFixtures.g711(dir, rec.pcm()));
    }

    @Test
    void throughOpus() throws Exception {
        assertBoundaries("Opus", SpeechFixtures.opus(dir, rec.pcm()));
    }

    @Test
    void backgroundNoiseThroughOpus() throws Exception {
        assertBoundaries("background -50 dBFS, Opus", SpeechFixtures.opus(dir, SpeechFixtures.noise(rec, -50, false, 1)));
    }

    @Test
    void backgroundNoiseThroughG711() throws Exception {
        assertBoundaries("background -50 dBFS, G.711", SpeechFixtures.g711(dir, SpeechFixtures.noise(rec, -50, false, 2)));
    }

    @Test
    void comfortNoiseThroughG711() throws Exception {
        assertBoundaries("comfort noise -60 dBFS, G.711", SpeechFixtures.g711(dir, SpeechFixtures.noise(rec, -60, true, 3)));
    }

    @Test
    void comfortNoiseThroughOpus() throws Exception {
        assertBoundaries("comfort noise -60 dBFS, Opus", SpeechFixtures.opus(dir, SpeechFixtures.noise(rec, -60, true, 4)));
    }

    @Test
    void aToneOrNoiseAloneIsNotATurnForever() {
        // noise that starts and stays: at most one turn, and it ends (the floor absorbs it)
        Random r = new Random(5);
        short[] pcm = new short[SpeechFixtures.RATE * 30];
        for (int i = SpeechFixtures.RATE; i < pcm.length; i++) {
            pcm[i] = SpeechFixtures.clip(32768 * 0.01 * r.nextGaussian());
        }
        List<long[]> t = turns(pcm);
        assertTrue(t.size() <= 1, "turns: " + t.size());
        if (t.size() == 1) {
            assertTrue(t.get(0)[1] < pcm.length - SpeechFixtures.RATE, "the noise never stopped being a turn");
        }
    }

    @Test
    void silenceAndAClickAreNoTurn() {
        short[] pcm = new short[SpeechFixtures.RATE * 3];
        for (int i = SpeechFixtures.RATE; i < SpeechFixtures.RATE + 480; i++) {
            pcm[i] = 20000;
        }
        assertEquals(0, turns(pcm).size());
    }
}
