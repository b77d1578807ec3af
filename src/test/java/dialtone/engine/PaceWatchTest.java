package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.MediaEvent;
import dialtone.media.Pacing;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One call's verdict against dialtone's own pace: a process that stood still (SIGSTOP, a frozen container) sends and
 * reads nothing, and its call's media looks like the far end went silent. Measured with the lab's echo: a 5 s SIGSTOP
 * 6 s into a call was "media outage of 5.07 s: no RTP packet arrived", exit 7, before this.
 */
class PaceWatchTest {
    static final Instant T0 = Instant.parse("2026-12-03T22:00:00Z");

    final List<Event> events = new ArrayList<>();
    final Overload o = new Overload(events::add, Clock.fixed(T0, ZoneOffset.UTC), "call");

    static Instant t(double sec) {
        return T0.plusMillis(Math.round(sec * 1000));
    }

    /** A second in which one call's pump kept time. */
    void healthy(int sec) {
        o.observe(Overload.judge(t(sec), new Pacing.Window(100, 0, 2, 6, 1), Pacing.Window.EMPTY, 1, 0.05, 2, 0.02));
    }

    /**
     * The window the monitor judges when the process comes back after standing still from the last second to
     * {@code sec}: the pump skipped what fell due meanwhile and its heartbeat woke {@code stoodMs} late.
     */
    void stoodStill(int sec, double stoodMs) {
        Pacing.Window pump = new Pacing.Window(100, 500, 153, 194, 1);
        Pacing.Window beat = new Pacing.Window(100, 0, 1, stoodMs, 0);
        o.observe(Overload.judge(t(sec), pump, beat, 1, 0.002, 2, 0.01));
    }

    static MediaEvent.Outage outage(double from, double to) {
        long ms = Math.round((to - from) * 1000);
        return new MediaEvent.Outage(t(to), "call", t(from), t(to), ms, "no-packets", true, false, 0,
                "media outage of " + ms / 1000.0 + " s: no RTP packet arrived");
    }

    static Failure outageFailure(MediaEvent.Outage x) {
        return Failure.of(Layer.MEDIA, Cause.MEDIA_OUTAGE, x.message());
    }

    /** Seconds 1-6 kept time, the process stood still from 6 to 11, then seconds 12-15 kept time. */
    void stoppedFiveSecondsAtSix() {
        for (int s = 1; s <= 6; s++) {
            healthy(s);
        }
        stoodStill(11, 5000);
        for (int s = 12; s <= 15; s++) {
            healthy(s);
        }
    }

    @Test
    void aProcessThatStoodStillIsBehindForAllTheTimeItStoodStillNotOneSecond() {
        stoppedFiveSecondsAtSix();
        assertEquals(5, o.secondsBehindBetween(T0, t(16)), "the window from 6 to 11 is one judged window of 5 s");
        assertEquals(5000, o.ownMillisBetween(t(5), t(12)));
        assertEquals(2000, o.ownMillisBetween(t(9), t(13)));
        assertEquals(0, o.ownMillisBetween(t(12), t(15)));
        assertTrue(o.figuresBetween(T0, t(16)).contains("its threads stood still for 5.0 s"), o.figuresBetween(T0, t(16)));
    }

    @Test
    void anOutageWhileDialtoneStoodStillIsDialtonesNotTheFarEnds() {
        stoppedFiveSecondsAtSix();
        MediaEvent.Outage x = outage(6.1, 11.17);
        Failure f = PaceWatch.verdict(o, outageFailure(x), List.of(x), T0, t(16));
        assertEquals(Layer.OVERLOAD, f.layer());
        assertEquals(Cause.OVERLOADED, f.cause());
        assertTrue(f.message().startsWith("dialtone fell behind during the call (frames 153 ms late"), f.message());
        assertTrue(f.message().endsWith("not the far end's: " + x.message()), f.message());
    }

    @Test
    void anOutageOfTheFarEndsStaysTheFarEndsBesideADialtoneStall() {
        stoppedFiveSecondsAtSix();
        // after the stall, dialtone on time: the far end's
        MediaEvent.Outage later = outage(12.5, 14.5);
        Failure f = outageFailure(later);
        assertSame(f, PaceWatch.verdict(o, f, List.of(later), T0, t(16)));
        // overlapping it, but 2 s of it outside dialtone's own 5 s: still the far end's
        MediaEvent.Outage longer = outage(9, 13);
        Failure g = outageFailure(longer);
        assertSame(g, PaceWatch.verdict(o, g, List.of(longer), T0, t(16)));
        // two outages, one of them dialtone's and one the far end's: the far end's failure stands
        MediaEvent.Outage mine = outage(6.1, 11.1);
        assertSame(f, PaceWatch.verdict(o, f, List.of(mine, later), T0, t(16)));
    }

    @Test
    void withDialtoneOnTimeEveryMediaFailureIsTheFarEnds() {
        for (int s = 1; s <= 15; s++) {
            healthy(s);
        }
        MediaEvent.Outage x = outage(6, 11);
        Failure f = outageFailure(x);
        assertSame(f, PaceWatch.verdict(o, f, List.of(x), T0, t(16)));
        Failure rate = Failure.of(Layer.MEDIA, Cause.LOW_PACKET_RATE, "received 60 % of 50 packets/s");
        assertSame(rate, PaceWatch.verdict(o, rate, List.of(), T0, t(16)));
        assertNull(PaceWatch.verdict(o, null, List.of(), T0, t(16)));
    }

    @Test
    void aLowPacketRateOrAnAudioFailureDuringAStallIsDialtones() {
        stoppedFiveSecondsAtSix();
        Failure rate = Failure.of(Layer.MEDIA, Cause.LOW_PACKET_RATE, "received 60 % of 50 packets/s");
        assertEquals(Layer.OVERLOAD, PaceWatch.verdict(o, rate, List.of(), T0, t(16)).layer());
        Failure tone = Failure.of(Layer.AUDIO, Cause.ASSERTION_FAILED, "expect-tone 440: 61 % of the call");
        assertEquals(Layer.OVERLOAD, PaceWatch.verdict(o, tone, List.of(), T0, t(16)).layer());
        // not a matter of pace: signalling keeps its own verdict
        Failure busy = Failure.of(Layer.CALL, Cause.BUSY, "486 Busy Here");
        assertSame(busy, PaceWatch.verdict(o, busy, List.of(), T0, t(16)));
    }

    @Test
    void aCallThatPassedWhileDialtoneWasBehindForSecondsIsNotAPass() {
        stoppedFiveSecondsAtSix();
        Failure f = PaceWatch.verdict(o, null, List.of(), T0, t(16));
        assertEquals(Layer.OVERLOAD, f.layer());
        assertTrue(f.message().startsWith("dialtone fell behind for 5 s during the call"), f.message());
    }

    @Test
    void aMomentBehindDoesNotFailACallThatCarriedItsMedia() {
        healthy(1);
        o.observe(Overload.judge(t(2), new Pacing.Window(100, 0, 75, 120, 1), Pacing.Window.EMPTY, 1, 0.3, 2, 0.4));
        healthy(3);
        assertEquals(1, o.secondsBehindBetween(T0, t(4)));
        assertNull(PaceWatch.verdict(o, null, List.of(), T0, t(4)));
    }
}
