package dialtone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.MediaEvent;
import dialtone.event.RunEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The human timeline: lines in the order of their times, an ICE state said once per connected period. */
class HumanReporterTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static Instant at(long ms) {
        return T0.plusMillis(ms);
    }

    static List<String> timeline(String out) {
        List<String> l = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("+")) {
                l.add(line.replaceAll(" +", " ").strip());
            }
        }
        return l;
    }

    @Test
    void linesAreInTheOrderOfTheirTimesNotOfTheirArrival() {
        StringWriter w = new StringWriter();
        HumanReporter h = new HumanReporter(new PrintWriter(w), false, false, false);
        h.accept(new RunEvent.Started(at(0), "call", 1, "dialtone", "t", "call"));
        h.accept(new MediaEvent.IceState(at(272), "call", "checking"));
        h.accept(new MediaEvent.ConnectionState(at(281), "call", "connected"));
        h.accept(new MediaEvent.IceState(at(282), "call", "connected"));
        h.accept(new MediaEvent.SelectedPair(at(290), "call", "host", "udp", "127.0.0.1:1", "host", "127.0.0.1:2", null, 1.0));
        // stamped when the peer connection connected, published once the statistics named the cipher
        h.accept(new MediaEvent.Dtls(at(281), "call", "connected", "server", "FEFD", "AES", "SRTP", "sha-256 AA", true));
        h.accept(new RunEvent.Finished(at(2000), "call", true, 0, 2000, null, Map.of()));
        h.close();
        List<String> t = timeline(w.toString());
        List<Long> stamps = t.stream().map(s -> Math.round(Double.parseDouble(s.substring(1, s.indexOf('s'))) * 1000)).toList();
        List<Long> sorted = new ArrayList<>(stamps);
        sorted.sort(null);
        assertEquals(sorted, stamps, String.join("\n", t));
        assertEquals(7, t.size(), String.join("\n", t));
        assertTrue(t.get(t.size() - 1).contains("PASS"), t.toString());
    }

    @Test
    void aRepeatedIceStateIsShownOncePerConnectedPeriod() {
        StringWriter w = new StringWriter();
        HumanReporter h = new HumanReporter(new PrintWriter(w), false, false, false);
        h.accept(new RunEvent.Started(at(0), "call", 1, "dialtone", "t", "call"));
        String[] states = {"checking", "connected", "completed", "connected", "completed", "disconnected", "disconnected",
            "connected", "completed", "closed"};
        for (int i = 0; i < states.length; i++) {
            h.accept(new MediaEvent.IceState(at(100 + 10 * i), "call", states[i]));
        }
        // another call's states are its own
        h.accept(new MediaEvent.IceState(at(300), "call#2", "connected"));
        h.close();
        List<String> ice = timeline(w.toString()).stream().filter(s -> s.contains(" ICE ")).map(s -> s.substring(s.indexOf("ICE")))
                .toList();
        assertEquals(List.of("ICE checking", "ICE connected", "ICE completed", "ICE disconnected", "ICE connected",
                "ICE completed", "ICE closed", "ICE connected"), ice);
    }

    @Test
    void aQuietRunStillPrintsWhatItHeldWithoutWaitingForTheNextEvent() throws Exception {
        StringWriter w = new StringWriter();
        HumanReporter h = new HumanReporter(new PrintWriter(w), false, false, false);
        h.accept(new RunEvent.Started(Instant.now(), "call", 1, "dialtone", "t", "call"));
        h.accept(new RunEvent.Warning(Instant.now(), "call", "x", "something to say"));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!w.toString().contains("something to say") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(w.toString().contains("something to say"), w.toString());
        h.close();
    }

    @Test
    void gatheringSaysWhatIsGathered() {
        HumanFormat f = new HumanFormat(false);
        assertEquals(List.of("gathering candidates"), f.render(new MediaEvent.Gathering(at(0), "call", "gathering")).lines());
        assertEquals(List.of("gathering complete"), f.render(new MediaEvent.Gathering(at(0), "call", "complete")).lines());
    }
}
