package dialtone.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Outages and packet rates from sequences of samples, with a manual clock: a simulated far end sends a packet every
 * packet time except while paused (or dropped), and the counters a stats sample would show are computed from the
 * packets that arrived, as libwebrtc's inbound-rtp reports them (packetsReceived, lastPacketReceivedTimestamp, NetEq's
 * concealed samples at 48 kHz).
 */
class MediaPresenceTest {
    static final long T0 = 1_800_000_000_000L;

    /** A far end: packet send times, and what a sample at any time would say. */
    static final class FarEnd {
        final int ptime;
        final List<long[]> pauses = new ArrayList<>(); // [from, to): nothing sent (paused or dropped)
        final List<Long> arrivals = new ArrayList<>();
        boolean everyOther;
        final Random jitter = new Random(7);
        int jitterMs;

        FarEnd(int ptime) {
            this.ptime = ptime;
        }

        FarEnd pause(long fromMs, long toMs) {
            pauses.add(new long[] {T0 + fromMs, T0 + toMs});
            return this;
        }

        int burstAfterPause;

        void run(long untilMs) {
            for (long[] p : pauses) {
                for (int i = 0; i < burstAfterPause; i++) {
                    arrivals.add(p[1] + 1); // packets held by the sender, all sent the moment it resumes
                }
            }
            int k = 0;
            for (long t = T0; t < T0 + untilMs; t += ptime, k++) {
                final long at = t;
                boolean paused = pauses.stream().anyMatch(p -> at >= p[0] && at < p[1]);
                if (paused || (everyOther && k % 2 == 1)) {
                    continue;
                }
                arrivals.add(t + 1 + (jitterMs > 0 ? jitter.nextInt(jitterMs) : 0));
            }
            arrivals.sort(Long::compare);
        }

        /** The counters at {@code at}; we send 50/s all along. */
        MediaPresence.Counters at(long at) {
            long n = 0;
            long last = -1;
            for (long a : arrivals) {
                if (a <= at) {
                    n++;
                    last = a;
                }
            }
            // NetEq conceals what is missing, 60 ms behind arrival (its buffer): the playout since the first packet,
            // less the audio that had arrived
            long play = at - 60;
            long inBuffer = arrivals.stream().filter(a -> a <= play).count();
            long first = arrivals.isEmpty() ? at : arrivals.get(0);
            long playout = Math.max(0, play - first);
            long concealedMs = Math.max(0, playout - inBuffer * ptime);
            long events = 0;
            long prev = -1;
            for (long a : arrivals) {
                if (a > play) {
                    break;
                }
                if (prev >= 0 && a - prev > ptime * 3 / 2) {
                    events++;
                }
                prev = a;
            }
            long sent = Math.max(0, (at - T0) / 20);
            return new MediaPresence.Counters(at, n, sent, last, concealedMs * 48, events, playout * 48, playout / 1000.0,
                    n * ptime * 48L);
        }
    }

    static MediaPresence feed(FarEnd f, long untilMs, long every, int sampleJitter) {
        MediaPresence p = new MediaPresence();
        f.run(untilMs + 1000);
        Random r = new Random(3);
        for (long t = every; t < untilMs; t += every) {
            p.sample(f.at(T0 + t + (sampleJitter > 0 ? r.nextInt(sampleJitter) : 0)));
        }
        p.finish(T0 + untilMs, f.at(T0 + untilMs + 5));
        return p;
    }

    static void assertNear(long expected, long actual, long tolerance, String what) {
        assertTrue(Math.abs(expected - actual) <= tolerance, what + ": expected " + expected + " +-" + tolerance + ", got " + actual);
    }

    @Test
    void fullMediaHasNoOutageAndAllItsPackets() {
        FarEnd f = new FarEnd(20);
        f.jitterMs = 15;
        MediaPresence p = feed(f, 20_000, 1000, 30);
        assertTrue(p.outages().isEmpty(), p.outages().toString());
        MediaPresence.Figures fig = p.figures();
        assertTrue(fig.receivedPct() >= 98, fig.toString());
        assertTrue(fig.worstSecondReceivedPct() >= 90, fig.toString());
        assertTrue(fig.sentPct() >= 98, fig.toString());
        assertEquals(50.0, fig.expectedPerSecondIn());
        assertNull(p.failure());
    }

