package dialtone.sip.transaction;

import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;
import dialtone.support.Scheduler;

/** The non-INVITE client transaction, RFC 3261 §17.1.2, on a reliable transport. */
public final class NonInviteClientTransaction extends ClientTransaction {
    NonInviteClientTransaction(Scheduler loop, Wire wire, SipRequest request, String branch, ClientTransactionUser tu,
                               Runnable onTerminated) {
        super(loop, wire, request, branch, tu, onTerminated, TransactionState.TRYING);
    }

    @Override
    void receive(SipResponse r) {
        loop.assertOnLoop();
        if (state == TransactionState.TERMINATED || state == TransactionState.COMPLETED) {
            return; // a retransmission: absorbed
        }
        if (r.isProvisional()) {
            transition(TransactionState.PROCEEDING);
            tu.onResponse(r);
            return;
        }
        // "Once the client transaction enters the Completed state, it MUST set Timer K to fire in T4 seconds for
        // unreliable transports, and zero seconds for reliable transports." (§17.1.2.2)
        transition(TransactionState.COMPLETED);
        tu.onResponse(r);
        transition(TransactionState.TERMINATED);
    }
}
