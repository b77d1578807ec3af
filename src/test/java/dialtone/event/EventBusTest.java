package dialtone.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A flood becomes a few lines and one run.repeated; ordinary repeats (two DTMF 1s) stay as they are. */
class EventBusTest {
    static List<Event> through(List<Event> in) {
        List<Event> out = new ArrayList<>();
        EventBus bus = new EventBus((s, e) -> { });
        bus.add(new EventSink() {
            @Override
            public void accept(Event e) {
                out.add(e);
            }

            @Override
            public void close() {
            }
        });
        in.forEach(bus::publish);
        bus.close();
        return out;
    }

    @Test
    void aFloodIsCoalescedInOrder() {
        Instant t = Instant.parse("2026-11-29T00:00:00Z");
        List<Event> in = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            in.add(new SipEvent.Received(t.plusMillis(i), "call", "SIP/2.0 183 Session Progress", "raw " + i));
            in.add(new CallEvent.Progress(t.plusMillis(i), "call", 183, "Session Progress", false));
        }
        in.add(new CallEvent.Cancelling(t.plusSeconds(5), "call", "no answer"));
        List<Event> out = through(in);
        // the first BURST 183s and BURST progress events one by one, the two summaries of the rest, the cancel
        assertTrue(out.size() <= 2 * EventBus.BURST + 2 + 1, out.toString());
        long held = out.stream().filter(e -> e instanceof RunEvent.Repeated).mapToLong(e -> ((RunEvent.Repeated) e).times()).sum();
        assertEquals(2000 - 2 * EventBus.BURST, held);
        assertTrue(out.get(out.size() - 1) instanceof CallEvent.Cancelling, "the summary comes before what follows");
    }

    @Test
    void aShortRunsOwnRegistrationsAreNotAFlood() {
        Instant t = Instant.parse("2026-11-29T00:00:00Z");
        List<Event> in = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // register (401, again), unregister (401, again): within one second
            in.add(new SipEvent.Sent(t.plusMillis(10 * i), "call", "REGISTER sip:example.com SIP/2.0", "REGISTER " + i));
            in.add(new SipEvent.Received(t.plusMillis(10 * i + 1), "call", "SIP/2.0 401 Unauthorized", "401 " + i));
        }
        assertEquals(in, through(in));
    }

    @Test
    void anUncoalescedSinkGetsEveryEventAndIsClosed() {
        Instant t = Instant.parse("2026-11-29T00:00:00Z");
        List<Event> all = new ArrayList<>();
        boolean[] closed = {false};
        EventBus bus = new EventBus((s, e) -> { });
        bus.addUncoalesced(new EventSink() {
            @Override
            public void accept(Event e) {
                all.add(e);
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        });
        List<Event> in = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            in.add(new SipEvent.Received(t.plusMillis(i), "call", "SIP/2.0 183 Session Progress", "raw " + i));
        }
        in.forEach(bus::publish);
        bus.close();
        assertEquals(in, all);
        assertTrue(closed[0]);
    }

    @Test
    void fewRepeatsAreDeliveredOneByOne() {
        Instant t = Instant.parse("2026-11-29T00:00:00Z");
        List<Event> in = List.of(new CallEvent.DtmfReceived(t, "call", "1", "info"),
                new CallEvent.DtmfReceived(t.plusMillis(200), "call", "1", "info"),
                new CallEvent.DtmfReceived(t.plusMillis(400), "call", "1", "info"));
        assertEquals(in, through(in));
    }

    static final Instant T = Instant.parse("2026-11-29T00:00:00Z");

    static long repeated(List<Event> out) {
        return out.stream().filter(e -> e instanceof RunEvent.Repeated).mapToLong(e -> ((RunEvent.Repeated) e).times()).sum();
    }

    /** Issue 22 case 3: 183s whose reason phrase (and so every field) differs are one kind, and coalesced. */
    @Test
    void aFloodOfDistinctMessagesIsCoalescedByKind() {
        List<Event> in = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String reason = "Session Progress " + i + " " + Long.toString(i * 7919L, 36);
            in.add(new SipEvent.Received(T.plusMillis(i), "call", "SIP/2.0 183 " + reason, "SIP/2.0 183 " + reason + "\r\n"));
            in.add(new CallEvent.Progress(T.plusMillis(i), "call", 183, reason, false));
            in.add(new SipEvent.Received(T.plusMillis(i), "call", "INFO sip:a@b SIP/2.0", "INFO " + i));
            in.add(new CallEvent.Transcript(T.plusMillis(i), "call", "remote", "line " + i));
            in.add(new SipEvent.Received(T.plusMillis(i), "call", "X" + i + " sip:a@b SIP/2.0", "X" + i));
        }
        long t0 = System.nanoTime();
        List<Event> out = through(in);
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L + 2; // windows started part-way
        // per second (of the bus's clock): a burst of each of the five kinds, and a few summaries of each
        assertTrue(out.size() <= seconds * (5 * EventBus.BURST + 5 * 3), out.size() + " events in " + seconds + " s");
        assertEquals(in.size(), out.size() - out.stream().filter(e -> e instanceof RunEvent.Repeated).count() + repeated(out));
    }

    /** Verdicts are never coalesced, and nothing published after run.finished is delivered. */
    @Test
    void verdictsAreNeverCoalescedAndRunFinishedIsLast() {
        List<Event> in = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            in.add(new CallEvent.Check(T, "call", "check " + i, true, null));
        }
        for (int i = 0; i < 100; i++) {
            in.add(new SipEvent.Received(T, "call", "SIP/2.0 183 x" + i, "r"));
        }
        Event fin = new RunEvent.Finished(T.plusSeconds(1), "call", true, 0, 1000, null, java.util.Map.of());
        in.add(fin);
        in.add(new SipEvent.Received(T.plusSeconds(2), "call", "SIP/2.0 183 late", "late"));
        in.add(new CallEvent.Check(T.plusSeconds(2), "call", "late", true, null));
        List<Event> out = through(in);
        assertEquals(100, out.stream().filter(e -> e instanceof CallEvent.Check).count());
        assertEquals(fin, out.get(out.size() - 1));
        assertEquals(100 - EventBus.BURST, repeated(out));
    }

    /**
     * A sink slower than the flood (20 kB messages): publish never queues more than MAX_QUEUED_BYTES; what it could
     * not queue is counted and reported as run.repeated, so every event is accounted for.
     */
    @Test
    void theQueueIsBoundedAndWhatItDropsIsCounted() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<Event> out = new ArrayList<>();
        List<Event> every = new ArrayList<>();
        EventBus bus = new EventBus((s, e) -> { });
        bus.add(new EventSink() {
            @Override
            public void accept(Event e) {
                try {
                    release.await();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                out.add(e);
            }

            @Override
            public void close() {
            }
        });
        bus.addUncoalesced(new EventSink() {
            @Override
            public void accept(Event e) {
                every.add(e);
            }

            @Override
            public void close() {
            }
        });
        String pad = "y".repeat(20 * 1024);
        int n = 5000; // 5000 x 40 kB: 200 MB if it were all queued
        bus.publish(new RunEvent.Started(T, "call", 1, "dialtone", "t", "call"));
        for (int i = 0; i < n; i++) {
            bus.publish(new SipEvent.Received(T.plusMillis(i), "call", "SIP/2.0 183 Session Progress", "X-Pad-" + i + ": " + pad));
            assertTrue(bus.queuedBytes() <= EventBus.MAX_QUEUED_BYTES + 100_000, "queued " + bus.queuedBytes());
        }
        bus.publish(new RunEvent.Finished(T.plusSeconds(10), "call", true, 0, 10_000, null, java.util.Map.of()));
        release.countDown();
        assertTrue(bus.close(5000, 5000));
        long delivered = out.stream().filter(e -> e instanceof SipEvent.Received).count();
        assertTrue(every.size() < n, "some were not queued: " + every.size());
        assertEquals(n, delivered + repeated(out));
        assertTrue(out.get(out.size() - 1) instanceof RunEvent.Finished);
    }
}