    @Test
    void aThreeSecondPauseAcrossSamplesIsAnOutageMeasuredToAPacket() {
        for (long start : new long[] {5000, 5370, 5990, 6010}) {
            MediaPresence p = feed(new FarEnd(20).pause(start, start + 3000), 15_000, 1000, 0);
            List<MediaPresence.Outage> o = p.outages();
            assertEquals(1, o.size(), o.toString());
            assertEquals(MediaPresence.Cause.NO_PACKETS, o.get(0).cause());
            assertNear(3000, o.get(0).lengthMs(), 40, "length");
            assertNear(T0 + start, o.get(0).startMs(), 40, "start");
            assertTrue(o.get(0).fails());
            assertNotNull(p.failure());
            assertTrue(p.failure().startsWith("media outage of 3.0"), p.failure());
            // the MOS counts it: 150 packets the far end should have sent did not come
            assertTrue(p.figures().packetsMissing() >= 145, p.figures().toString());
        }
    }

    @Test
    void oneSecondFailsAndHalfASecondIsAWarningWhereverTheSamplesFall() {
        for (long start = 4000; start < 5000; start += 37) {
            MediaPresence one = feed(new FarEnd(20).pause(start, start + 1000), 10_000, 1000, 0);
            assertEquals(1, one.outages().size(), "at " + start + ": " + one.outages());
            assertNear(1000, one.outages().get(0).lengthMs(), 45, "1 s at " + start);
            assertTrue(one.outages().get(0).fails(), "1 s at " + start + ": " + one.outages());
            MediaPresence half = feed(new FarEnd(20).pause(start, start + 500), 20_000, 1000, 0);
            assertEquals(1, half.outages().size(), "at " + start + ": " + half.outages());
            assertNear(500, half.outages().get(0).lengthMs(), 45, "0.5 s at " + start);
            assertFalse(half.outages().get(0).fails());
            assertNull(half.failure(), half.figures().toString());
        }
    }

    @Test
    void aPauseInsideALongSamplingIntervalIsMeasuredByConcealment() {
        // with many calls a call is sampled every few seconds
        MediaPresence p = feed(new FarEnd(20).pause(11_200, 12_400), 30_000, 5000, 0);
        assertEquals(1, p.outages().size(), p.outages().toString());
        assertNear(1200, p.outages().get(0).lengthMs(), 45, "length");
        assertTrue(p.outages().get(0).fails());
    }

    @Test
    void countersReadLaterThanTheirReportsTimestampAreNoOutage() {
        // libwebrtc stamps a stats report when it starts collecting and reads the counters later on its worker thread:
        // on a loaded machine some reads come 700 ms after the stamp. Packets every 20 ms all along: no outage, and a
        // real pause of 600 ms inside such an interval is still found
        for (boolean pause : new boolean[] {false, true}) {
            FarEnd f = new FarEnd(20);
            for (long s = 1_500; s < 20_000; s += 1000) {
                f.pause(s, s + 60); // a loaded machine: NetEq conceals a little in every second
            }
            if (pause) {
                f.pause(6_300, 6_900);
            }
            f.run(20_000);
            MediaPresence p = new MediaPresence();
            long[] skew = {0, 700, 0, 20, 690, 0, 0, 650, 10, 0, 700, 0, 0, 0, 300, 0, 0, 0};
            for (int i = 0; i < skew.length; i++) {
                long stamp = T0 + 1000L * (i + 1);
                MediaPresence.Counters read = f.at(stamp + skew[i]);
                p.sample(new MediaPresence.Counters(stamp, read.packetsReceived(), read.packetsSent(),
                        read.lastPacketReceivedMs(), read.concealedSamples(), read.concealmentEvents(),
                        read.totalSamplesReceived(), read.totalSamplesDuration(), read.jitterBufferEmitted()));
            }
            p.finish(T0 + 19_000, f.at(T0 + 19_005));
            if (pause) {
                assertEquals(1, p.outages().size(), p.outages().toString());
                assertNear(600, p.outages().get(0).lengthMs(), 45, "the pause");
            } else {
                assertTrue(p.outages().isEmpty(), p.outages().toString());
            }
        }
    }

