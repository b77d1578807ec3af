package dialtone.testing;

import dialtone.sip.message.SipMessage;

/** A registrar's or proxy's response to a request the UA sent, for tests that play the server. */
public final class SipReplies {
    private SipReplies() {
    }

    public static String reply(SipMessage r, int status, String reason, String... extra) {
        StringBuilder sb = new StringBuilder("SIP/2.0 " + status + " " + reason + "\n");
        for (String v : r.headers().lines("Via")) {
            sb.append("Via: ").append(v).append(";received=192.0.2.1\n");
        }
        sb.append("From: ").append(r.header("From").orElseThrow()).append('\n');
        sb.append("To: ").append(r.header("To").orElseThrow()).append(";tag=srv\n");
        sb.append("Call-ID: ").append(r.callId()).append('\n');
        sb.append("CSeq: ").append(r.header("CSeq").orElseThrow()).append('\n');
        for (String e : extra) {
            sb.append(e).append('\n');
        }
        return sb.append("Content-Length: 0\n\n").toString();
    }
}
