package dialtone.sip.transaction;

import dialtone.sip.message.SipResponse;

/** The transaction user of a client transaction (RFC 3261 §17.1): it hears every response and the failures. */
public interface ClientTransactionUser {
    void onResponse(SipResponse response);

    /** Timer B or F fired: "the client transaction SHOULD inform the TU that a timeout has occurred" (§17.1.2.2). */
    void onTimeout();

    /** The request could not be sent: the TU treats it as a 503 (RFC 3261 §8.1.3.1). */
    void onTransportError();
}
