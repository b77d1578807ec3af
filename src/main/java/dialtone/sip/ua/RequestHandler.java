package dialtone.sip.ua;

import dialtone.sip.transaction.ServerTransaction;

/** Takes inbound requests the user agent does not answer by itself (INVITE, in-dialog requests). */
public interface RequestHandler {
    /** @return true when the request was taken; false lets the UA answer it (480 for INVITE, 481 in a dialog) */
    boolean onRequest(ServerTransaction st);
}
