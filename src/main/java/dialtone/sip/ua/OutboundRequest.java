package dialtone.sip.ua;

import dialtone.sip.message.Header;
import java.util.List;

/**
 * What a request says apart from the parts the sender fills in per attempt (Via branch, CSeq, credentials).
 *
 * @param cseq supplies the CSeq number of each attempt (a dialog's or a registration's counter)
 */
public record OutboundRequest(String method, String requestUri, String from, String to, String callId,
                              java.util.function.LongSupplier cseq, List<Header> headers, String contentType,
                              byte[] body) {
}
