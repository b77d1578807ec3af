package dialtone.sip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JsSIP's policy: 2 s after a loss, doubling to 30 s, back to 2 s once connected; stop ends it. */
class ReconnectionTest {
    final ManualScheduler clock = new ManualScheduler();
    final List<String> log = new ArrayList<>();
    int connects;
    int closes;
    final SipTransport transport = new SipTransport() {
        @Override
        public void connect() {
            connects++;
        }

        @Override
        public boolean send(String message) {
            return false;
        }

        @Override
        public void close() {
            closes++;
        }

        @Override
        public boolean isConnected() {
            return false;
        }

        @Override
        public String viaTransport() {
            return "WSS";
        }
    };
    final Reconnection r = new Reconnection(clock, transport, new Reconnection.Attempts() {
        @Override
        public void connecting(int n) {
            log.add("connecting " + n);
        }

        @Override
        public void reconnecting(int n, long delayMs) {
            log.add("reconnecting " + n + " in " + delayMs);
        }
    });

    @Test
    void backsOffFromTwoToThirtySecondsAndStartsAgainOnceConnected() {
        r.start();
        assertTrue(r.connected(), "the first connection");
        r.lost();
        for (int i = 0; i < 6; i++) {
            clock.advance(Duration.ofSeconds(Reconnection.delaySeconds(i + 1)));
            r.lost(); // the attempt failed
        }
        assertEquals(List.of("connecting 1", "reconnecting 1 in 2000", "connecting 2", "reconnecting 2 in 4000",
                "connecting 3", "reconnecting 3 in 8000", "connecting 4", "reconnecting 4 in 16000", "connecting 5",
                "reconnecting 5 in 30000", "connecting 6", "reconnecting 6 in 30000", "connecting 7",
                "reconnecting 7 in 30000"), log);
        assertEquals(7, connects);
        clock.advance(Duration.ofSeconds(30));
        assertFalse(r.connected(), "a reconnection");
        log.clear();
        r.lost();
        assertEquals(List.of("reconnecting 1 in 2000"), log);
    }

    @Test
    void nothingIsScheduledEarlyAndStopCancelsTheNextAttempt() {
        r.start();
        r.connected();
        r.lost();
        clock.advance(Duration.ofMillis(1999));
        assertEquals(1, connects, "not before 2 s");
        r.stop();
        clock.advance(Duration.ofMinutes(5));
        assertEquals(1, connects);
        assertEquals(1, closes);
        assertTrue(r.stopping());
        r.lost();
        assertEquals(0, clock.pending(), "a loss after stop schedules nothing");
    }
}
