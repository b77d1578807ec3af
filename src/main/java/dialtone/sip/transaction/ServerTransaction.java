package dialtone.sip.transaction;

import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;

/**
 * A server transaction (RFC 3261 §17.2) on a reliable transport: it remembers the last response so that a
 * retransmitted request is answered again instead of reaching the TU twice. INVITE server transactions also absorb
 * the ACK of a non-2xx final response (same branch).
 */
public final class ServerTransaction {
    private final SipRequest request;
    private final String key;
    private final Wire wire;
    private SipResponse last;

    ServerTransaction(SipRequest request, String key, Wire wire) {
        this.request = request;
        this.key = key;
        this.wire = wire;
    }

    public SipRequest request() {
        return request;
    }

    String key() {
        return key;
    }

    public boolean answered() {
        return last != null && last.status() >= 200;
    }

    public SipResponse lastResponse() {
        return last;
    }

    public void respond(SipResponse r) {
        last = r;
        wire.send(r);
    }

    void retransmission() {
        if (last != null) {
            wire.send(last);
        }
    }
}