    @Test
    void everyOtherPacketDroppedFailsOnPacketRate() {
        FarEnd f = new FarEnd(20);
        f.everyOther = true;
        MediaPresence p = feed(f, 10_000, 1000, 0);
        assertTrue(p.outages().isEmpty(), p.outages().toString());
        MediaPresence.Figures fig = p.figures();
        assertNear(50, Math.round(fig.receivedPct()), 2, "received %");
        assertNotNull(p.failure());
        assertTrue(p.failure().contains("received 50 %"), p.failure());
    }

    /** 50 packets a second of 20 ms, while the jitter buffer's emitted samples lag (a device pulling in bursts). */
    static MediaPresence lagging(boolean device) {
        MediaPresence p = new MediaPresence();
        if (device) {
            p.dontLearnPtime();
        }
        p.sample(new MediaPresence.Counters(T0, 0, 0, -1, 0, 0, 0, 0, 0));
        for (int i = 1; i <= 6; i++) {
            long at = T0 + 1000L * i;
            p.sample(new MediaPresence.Counters(at, 50L * i, 50L * i, at - 10, 0, 0, 48000L * i, i, 50L * i * 480));
        }
        return p;
    }

    @Test
    void aDevicesBurstyPlayoutDoesNotHalveTheFarEndsPacketTime() {
        // learned from the counters, 480 samples a packet reads as a 10 ms far end: 50/s is then "50 % of 100/s"
        assertNotNull(lagging(false).failure());
        // with the sound card's module the SDP's (or 20 ms) stands: 50/s is all of them
        MediaPresence p = lagging(true);
        assertNull(p.failure(), String.valueOf(p.failure()));
        assertEquals(100.0, p.figures().worstSecondReceivedPct(), p.figures().toString());
    }

    @Test
    void aLateBurstIsNotMissingPackets() {
        MediaPresence p = new MediaPresence();
        long[] counts = {50, 100, 138, 200, 250, 300};
        p.sample(new MediaPresence.Counters(T0, 0, 0, -1, 0, 0, 0, 0, 0));
        p.sample(new MediaPresence.Counters(T0 + 1000, 50, 50, T0 + 990, 0, 0, 48000, 1, 48000));
        for (int i = 1; i < counts.length; i++) {
            long at = T0 + 1000 * (i + 1);
            p.sample(new MediaPresence.Counters(at, counts[i], counts[i], at - 10, 0, 0, 48000L * (i + 1), i + 1, counts[i] * 960));
        }
        assertEquals(100.0, p.figures().worstSecondReceivedPct(), p.figures().toString());
        assertNull(p.failure());
    }

    @Test
    void aSecondUnderEightyPercentFails() {
        MediaPresence p = new MediaPresence();
        p.sample(new MediaPresence.Counters(T0 + 1000, 50, 50, T0 + 990, 0, 0, 48000, 1, 48000));
        long[] counts = {100, 150, 185, 235, 285, 335, 385, 435, 485, 535, 585, 635, 685, 735, 785, 835, 885, 935, 985, 1035};
        for (int i = 0; i < counts.length; i++) {
            long at = T0 + 1000 * (i + 2);
            p.sample(new MediaPresence.Counters(at, counts[i], 50L * (i + 2), at - 10, 0, 0, 48000L * (i + 2), i + 2, counts[i] * 960));
        }
        MediaPresence.Figures f = p.figures();
        assertTrue(f.receivedPct() >= 95, f.toString());
        assertEquals(70.0, f.worstSecondReceivedPct(), f.toString());
        assertNotNull(p.failure());
    }

