package dialtone.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/** The WebSocket (RFC 7118) connection to the SIP server. */
public sealed interface TransportEvent extends Event {
    @JsonTypeName("transport.connecting")
    record Connecting(Instant at, String scenario, String url, int attempt) implements TransportEvent {}

    /**
     * The upgrade succeeded. {@code tls} is null on ws:// (loopback only); {@code localAddress} and
     * {@code remoteAddress} are the TCP connection's ends ("ip:port", IPv6 in brackets), null when unknown.
     */
    @JsonTypeName("transport.connected")
    record Connected(Instant at, String scenario, String url, String subprotocol, long handshakeMs, TlsFacts tls,
                     String localAddress, String remoteAddress) implements TransportEvent {}

    /** The socket closed; {@code byLocal} tells who closed it. */
    @JsonTypeName("transport.closed")
    record Closed(Instant at, String scenario, int code, String reason, boolean byLocal) implements TransportEvent {}

    /** A connection attempt failed. */
    @JsonTypeName("transport.failed")
    record Failed(Instant at, String scenario, Failure failure) implements TransportEvent {}

    /** The socket dropped; the next attempt is scheduled. */
    @JsonTypeName("transport.reconnecting")
    record Reconnecting(Instant at, String scenario, int attempt, long delayMs) implements TransportEvent {}
}
