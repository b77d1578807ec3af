package dialtone.sip.message;

/** A SIP request. {@code uri} is the Request-URI as text. */
public record SipRequest(String method, String uri, Headers headers, byte[] body) implements SipMessage {
    @Override
    public String startLine() {
        return method + " " + uri + " SIP/2.0";
    }

    public boolean is(String m) {
        return method.equals(m);
    }
}
