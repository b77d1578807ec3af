package dialtone.sip.transport;

import dialtone.event.Failure;
import dialtone.event.TlsFacts;

/** What a transport reports upward. Always called on the UA loop. */
public interface TransportListener {
    /** {@code local} and {@code remote} are the connection's addresses ("ip:port"), null when unknown. */
    void onConnected(String subprotocol, long handshakeMs, TlsFacts tls, String local, String remote);

    void onConnectFailed(Failure failure);

    /** One whole SIP message (RFC 7118: one per WebSocket message), as octets. */
    void onMessage(byte[] data);

    void onClosed(int code, String reason, boolean byLocal);
}
