package dialtone.sip.ua;

import dialtone.sip.auth.DigestChallenge;
import dialtone.sip.message.SipResponse;

/** The outcome of one request sent through {@link UserAgent#send}. Called on the UA loop. */
public interface ResponseHandler {
    /** The request as it went out (each attempt: a digest retry has a new branch and CSeq). */
    default void onSent(dialtone.sip.message.SipRequest request) {
    }

    default void onProvisional(SipResponse r) {
    }

    /** A 401/407 that the sender answers with credentials (once, or again when the nonce was stale). */
    default void onChallenged(int status, DigestChallenge challenge) {
    }

    void onFinal(SipResponse r);

    /** Timer B/F fired. */
    void onTimeout();

    /** The request could not be sent (not connected). */
    void onTransportError();
}
