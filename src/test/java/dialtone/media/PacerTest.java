package dialtone.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The audio pump's clock: one frame per 10 ms, a bounded catch-up after a stall, never a replayed backlog. */
class PacerTest {
    static final long MS = 1_000_000L;

    /** Runs the pump's loop on a fake clock until {@code until}, ticking whenever a tick is due. */
    static int runUntil(AudioPump.Pacer p, long now, long until) {
        int ticks = 0;
        while (p.waitNanos(now) <= 0 && now <= until) {
            p.ticked(now);
            ticks++;
        }
        return ticks;
    }

    @Test
    void oneFramePerTenMilliseconds() {
        AudioPump.Pacer p = new AudioPump.Pacer(0);
        int ticks = 0;
        for (long t = 0; t < 1000 * MS; t += MS) {
            ticks += runUntil(p, t, t);
        }
        assertEquals(100, ticks);
        assertEquals(0, p.dropped());
        assertEquals(5 * MS, p.waitNanos(995 * MS));
    }

    @Test
    void aShortStallIsCaughtUpInFull() {
        AudioPump.Pacer p = new AudioPump.Pacer(0);
        runUntil(p, 0, 0);
        // held off for 150 ms: 15 frames are due at once, within the catch-up
        assertEquals(15, runUntil(p, 150 * MS, 150 * MS));
        assertEquals(0, p.dropped());
        assertEquals(16, p.ticks());
    }

    @Test
    void aLongStallDropsItsBacklogInsteadOfReplayingIt() {
        AudioPump.Pacer p = new AudioPump.Pacer(0);
        runUntil(p, 0, 0);
        // held off for 2 s: 200 frames were due; only the catch-up is pushed, the rest is dropped
        int burst = runUntil(p, 2000 * MS, 2000 * MS);
        assertEquals(AudioPump.MAX_CATCH_UP, burst);
        assertEquals(201 - 1 - AudioPump.MAX_CATCH_UP, p.dropped());
        // and from then on it is back on the clock: the next frame is due 10 ms after the last one that was due
        assertTrue(p.waitNanos(2000 * MS) > 0);
        assertEquals(1, runUntil(p, 2010 * MS, 2010 * MS));
    }

    @Test
    void eachTickSaysHowLateItIs() {
        AudioPump.Pacer p = new AudioPump.Pacer(0);
        assertEquals(0, p.ticked(0));
        assertEquals(3 * MS, p.ticked(13 * MS)); // tick 1 was due at 10 ms
        // held off until 58 ms: ticks 2..5 (due 20, 30, 40, 50 ms) go back to back, each as late as it is
        assertEquals(38 * MS, p.ticked(58 * MS));
        assertEquals(28 * MS, p.ticked(58 * MS));
        assertEquals(18 * MS, p.ticked(58 * MS));
        assertEquals(8 * MS, p.ticked(58 * MS));
        assertTrue(p.waitNanos(58 * MS) > 0);
    }

    @Test
    void aSkippedBacklogIsNotCountedAsLateFrames() {
        AudioPump.Pacer p = new AudioPump.Pacer(0);
        p.ticked(0);
        // 2 s behind: the first frame pushed is the oldest one still within the catch-up
        long late = p.ticked(2000 * MS);
        assertEquals((AudioPump.MAX_CATCH_UP - 1) * 10 * MS, late);
    }

    @Test
    void pacingSummarisesASecond() {
        Pacing pacing = new Pacing();
        for (int i = 0; i < 95; i++) {
            pacing.pushed(2 * MS, 10);
        }
        for (int i = 0; i < 5; i++) {
            pacing.pushed(120 * MS, 12);
        }
        pacing.skipped(4);
        Pacing.Window w = pacing.drain();
        assertEquals(100, w.frames());
        assertEquals(2.0, w.lateMsP95()); // the 95th of 100 frames is still 2 ms late
        assertEquals(120.0, w.lateMsMax());
        assertEquals(4.0 / 104, w.skippedShare(), 1e-9);
        assertEquals(12, w.calls());
        pacing.pushed(50 * MS, 1);
        assertEquals(50.0, pacing.drain().lateMsP95()); // a new window
        assertEquals(Pacing.Window.EMPTY, pacing.drain());
    }
}