    /**
     * The samples of a capped call (FirewallIT, 24 kbit/s towards the client, Opus at 20 ms from a dialtone answerer)
     * whose media presence passed: its first packets arrived between the first two samples, the call ended 150 ms after
     * the third, and 31 packets had come in about 2 s of media (44 lost by their sequence numbers). NetEq's samples
     * emitted per packet read 40 ms (Opus FEC decodes a lost packet from the next one: samples emitted without a packet
     * received), so the far end's packet time was learned as 40 ms, and no interval judged the received side.
     */
    static MediaPresence cappedCall() {
        MediaPresence p = new MediaPresence();
        long c = T0; // connected
        p.sample(new MediaPresence.Counters(c + 177, 0, 8, -1, 0, 0, 0, 0, 0, 0));
        p.sample(new MediaPresence.Counters(c + 1029, 15, 51, c + 1010, 9600, 3, 24 * 960, 0.5, 15 * 1920, 4));
        p.sample(new MediaPresence.Counters(c + 2029, 30, 101, c + 2000, 60000, 12, 72 * 960, 1.5, 30 * 1920, 38));
        p.finish(c + 2180, new MediaPresence.Counters(c + 2185, 31, 108, c + 2150, 70000, 14, 80 * 960, 1.66, 31 * 1920, 44));
        return p;
    }

    @Test
    void aCappedCallMissingMostOfItsPacketsFailsOnItsReceivedSide() {
        MediaPresence p = cappedCall();
        MediaPresence.Figures f = p.figures();
        assertEquals(50.0, f.expectedPerSecondIn(), "a 20 ms far end, not the 40 ms its FEC makes the counters read: " + f);
        assertTrue(f.receivedPct() >= 0 && f.receivedPct() < 50, f.toString());
        assertNotNull(p.failure(), f.toString());
        assertTrue(p.failure().contains("received"), p.failure());
    }

    @Test
    void aPacketTimeLearnedWhileCleanStaysWhenTheStreamTurnsLossy() {
        // a 20 ms far end, clean for 3 s (learned: 20 ms), then half its packets lost and FEC-recovered (NetEq's samples
        // per packet read long from then on): still judged against 50/s, and fails
        MediaPresence p = new MediaPresence();
        p.expect(new MediaPresence.Expect(true, true, false, false, 40, 20)); // its SDP says 40
        long n = 0;
        long emitted = 0;
        long lost = 0;
        for (int i = 0; i <= 8; i++) {
            long at = T0 + 1000L * i;
            p.sample(new MediaPresence.Counters(at, n, 50L * i, at - 10, 0, 0, 48000L * i, i, emitted, lost));
            boolean lossy = i >= 3;
            n += lossy ? 25 : 50;
            lost += lossy ? 25 : 0;
            emitted += 50 * 960;
        }
        p.finish(T0 + 8000, null);
        assertEquals(50.0, p.figures().expectedPerSecondIn(), p.figures().toString());
        assertNotNull(p.failure(), p.figures().toString());
        assertTrue(p.failure().contains("received"), p.failure());
    }

    @Test
    void aBurstOfHeldPacketsDoesNotTeachAShorterPacketTime() {
        // a 20 ms far end, clean for 3 s (learned: 20 ms); then 4 s without a sample (the process stood still) and the
        // 200 packets held meanwhile arrive at once: counted received, most discarded by NetEq (not emitted), so the
        // cumulative samples per packet read 10 ms. The packet time learned stays 20 ms: the seconds after it are whole.
        MediaPresence p = new MediaPresence();
        long n = 0;
        long emitted = 0;
        for (int i = 0; i <= 3; i++) {
            long at = T0 + 1000L * i;
            p.sample(new MediaPresence.Counters(at, n, 50L * i, at - 10, 0, 0, 48000L * i, i, emitted, 0));
            n += 50;
            emitted += 50 * 960;
        }
        n += 200; // held, then let go at once; 10 of them played
        emitted += 10 * 960;
        for (int i = 8; i <= 12; i++) {
            long at = T0 + 1000L * i;
            p.sample(new MediaPresence.Counters(at, n, 50L * i, at - 10, 0, 0, 48000L * i, i, emitted, 0));
            n += 50;
            emitted += 50 * 960;
        }
        p.finish(T0 + 12_000, null);
        MediaPresence.Figures f = p.figures();
        assertEquals(50.0, f.expectedPerSecondIn(), f.toString());
        assertTrue(f.worstSecondReceivedPct() >= 95 || f.worstSecondReceivedPct() < 0, f.toString());
    }

