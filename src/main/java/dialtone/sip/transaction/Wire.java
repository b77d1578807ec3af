package dialtone.sip.transaction;

import dialtone.sip.message.SipMessage;

/** Sends a message on the transport; false when it could not be sent. */
@FunctionalInterface
public interface Wire {
    boolean send(SipMessage message);
}
