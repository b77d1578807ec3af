package dialtone.sip.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.sip.message.Header;
import dialtone.sip.message.Headers;
import dialtone.sip.message.SipMessage;
import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;
import dialtone.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ClientTransactionTest {
    final ManualScheduler clock = new ManualScheduler();
    final List<SipMessage> sent = new ArrayList<>();
    final List<String> tu = new ArrayList<>();
    final TransactionLayer layer = new TransactionLayer(clock, m -> sent.add(m));

    final ClientTransactionUser user = new ClientTransactionUser() {
        @Override
        public void onResponse(SipResponse r) {
            tu.add(Integer.toString(r.status()));
        }

        @Override
        public void onTimeout() {
            tu.add("timeout");
        }

        @Override
        public void onTransportError() {
            tu.add("transport");
        }
    };

    static SipRequest request(String method, String branch) {
        return new SipRequest(method, "sip:bob@example.com", new Headers(List.of(
                new Header("Via", "SIP/2.0/WSS x.invalid;branch=" + branch),
                new Header("From", "<sip:alice@example.com>;tag=a"), new Header("To", "<sip:bob@example.com>"),
                new Header("Call-ID", "c1"), new Header("CSeq", "5 " + method),
                new Header("Route", "<sip:proxy.example.com;lr>"))), new byte[0]);
    }

    static SipResponse response(int status, String method, String branch) {
        return new SipResponse(status, "X", new Headers(List.of(
                new Header("Via", "SIP/2.0/WSS x.invalid;branch=" + branch),
                new Header("From", "<sip:alice@example.com>;tag=a"), new Header("To", "<sip:bob@example.com>;tag=b"),
                new Header("Call-ID", "c1"), new Header("CSeq", "5 " + method))), new byte[0]);
    }

    @Nested
    class NonInvite {
        @Test
        void provisionalThenFinalReachTheTuOnceAndRetransmissionsAreAbsorbed() {
            ClientTransaction t = layer.send(request("OPTIONS", "z9hG4bK1"), "z9hG4bK1", user);
            assertEquals(TransactionState.TRYING, t.state());
            layer.receive(response(100, "OPTIONS", "z9hG4bK1"));
            assertEquals(TransactionState.PROCEEDING, t.state());
            layer.receive(response(200, "OPTIONS", "z9hG4bK1"));
            assertEquals(TransactionState.TERMINATED, t.state());
            assertEquals(false, layer.receive(response(200, "OPTIONS", "z9hG4bK1")));
            assertEquals(List.of("100", "200"), tu);
            assertEquals(0, layer.clientCount());
        }

        @Test
        void timerFFiresAfter64T1() {
            layer.send(request("OPTIONS", "z9hG4bK2"), "z9hG4bK2", user);
            clock.advance(Duration.ofMillis(31_999));
            assertTrue(tu.isEmpty());
            clock.advance(Duration.ofMillis(1));
            assertEquals(List.of("timeout"), tu);
        }

        @Test
        void aResponseForAnotherMethodDoesNotMatch() {
            layer.send(request("OPTIONS", "z9hG4bK3"), "z9hG4bK3", user);
            assertEquals(false, layer.receive(response(200, "INFO", "z9hG4bK3")));
        }
    }

    @Nested
    class Invite {
        @Test
        void nonTwoHundredFinalIsAckedByTheTransaction() {
            ClientTransaction t = layer.send(request("INVITE", "z9hG4bK4"), "z9hG4bK4", user);
            assertEquals(TransactionState.CALLING, t.state());
            layer.receive(response(180, "INVITE", "z9hG4bK4"));
            layer.receive(response(486, "INVITE", "z9hG4bK4"));
            assertEquals(TransactionState.TERMINATED, t.state());
            SipRequest ack = (SipRequest) sent.get(sent.size() - 1);
            assertEquals("ACK", ack.method());
            assertEquals("sip:bob@example.com", ack.uri());
            assertEquals("5 ACK", ack.header("CSeq").orElseThrow());
            assertTrue(ack.header("Via").orElseThrow().contains("branch=z9hG4bK4"));
            assertTrue(ack.header("To").orElseThrow().contains("tag=b"));
            assertEquals("<sip:proxy.example.com;lr>", ack.header("Route").orElseThrow());
            assertEquals(List.of("180", "486"), tu);
        }

        @Test
        void twoHundredEntersAcceptedAndPassesRetransmissions() {
            ClientTransaction t = layer.send(request("INVITE", "z9hG4bK5"), "z9hG4bK5", user);
            layer.receive(response(200, "INVITE", "z9hG4bK5"));
            assertEquals(TransactionState.ACCEPTED, t.state());
            layer.receive(response(200, "INVITE", "z9hG4bK5"));
            assertEquals(List.of("200", "200"), tu);
            clock.advance(Timers.M);
            assertEquals(TransactionState.TERMINATED, t.state());
        }

        @Test
        void timerBFiresInCallingOnly() {
            layer.send(request("INVITE", "z9hG4bK6"), "z9hG4bK6", user);
            clock.advance(Timers.B);
            assertEquals(List.of("timeout"), tu);
            tu.clear();
            layer.send(request("INVITE", "z9hG4bK9"), "z9hG4bK9", user);
            layer.receive(response(180, "INVITE", "z9hG4bK9"));
            clock.advance(Timers.B.multipliedBy(3));
            assertEquals(List.of("180"), tu, "once proceeding, the TU decides (setup timeout, CANCEL)");
        }
    }

    @Test
    void illegalTransitionsAreBugs() {
        ClientTransaction t = layer.send(request("OPTIONS", "z9hG4bK7"), "z9hG4bK7", user);
        layer.receive(response(200, "OPTIONS", "z9hG4bK7"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.transition(TransactionState.PROCEEDING));
        assertEquals("Invalid transition from TERMINATED to PROCEEDING", e.getMessage());
    }

    @Test
    void sendFailureIsATransportError() {
        TransactionLayer down = new TransactionLayer(clock, m -> false);
        down.send(request("OPTIONS", "z9hG4bK8"), "z9hG4bK8", user);
        assertEquals(List.of("transport"), tu);
    }
}