    /** 1.6 s of media sampled at its start and a second later, then ended at {@code endAt} with a last sample. */
    static MediaPresence shortCall(long endAt, long received, long lastPacketAt) {
        MediaPresence p = new MediaPresence();
        p.sample(new MediaPresence.Counters(T0, 0, 0, -1, 0, 0, 0, 0, 0));
        p.sample(new MediaPresence.Counters(T0 + 100, 5, 5, T0 + 95, 0, 0, 4800, 0.1, 5 * 960));
        p.sample(new MediaPresence.Counters(T0 + 1100, 55, 55, T0 + 1095, 0, 0, 52800, 1.1, 55 * 960));
        long sent = 55 + (endAt - 1100) / 20;
        p.finish(T0 + endAt, new MediaPresence.Counters(T0 + endAt + 5, received, sent, T0 + lastPacketAt, 0, 0, 81600,
                1.7, received * 960));
        return p;
    }

    @Test
    void aShortCallIsJudgedUpToItsLastPacket() {
        // one full interval and a last partial one up to the end; half the packets missing in the last
        MediaPresence p = shortCall(1700, 70, 1695);
        assertNotNull(p.failure(), p.figures().toString());
        assertTrue(p.failure().contains("received"), p.failure());
        // all of them: passes, judged over both
        MediaPresence q = shortCall(1700, 85, 1695);
        assertNull(q.failure(), q.figures().toString());
        assertEquals(2, q.figures().secondsJudged(), q.figures().toString());
        // a far end that stopped 300 ms before its BYE is not judged for the time after its last packet
        MediaPresence r = shortCall(2000, 85, 1695);
        assertNull(r.failure(), r.figures().toString());
    }

    @Test
    void aFortyMillisecondFarEndIsJudgedAtItsOwnPacketTime() {
        MediaPresence p = feed(new FarEnd(40), 10_000, 1000, 0);
        assertEquals(25.0, p.figures().expectedPerSecondIn(), p.figures().toString());
        assertTrue(p.figures().receivedPct() >= 98, p.figures().toString());
        assertNull(p.failure());
    }

    @Test
    void aFarEndThatDoesNotSendIsNotJudged() {
        MediaPresence p = new MediaPresence();
        p.expect(new MediaPresence.Expect(false, true, false, false, 20, 20));
        for (int i = 1; i < 10; i++) {
            p.sample(new MediaPresence.Counters(T0 + 1000L * i, -1, 50L * i, -1, -1, -1, -1, -1, -1));
        }
        p.finish(T0 + 10_000, null);
        assertTrue(p.outages().isEmpty());
        assertEquals(-1.0, p.figures().receivedPct());
        assertTrue(p.figures().sentPct() >= 99);
        assertNull(p.failure());
        assertTrue(String.valueOf(p.figures().notJudged()).contains("does not send"), p.figures() + " " + p.expectation());
    }

    @Test
    void dtxIsNotJudgedOnPacketRate() {
        MediaPresence p = new MediaPresence();
        p.expect(new MediaPresence.Expect(true, true, true, false, 20, 20));
        long n = 0;
        for (int i = 1; i < 10; i++) {
            n += i < 3 ? 50 : 3; // silence: one packet every 400 ms
            long at = T0 + 1000L * i;
            p.sample(new MediaPresence.Counters(at, n, 50L * i, at - 100, 0, 0, 48000L * i, i, n * 960));
        }
        p.finish(T0 + 10_000, null);
        assertEquals(-1.0, p.figures().receivedPct());
        assertNull(p.failure());
    }

    @Test
    void silenceAfterContinuousAudioIsAnOutageWhilePacketsKeepComing() {
        MediaPresence p = new MediaPresence();
        FarEnd f = new FarEnd(20);
        f.run(12_000);
        long nextSample = 1000;
        for (long t = 0; t < 12_000; t += 10) {
            boolean silent = t >= 6000 && t < 7500; // after 6 s of tone
            p.audio(T0 + t, silent ? 0.0001 : 0.2);
            if (t == nextSample) {
                p.sample(f.at(T0 + t));
                nextSample += 1000;
            }
        }
        p.finish(T0 + 12_000, f.at(T0 + 12_000));
        List<MediaPresence.Outage> o = p.outages();
        assertEquals(1, o.size(), o.toString());
        assertEquals(MediaPresence.Cause.SILENCE, o.get(0).cause());
        assertNear(1500, o.get(0).lengthMs(), 30, "silence");
        assertTrue(o.get(0).fails());
    }

