package dialtone.sip.ua;

import dialtone.sip.message.Header;
import dialtone.sip.message.Headers;
import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;
import dialtone.support.RandomTokens;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a response to a request (RFC 3261 §8.2.6): its Via lines, From, Call-ID and CSeq copied; its To with a
 * tag added to every response above 100 that lacks one; Record-Route copied into 101-299 (§12.1.1); then the extra
 * headers, Server and Content-Type.
 */
final class Responses {
    private Responses() {
    }

    /**
     * @param tag    the To tag to add (a dialog's), or null for one made from the request
     * @param server the Server header's value, or null for none
     */
    static SipResponse build(SipRequest req, int status, String reason, List<Header> extra, String contentType,
                             byte[] body, String tag, String server) {
        List<Header> hs = new ArrayList<>();
        for (String v : req.headers().lines("Via")) {
            hs.add(new Header("Via", v));
        }
        for (String rr : req.headers().lines("Record-Route")) {
            if (status > 100 && status < 300) {
                hs.add(new Header("Record-Route", rr));
            }
        }
        req.header("From").ifPresent(v -> hs.add(new Header("From", v)));
        String to = req.header("To").orElse("");
        if (status > 100 && req.to().flatMap(t -> t.tag()).isEmpty() && !to.isEmpty()) {
            to = to + ";tag=" + (tag != null ? tag : tagFor(req));
        }
        hs.add(new Header("To", to));
        hs.add(new Header("Call-ID", req.callId()));
        req.header("CSeq").ifPresent(v -> hs.add(new Header("CSeq", v)));
        hs.addAll(extra);
        if (server != null) {
            hs.add(new Header("Server", server));
        }
        if (contentType != null) {
            hs.add(new Header("Content-Type", contentType));
        }
        return new SipResponse(status, reason, new Headers(hs), body == null ? new byte[0] : body);
    }

    /** A To tag for a final response; a retransmitted request is answered from its server transaction, same tag. */
    private static String tagFor(SipRequest req) {
        return Integer.toHexString((req.callId() + req.header("CSeq").orElse("") + req.topVia().flatMap(v -> v.branch()).orElse("")).hashCode() & 0x7fffffff)
                + RandomTokens.lower(4);
    }
}
