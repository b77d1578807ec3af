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
        // the first SIP_BURST 183s and BURST progress events one by one, a summary of the progress events held back
        // before each later 183 (order is kept), the two summaries of the rest, the cancel
        assertTrue(out.size() <= EventBus.SIP_BURST + EventBus.BURST + EventBus.SIP_BURST + 2 + 1, out.toString());
        long held = out.stream().filter(e -> e instanceof RunEvent.Repeated).mapToLong(e -> ((RunEvent.Repeated) e).times()).sum();
        assertEquals(2000 - EventBus.SIP_BURST - EventBus.BURST, held);
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
}
