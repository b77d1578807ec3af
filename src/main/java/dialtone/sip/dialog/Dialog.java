package dialtone.sip.dialog;

import dialtone.sip.message.Header;
import dialtone.sip.message.Headers;
import dialtone.sip.message.NameAddr;
import dialtone.sip.message.SipRequest;
import dialtone.sip.message.SipResponse;
import dialtone.sip.message.SyntaxError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A dialog (RFC 3261 §12): Call-ID, tags, the remote target, the route set, and the CSeq counters. Builds the
 * requests sent inside it (§12.2.1.1, loose routing only).
 */
public final class Dialog {
    private final String callId;
    private final String localTag;
    private final String remoteTag;
    private final String localUri;
    private final String remoteUri;
    private final List<String> routeSet;
    private String remoteTarget;
    private long localCseq;
    private long remoteCseq = -1;

    private Dialog(String callId, String localTag, String remoteTag, String localUri, String remoteUri,
                   String remoteTarget, List<String> routeSet, long localCseq) {
        this.callId = callId;
        this.localTag = localTag;
        this.remoteTag = remoteTag;
        this.localUri = localUri;
        this.remoteUri = remoteUri;
        this.remoteTarget = remoteTarget;
        this.routeSet = routeSet;
        this.localCseq = localCseq;
    }

    /** UAC side, from the INVITE sent and its 2xx: the route set is the Record-Route list reversed (§12.1.2). */
    public static Dialog asCaller(SipRequest invite, SipResponse ok) throws SyntaxError {
        List<String> rr = new ArrayList<>();
        for (String v : ok.headers().values("Record-Route")) {
            rr.add(v);
        }
        Collections.reverse(rr);
        NameAddr from = NameAddr.parse(invite.header("From").orElseThrow(() -> new SyntaxError("no From")));
        NameAddr to = NameAddr.parse(ok.header("To").orElseThrow(() -> new SyntaxError("no To")));
        String target = contactUri(ok);
        return new Dialog(invite.callId(), from.tag().orElse(""), to.tag().orElse(""), from.uri(), to.uri(),
                target == null ? to.uri() : target, List.copyOf(rr), invite.cseq().map(c -> c.number()).orElse(1L));
    }

    /** UAS side, from the INVITE received and our To tag: the route set is the Record-Route list in order. */
    public static Dialog asCallee(SipRequest invite, String localTag) throws SyntaxError {
        NameAddr from = NameAddr.parse(invite.header("From").orElseThrow(() -> new SyntaxError("no From")));
        NameAddr to = NameAddr.parse(invite.header("To").orElseThrow(() -> new SyntaxError("no To")));
        String target = contactUri(invite);
        Dialog d = new Dialog(invite.callId(), localTag, from.tag().orElse(""), to.uri(), from.uri(),
                target == null ? from.uri() : target, List.copyOf(invite.headers().values("Record-Route")), 0);
        d.remoteCseq = invite.cseq().map(c -> c.number()).orElse(0L);
        return d;
    }

    private static String contactUri(dialtone.sip.message.SipMessage m) throws SyntaxError {
        List<String> contacts = m.headers().values("Contact");
        return contacts.isEmpty() ? null : NameAddr.parse(contacts.get(0)).uri();
    }

    public String callId() {
        return callId;
    }

    public String localTag() {
        return localTag;
    }

    public String remoteTag() {
        return remoteTag;
    }

    /** True when an inbound request belongs to this dialog (Call-ID and both tags, §12.2.2). */
    public boolean matches(SipRequest r) {
        if (!r.callId().equals(callId)) {
            return false;
        }
        String to = r.to().flatMap(NameAddr::tag).orElse("");
        String from = r.from().flatMap(NameAddr::tag).orElse("");
        return to.equals(localTag) && from.equals(remoteTag);
    }

    /**
     * Checks and records the CSeq of an inbound request: "If the remote sequence number is not empty, but the
     * sequence number of the request is lower than the remote sequence number, the request is out of order and
     * MUST be rejected with a 500 (Server Internal Error) response." (§12.2.2)
     */
    public boolean acceptRemoteCseq(SipRequest r) {
        long n = r.cseq().map(c -> c.number()).orElse(-1L);
        if (r.is("ACK") || r.is("CANCEL")) {
            return true;
        }
        if (remoteCseq >= 0 && n < remoteCseq) {
            return false;
        }
        remoteCseq = n;
        return true;
    }

    public void updateTarget(SipRequest refresh) {
        try {
            String t = contactUri(refresh);
            if (t != null) {
                remoteTarget = t;
            }
        } catch (SyntaxError e) {
            // keep the old target
        }
    }

    public long nextCseq() {
        return ++localCseq;
    }

    public long currentCseq() {
        return localCseq;
    }

    public String remoteTarget() {
        return remoteTarget;
    }

    public String from() {
        return "<" + localUri + ">;tag=" + localTag;
    }

    public String to() {
        return "<" + remoteUri + ">;tag=" + remoteTag;
    }

    /** Route headers for a request in this dialog; the Request-URI is the remote target (loose routing). */
    public List<Header> routeHeaders() {
        List<Header> out = new ArrayList<>();
        for (String r : routeSet) {
            out.add(new Header("Route", r));
        }
        return out;
    }

    /** The ACK for a 2xx (§13.2.2.4): CSeq number of the INVITE, a new branch, the route set. */
    public SipRequest ack(long inviteCseq, String via, String userAgent) {
        List<Header> h = new ArrayList<>();
        h.add(new Header("Via", via));
        h.add(new Header("Max-Forwards", "70"));
        h.addAll(routeHeaders());
        h.add(new Header("To", to()));
        h.add(new Header("From", from()));
        h.add(new Header("Call-ID", callId));
        h.add(new Header("CSeq", inviteCseq + " ACK"));
        if (userAgent != null) {
            h.add(new Header("User-Agent", userAgent));
        }
        return new SipRequest("ACK", remoteTarget, new Headers(h), new byte[0]);
    }
}