    @Test
    void speechWithPausesNeverArmsTheSilenceDetector() {
        MediaPresence p = new MediaPresence();
        for (long t = 0; t < 30_000; t += 10) {
            // 1.5 s talk spurts, 1.2 s pauses
            p.audio(T0 + t, (t % 2700) < 1500 ? 0.2 : 0.0001);
        }
        p.finish(T0 + 30_000, null);
        assertTrue(p.outages().isEmpty(), p.outages().toString());
    }

    @Test
    void iceDisconnectedInsideAPauseIsOneOutageOfTheLengthOfThePause() {
        MediaPresence p = new MediaPresence();
        FarEnd f = new FarEnd(20).pause(5000, 15_000);
        f.run(25_000);
        p.iceState(T0 + 100, "connected");
        for (long t = 1000; t < 25_000; t += 1000) {
            if (t == 10_000) {
                p.iceState(T0 + 9_700, "disconnected");
            }
            if (t == 16_000) {
                p.iceState(T0 + 15_400, "connected");
            }
            p.sample(f.at(T0 + t));
        }
        p.finish(T0 + 25_000, f.at(T0 + 25_000));
        List<MediaPresence.Outage> o = p.outages();
        assertEquals(1, o.size(), o.toString());
        assertEquals(MediaPresence.Cause.NO_PACKETS, o.get(0).cause());
        assertNear(10_000, o.get(0).lengthMs(), 40, "length");
        assertEquals(5700, o.get(0).iceDisconnectedMs());
        assertTrue(MediaPresence.describe(o.get(0)).contains("ICE disconnected 5.7 s of it"), MediaPresence.describe(o.get(0)));
    }

    @Test
    void aLostRelayIsTheCauseOfTheGapItMade() {
        MediaPresence p = new MediaPresence();
        FarEnd f = new FarEnd(20).pause(5000, 8000);
        f.run(12_000);
        p.iceState(T0, "connected");
        for (long t = 1000; t < 12_000; t += 1000) {
            if (t == 6000) {
                p.relay(T0 + 5500, true);
            }
            if (t == 9000) {
                p.relay(T0 + 8200, false);
            }
            p.sample(f.at(T0 + t));
        }
        p.finish(T0 + 12_000, f.at(T0 + 12_000));
        assertEquals(1, p.outages().size(), p.outages().toString());
        assertEquals(MediaPresence.Cause.RELAY_LOST, p.outages().get(0).cause());
        assertNear(3000, p.outages().get(0).lengthMs(), 40, "length");
    }

    @Test
    void aFarEndThatStopsJustBeforeHangingUpIsNoOutage() {
        MediaPresence p = feed(new FarEnd(20).pause(9700, 20_000), 10_000, 1000, 0);
        assertTrue(p.outages().isEmpty(), p.outages().toString());
        assertNull(p.failure());
    }

    @Test
    void aPauseThatLastsUntilTheEndIsAnOngoingOutage() {
        MediaPresence p = feed(new FarEnd(20).pause(7000, 20_000), 10_000, 1000, 0);
        assertEquals(1, p.outages().size(), p.outages().toString());
        assertTrue(p.outages().get(0).ongoing());
        assertNear(3000, p.outages().get(0).lengthMs(), 40, "length");
        assertNotNull(p.failure());
    }

    @Test
    void outagesAreDrainedOnceAsTheyEnd() {
        MediaPresence p = new MediaPresence();
        FarEnd f = new FarEnd(20).pause(3000, 5000);
        f.run(10_000);
        for (long t = 1000; t <= 4000; t += 1000) {
            p.sample(f.at(T0 + t));
        }
        assertTrue(p.drain().isEmpty(), "still open");
        p.sample(f.at(T0 + 6000));
        assertEquals(1, p.drain().size());
        assertTrue(p.drain().isEmpty());
    }

