package dialtone.sip.transaction;

import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;
import dialtone.support.Scheduler;

/** A client transaction (RFC 3261 §17.1), keyed by its branch and method. */
public abstract sealed class ClientTransaction permits InviteClientTransaction, NonInviteClientTransaction {
    protected final Scheduler loop;
    protected final Wire wire;
    protected final SipRequest request;
    protected final String branch;
    protected final ClientTransactionUser tu;
    protected final Runnable onTerminated;
    protected TransactionState state;
    private Scheduler.Cancellable timeout;
    private boolean transitioning;

    ClientTransaction(Scheduler loop, Wire wire, SipRequest request, String branch, ClientTransactionUser tu,
                      Runnable onTerminated, TransactionState initial) {
        this.loop = loop;
        this.wire = wire;
        this.request = request;
        this.branch = branch;
        this.tu = tu;
        this.onTerminated = onTerminated;
        this.state = initial;
    }

    public SipRequest request() {
        return request;
    }

    public String branch() {
        return branch;
    }

    public TransactionState state() {
        return state;
    }

    /** Sends the request and starts the transaction timer. */
    void start(java.time.Duration timeoutAfter) {
        loop.assertOnLoop();
        timeout = loop.schedule(timeoutAfter, this::onTimer);
        if (!wire.send(request)) {
            transition(TransactionState.TERMINATED);
            tu.onTransportError();
        }
    }

    abstract void receive(SipResponse r);

    /**
     * "If the client transaction is still in the 'Calling' state when timer B fires, the client transaction SHOULD
     * inform the TU that a timeout has occurred" (§17.1.1.2): an INVITE that got a provisional response waits for
     * its TU (the setup timeout, then CANCEL). A non-INVITE times out in Trying or Proceeding (§17.1.2.2).
     */
    private void onTimer() {
        if (state == TransactionState.CALLING || state == TransactionState.TRYING
                || (state == TransactionState.PROCEEDING && !request.is("INVITE"))) {
            transition(TransactionState.TERMINATED);
            tu.onTimeout();
        }
    }

    /** Moves to {@code to}; illegal moves and re-entrant ones are bugs (SIP.js checks its FSMs the same way). */
    protected void transition(TransactionState to) {
        if (transitioning) {
            throw new IllegalStateException("re-entrant transition from " + state + " to " + to);
        }
        if (!legal(state, to)) {
            throw new IllegalStateException("Invalid transition from " + state + " to " + to);
        }
        transitioning = true;
        try {
            state = to;
            if (to == TransactionState.COMPLETED || to == TransactionState.ACCEPTED || to == TransactionState.TERMINATED) {
                if (timeout != null) {
                    timeout.cancel();
                }
            }
            if (to == TransactionState.TERMINATED) {
                onTerminated.run();
            }
        } finally {
            transitioning = false;
        }
    }

    private static boolean legal(TransactionState from, TransactionState to) {
        return switch (from) {
            case CALLING, TRYING -> to == TransactionState.PROCEEDING || to == TransactionState.COMPLETED
                    || to == TransactionState.ACCEPTED || to == TransactionState.TERMINATED;
            case PROCEEDING -> to == TransactionState.PROCEEDING || to == TransactionState.COMPLETED
                    || to == TransactionState.ACCEPTED || to == TransactionState.TERMINATED;
            case COMPLETED, ACCEPTED -> to == TransactionState.TERMINATED;
            case TERMINATED -> false;
        };
    }
}
