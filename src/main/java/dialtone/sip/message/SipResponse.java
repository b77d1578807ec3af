package dialtone.sip.message;

/** A SIP response. */
public record SipResponse(int status, String reason, Headers headers, byte[] body) implements SipMessage {
    @Override
    public String startLine() {
        return "SIP/2.0 " + status + " " + reason;
    }

    public boolean isProvisional() {
        return status < 200;
    }
}