    @Test
    void theSdpSaysWhatToExpect() {
        String answer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0 13\r\n"
                + "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\na=rtpmap:13 CN/8000\r\na=sendrecv\r\n";
        assertEquals(MediaPresence.Expect.DEFAULT, MediaPresence.fromSdp(answer));
        MediaPresence.Expect dtx = MediaPresence.fromSdp(answer.replace("useinbandfec=1", "useinbandfec=1; usedtx=1"));
        assertTrue(dtx.dtxIn() && dtx.dtxOut());
        MediaPresence.Expect recvonly = MediaPresence.fromSdp(answer.replace("a=sendrecv", "a=recvonly"));
        assertFalse(recvonly.receive());
        assertTrue(recvonly.send());
        MediaPresence.Expect inactive = MediaPresence.fromSdp(answer.replace("a=sendrecv", "a=inactive"));
        assertFalse(inactive.receive() || inactive.send());
        assertFalse(MediaPresence.fromSdp(answer.replace("a=sendrecv", "a=sendonly")).send());
        MediaPresence.Expect pcmu = MediaPresence.fromSdp(answer.replace("111 0 13", "0 13") + "a=ptime:30\r\n");
        assertEquals(30, pcmu.ptimeInMs());
        assertEquals(30, pcmu.ptimeOutMs());
        assertFalse(pcmu.dtxIn());
        // usedtx on a codec that is not the one chosen does not count
        assertFalse(MediaPresence.fromSdp(answer.replace("111 0 13", "0 111 13").replace("useinbandfec=1", "usedtx=1")).dtxIn());
    }

    /** As WebRtcMedia samples: every second, every 100 ms while a pause is open. */
    static MediaPresence feedFast(FarEnd f, long untilMs) {
        MediaPresence p = new MediaPresence();
        f.run(untilMs + 1000);
        for (long t = 1000; t < untilMs; t += p.noPacketsSince() >= 0 ? 100 : 1000) {
            p.sample(f.at(T0 + t));
        }
        p.finish(T0 + untilMs, f.at(T0 + untilMs + 5));
        return p;
    }

    @Test
    void aBurstAfterThePauseIsMeasuredByFastSamplesNotGuessed() {
        for (long start = 4000; start < 5000; start += 53) {
            FarEnd f = new FarEnd(20).pause(start, start + 1000);
            f.burstAfterPause = 5;
            MediaPresence p = feedFast(f, 12_000);
            assertEquals(1, p.outages().size(), "at " + start + ": " + p.outages());
            assertTrue(p.outages().get(0).fails(), "at " + start + ": " + p.outages());
            // the end is known to half a fast interval, plus a packet time
            assertNear(1000, p.outages().get(0).lengthMs(), 75, "at " + start);
            // the fast samples are added up into intervals of about a second for the packet rates (the last one, up to
            // the end of the call, at least half a second)
            List<MediaPresence.Interval> in = p.intervals();
            assertTrue(in.subList(0, in.size() - 1).stream().allMatch(i -> i.toMs() - i.fromMs() >= 900), in.toString());
            assertTrue(in.get(in.size() - 1).toMs() - in.get(in.size() - 1).fromMs() >= 500, in.toString());
        }
    }

    @Test
    void aPromptToneThenSilenceUntilTheEndIsNoOutage() {
        MediaPresence p = new MediaPresence();
        for (long t = 0; t < 20_000; t += 10) {
            p.audio(T0 + t, t < 3000 || (t >= 6000 && t < 12_000) ? 0.2 : 0.0001); // a 3 s beep; then 6 s; then waiting
        }
        p.finish(T0 + 20_000, null);
        assertTrue(p.outages().isEmpty(), p.outages().toString());
    }

    @Test
    void ourOwnMuteDisarmsTheSilenceOfAnEcho() {
        MediaPresence p = new MediaPresence();
        for (long t = 0; t < 20_000; t += 10) {
            if (t == 8000) {
                p.quiet(T0 + t, true);
            }
            if (t == 11_000) {
                p.quiet(T0 + t, false);
            }
            // the echo goes silent 100 ms after our mute, and comes back 100 ms after we unmute
            p.audio(T0 + t, t >= 8100 && t < 11_100 ? 0.0001 : 0.2);
        }
        p.finish(T0 + 20_000, null);
        assertTrue(p.outages().isEmpty(), p.outages().toString());
    }

