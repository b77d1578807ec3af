package dialtone.testing;

import dialtone.sip.message.SipMessage;
import dialtone.sip.message.SipRequest;
import dialtone.sip.parser.ParseResult;
import dialtone.sip.parser.SipParser;
import dialtone.sip.transport.SipTransport;
import dialtone.sip.transport.TransportListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An in-memory transport: records what the UA sends, and lets the test play the server. */
public final class FakeTransport implements SipTransport {
    public final List<String> sent = new ArrayList<>();
    public TransportListener listener;
    public boolean connected;
    public boolean failNextConnect;
    public int connects;

    public FakeTransport(TransportListener listener) {
        this.listener = listener;
    }

    @Override
    public void connect() {
        connects++;
        if (failNextConnect) {
            failNextConnect = false;
            listener.onConnectFailed(dialtone.event.Failure.of(dialtone.event.Layer.TRANSPORT,
                    dialtone.event.Cause.CONNECTION_ERROR, "refused"));
            return;
        }
        connected = true;
        listener.onConnected("sip", 1, null, "127.0.0.1:50000", "127.0.0.1:5443");
    }

    @Override
    public boolean send(String message) {
        if (!connected) {
            return false;
        }
        sent.add(message);
        return true;
    }

    @Override
    public void close() {
        if (connected) {
            connected = false;
            listener.onClosed(1000, "bye", true);
        }
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public String viaTransport() {
        return "WSS";
    }

    /** The server side drops the socket. */
    public void drop() {
        connected = false;
        listener.onClosed(1006, "", false);
    }

    public SipMessage last() {
        return parse(sent.get(sent.size() - 1));
    }

    public SipRequest lastRequest() {
        for (int i = sent.size() - 1; i >= 0; i--) {
            SipMessage m = parse(sent.get(i));
            if (m instanceof SipRequest r) {
                return r;
            }
        }
        throw new AssertionError("no request sent");
    }

    public static SipMessage parse(String text) {
        ParseResult r = new SipParser().parse(text.getBytes(StandardCharsets.UTF_8));
        if (r instanceof ParseResult.Ok ok) {
            return ok.message();
        }
        throw new AssertionError("unparseable: " + r + "\n" + text);
    }

    /** Delivers a message from the "server". */
    public void deliver(String text) {
        listener.onMessage(text.replace("\n", "\r\n").replace("\r\r\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
