package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.Event;
import dialtone.event.SpeechEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The conversation's figures on a timeline whose truth is known: speech-like audio (a tone whose loudness rises and
 * falls four times a second, as syllables do) and our own speech at given times, on a clock of the test's own.
 */
class ConversationTest {
    static final long MS = 1_000_000L;
    long now = 1_000_000_000L;
    final List<Event> events = new CopyOnWriteArrayList<>();
    final Instant base = Instant.parse("2026-12-03T06:00:00Z");

    /** Media whose speech is "sent" at once: it starts now and lasts as long as the clip. */
    final class Media extends FakeMedia {
        @Override
        public CompletableFuture<long[]> speak(short[] pcm) {
            return CompletableFuture.completedFuture(new long[] {now, now + pcm.length * 1_000_000_000L / 48_000});
        }
    }

    Conversation conv;

    void feed(Conversation c, int ms, boolean speech) {
        for (int i = 0; i < ms / 10; i++) {
            byte[] b = new byte[960];
            for (int k = 0; k < 480; k++) {
                double t = (now / 1e9) + k / 48_000.0;
                double env = 0.5 - 0.5 * Math.cos(2 * Math.PI * 4 * t);
                short s = speech ? (short) (9000 * env * Math.sin(2 * Math.PI * 300 * t)) : 0;
                b[2 * k] = (byte) s;
                b[2 * k + 1] = (byte) (s >> 8);
            }
            c.onAudio(b, 48_000, 1, 480);
            now += 10 * MS;
        }
    }

    static short[] loud(int ms) {
        short[] s = new short[ms * 48];
        java.util.Arrays.fill(s, (short) 5000);
        return s;
    }

    @Test
    void turnsLatencyOverrunGreetingAndDeadAir() throws Exception {
        long t0 = now;
        Conversation c = new Conversation(events::add, "call", new Media(), SpeechTools.DEFAULT, base, () -> now, base);
        c.spoken();
        feed(c, 1200, false);       // dead air after the answer: the greeting comes at 1.2 s
        feed(c, 2000, true);        // turn 1 (the greeting): 1.2 s .. 3.2 s
        feed(c, 700, false);
        c.say(loud(1000), "question", false); // we speak 3.9 .. 4.9 s
        feed(c, 1800, false);
        feed(c, 1000, true);        // turn 2: 5.7 .. 6.7 s, 800 ms after we stopped
        feed(c, 1000, false);
        feed(c, 500, true);         // turn 3: 7.7 s ..
        c.say(loud(500), "stop", true); // we barge in at 8.2 s
        feed(c, 1000, true);        // .. 9.2 s: overrun 1000 ms
        feed(c, 1000, false);
        SpeechEvent.Summary s = c.finish(base.plus(Duration.ofNanos(now - t0)));

        List<SpeechEvent.Turn> turns = events.stream().filter(e -> e instanceof SpeechEvent.Turn)
                .map(e -> (SpeechEvent.Turn) e).toList();
        assertEquals(3, turns.size(), events.toString());
        assertEquals(3, s.turns());
        near(1200, s.greetingMs(), "greeting");
        near(1200, Duration.between(base, turns.get(0).startedAt()).toMillis(), "turn 1 start");
        near(3200, Duration.between(base, turns.get(0).endedAt()).toMillis(), "turn 1 end");
        assertNull(turns.get(0).latencyMs(), "we had not spoken before the greeting");
        near(800, turns.get(1).latencyMs(), "latency of turn 2");
        assertNull(turns.get(1).overrunMs());
        assertNull(turns.get(2).latencyMs(), "we had not spoken since turn 2 began");
        near(1000, turns.get(2).overrunMs(), "overrun of turn 3");
        near(800, s.latencyP50Ms(), "p50");
        near(800, s.latencyMaxMs(), "max");
        near(1200, s.longestDeadAirMs(), "longest dead air");
        near(1000, s.overrunMaxMs(), "overrun max");
        List<SpeechEvent.Said> said = events.stream().filter(e -> e instanceof SpeechEvent.Said).map(e -> (SpeechEvent.Said) e).toList();
        assertEquals(2, said.size());
        assertTrue(said.get(1).bargeIn());
        near(3900, Duration.between(base, said.get(0).startedAt()).toMillis(), "said start");
        near(4900, Duration.between(base, said.get(0).endedAt()).toMillis(), "said end");
    }

    @Test
    void anAgentThatNeverAnswersIsDeadAirUntilTheEnd() {
        long t0 = now;
        Conversation c = new Conversation(events::add, "call", new Media(), SpeechTools.DEFAULT, base, () -> now, base);
        c.spoken();
        feed(c, 500, false);
        feed(c, 1500, true);
        feed(c, 700, false);
        c.say(loud(1000), "hello?", false);
        feed(c, 6000, false);
        SpeechEvent.Summary s = c.finish(base.plus(Duration.ofNanos(now - t0)));
        assertEquals(1, s.turns());
        near(5000, s.longestDeadAirMs(), "the silence after our question, until the end");
        assertNull(s.latencyMaxMs());
    }

    @Test
    void playoutLagIsTheWallClockBeyondTheAudioDelivered() {
        Conversation c = new Conversation(events::add, "call", new Media(), SpeechTools.DEFAULT, base, () -> now, base);
        feed(c, 1000, false); // 100 frames on time: 10 ms each
        assertEquals(0, c.playoutLagMs());
        for (int i = 0; i < 50; i++) { // 50 frames pulled every 12 ms: the playout falls 2 ms behind per frame
            c.onAudio(new byte[960], 48_000, 1, 480);
            now += 12 * MS;
        }
        c.onAudio(new byte[960], 48_000, 1, 480);
        assertEquals(100, c.playoutLagMs());
    }

    @Test
    void noSpeechAtAllHasNoGreeting() {
        Conversation c = new Conversation(events::add, "call", new Media(), SpeechTools.DEFAULT, base, () -> now, base);
        feed(c, 3000, false);
        SpeechEvent.Summary s = c.finish(base.plus(Duration.ofMillis(3000)));
        assertEquals(0, s.turns());
        assertNull(s.greetingMs());
        assertTrue(Double.isNaN(Check.parse("greeting<3s").measure(s)), "not measured is never a pass");
        assertTrue(!Check.parse("greeting<3s").holds(Check.parse("greeting<3s").measure(s)));
    }

    @Test
    void aScriptWithoutSpokenStepsPublishesNoSpeechEventsUntilOneRuns() throws Exception {
        Conversation c = new Conversation(events::add, "call", new Media(), SpeechTools.DEFAULT, base, () -> now, base);
        feed(c, 500, false);
        feed(c, 1500, true);
        feed(c, 1000, false);
        long until = System.nanoTime() + 20_000_000_000L; // the turn is ended on a thread of its own
        while (c.held() < 1 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertEquals(1, c.held());
        assertTrue(events.isEmpty(), "held back: " + events);
        c.spoken();
        assertEquals(1, events.size(), "the turns heard so far come out at the first spoken step");
        Conversation quiet = new Conversation(e -> events.add(e), "call2", new Media(), SpeechTools.DEFAULT, base, () -> now, base);
        feed(quiet, 1500, true);
        feed(quiet, 1000, false);
        quiet.finish(null);
        assertTrue(events.stream().noneMatch(e -> e.scenario().equals("call2")), "a call without spoken steps: " + events);
    }

    static void near(long want, Long got, String what) {
        assertNotNull(got, what);
        assertTrue(Math.abs(got - want) <= 40, what + ": " + got + " ms, want " + want + " +- 40");
    }
}