    @Test
    void oneGlitchInAShortCallIsAWarningButGlitchesAddUp() {
        // a far end starved for 0.42 s in a 4 s call: a warning, and the call's share beside it is whole
        MediaPresence one = feedFast(new FarEnd(20).pause(2300, 2720), 4_500);
        assertEquals(1, one.outages().size(), one.outages().toString());
        assertFalse(one.glitchesAddUp());
        assertNull(one.failure(), one.figures().toString());
        // 0.6 s every 2 s: each a glitch, together a failure
        FarEnd f = new FarEnd(20);
        for (long t = 2000; t < 14_000; t += 2000) {
            f.pause(t, t + 600);
        }
        MediaPresence many = feedFast(f, 15_000);
        assertTrue(many.outages().size() >= 5, many.outages().toString());
        assertTrue(many.outages().stream().noneMatch(MediaPresence.Outage::fails));
        assertTrue(many.glitchesAddUp());
        assertTrue(many.failsOnGlitches());
        assertNotNull(many.failure());
        assertTrue(many.failure().contains("glitches"), many.failure());
    }

    @Test
    void aStarvedLinkFailsOnItsPacketRateNotOnTheGlitchesItAlsoMakes() {
        // a capped link: half the packets dropped, and the queue stalls three times for 0.35 s (together over 1 s)
        FarEnd f = new FarEnd(20);
        f.everyOther = true;
        f.pause(1900, 2250).pause(3900, 4250).pause(5900, 6250);
        f.run(9_000);
        MediaPresence p = new MediaPresence();
        for (long t = 100; t < 8_000; t += 100) {
            p.sample(f.at(T0 + t));
        }
        p.finish(T0 + 8_000, f.at(T0 + 8_005));
        assertTrue(p.glitchesAddUp(), p.outages().toString());
        assertNotNull(p.failure());
        assertTrue(p.failure().startsWith("packets received"), p.failure());
        assertFalse(p.failsOnGlitches());
    }

    @Test
    void sentCanBeLeftUnjudged() {
        MediaPresence p = new MediaPresence();
        p.dontJudgeSent("--play mic");
        long sent = 0;
        for (int i = 1; i < 10; i++) {
            sent += i % 2 == 0 ? 100 : 0; // counters that move every other second
            p.sample(new MediaPresence.Counters(T0 + 1000L * i, 50L * i, sent, T0 + 1000L * i - 5, 0, 0, 48000L * i, i, 50L * i * 960));
        }
        p.finish(T0 + 10_000, null);
        assertEquals(-1.0, p.figures().sentPct());
        assertNull(p.failure());
        assertTrue(p.figures().notJudged().contains("--play mic"), p.figures().toString());
    }

    @Test
    void framesFromThePlayoutThreadAreAppliedInOrderByTheOwner() throws Exception {
        MediaPresence p = new MediaPresence();
        FarEnd f = new FarEnd(20);
        f.run(12_000);
        for (long second = 0; second < 12; second++) {
            long from = second * 1000;
            Thread playout = new Thread(() -> { // a second of decoded frames, from libwebrtc's playout thread
                for (long t = from; t < from + 1000; t += 10) {
                    boolean silent = t >= 6000 && t < 7500;
                    p.audio(T0 + t, silent ? 0.0001 : 0.2);
                }
            }, "playout");
            playout.start();
            playout.join();
            p.sample(f.at(T0 + from + 1000)); // the owner's next look applies them before the sample
        }
        p.finish(T0 + 12_000, f.at(T0 + 12_000));
        List<MediaPresence.Outage> o = p.outages();
        assertEquals(1, o.size(), o.toString());
        assertEquals(MediaPresence.Cause.SILENCE, o.get(0).cause());
        assertNear(1500, o.get(0).lengthMs(), 30, "silence");
    }

    @Test
    void onlyItsOwnerMayJudgeIt() throws Exception {
        MediaPresence p = new MediaPresence();
        p.expect(MediaPresence.Expect.DEFAULT); // the test's thread owns it now
        Throwable[] thrown = new Throwable[1];
        Thread other = new Thread(() -> {
            try {
                p.figures();
            } catch (Throwable t) {
                thrown[0] = t;
            }
        }, "other");
        other.start();
        other.join();
        assertTrue(thrown[0] instanceof AssertionError, String.valueOf(thrown[0]));
    }
}
