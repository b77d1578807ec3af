package dialtone.sip.transaction;

import dialtone.sip.message.Header;
import dialtone.sip.message.Headers;
import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;
import dialtone.support.Scheduler;
import java.util.ArrayList;
import java.util.List;

/**
 * The INVITE client transaction, RFC 3261 §17.1.1 with the Accepted state of RFC 6026, on a reliable transport.
 * It sends the ACK for a non-2xx final response itself (§17.1.1.3); the ACK for a 2xx is the dialog's (TU's).
 */
public final class InviteClientTransaction extends ClientTransaction {
    InviteClientTransaction(Scheduler loop, Wire wire, SipRequest request, String branch, ClientTransactionUser tu,
                            Runnable onTerminated) {
        super(loop, wire, request, branch, tu, onTerminated, TransactionState.CALLING);
    }

    @Override
    void receive(SipResponse r) {
        loop.assertOnLoop();
        switch (state) {
            case CALLING, PROCEEDING -> {
                if (r.isProvisional()) {
                    transition(TransactionState.PROCEEDING);
                    tu.onResponse(r);
                } else if (r.status() < 300) {
                    // RFC 6026 §7.2: enter Accepted, pass 2xx (and retransmissions) to the TU until Timer M.
                    transition(TransactionState.ACCEPTED);
                    tu.onResponse(r);
                    loop.schedule(Timers.M, () -> {
                        if (state == TransactionState.ACCEPTED) {
                            transition(TransactionState.TERMINATED);
                        }
                    });
                } else {
                    transition(TransactionState.COMPLETED);
                    wire.send(ack(r));
                    tu.onResponse(r);
                    // Timer D: zero on a reliable transport
                    transition(TransactionState.TERMINATED);
                }
            }
            case ACCEPTED -> {
                if (r.status() >= 200 && r.status() < 300) {
                    tu.onResponse(r);
                }
            }
            default -> {
                // Completed/Terminated: retransmissions are absorbed
            }
        }
    }

    /** The ACK for a non-2xx final response: same branch, Request-URI, Call-ID, From, Route; To from the response. */
    SipRequest ack(SipResponse r) {
        List<Header> h = new ArrayList<>();
        request.headers().values("Via").stream().findFirst().ifPresent(v -> h.add(new Header("Via", v)));
        h.add(new Header("Max-Forwards", "70"));
        for (String route : request.headers().lines("Route")) {
            h.add(new Header("Route", route));
        }
        h.add(new Header("From", request.header("From").orElse("")));
        h.add(new Header("To", r.header("To").orElse(request.header("To").orElse(""))));
        h.add(new Header("Call-ID", request.callId()));
        long n = request.cseq().map(c -> c.number()).orElse(1L);
        h.add(new Header("CSeq", n + " ACK"));
        return new SipRequest("ACK", request.uri(), new Headers(h), new byte[0]);
    }

    /** Marks the transaction done when the TU has sent the ACK for a 2xx and no more retransmissions matter. */
    public void terminate() {
        if (state != TransactionState.TERMINATED) {
            transition(TransactionState.TERMINATED);
        }
    }
}
