package dialtone.sip.transport;

/** A connection-oriented SIP transport (RFC 7118 WebSocket). Methods are called on the UA loop. */
public interface SipTransport {
    /** Starts connecting; the outcome arrives through the listener. */
    void connect();

    /** Queues one message for sending; false if the transport is not connected. */
    boolean send(String message);

    /** Closes from our side; {@code onClosed(byLocal=true)} follows. */
    void close();

    boolean isConnected();

    /** The Via transport token ({@code WSS} or {@code WS}) and the Contact transport param ({@code ws}). */
    String viaTransport();
}
