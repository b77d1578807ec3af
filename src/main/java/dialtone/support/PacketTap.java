package dialtone.support;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * Receives copies of the packets dialtone itself sends and receives outside SIP (the STUN and TURN messages of
 * {@code probe}), for {@code --pcap}. Called on the thread that sent or received; implementations must be
 * thread-safe and quick, and never throw.
 */
public interface PacketTap {
    PacketTap NONE = (at, transport, local, remote, outbound, payload) -> { };

    /**
     * @param transport {@code udp}, {@code tcp} or {@code tls} (the payload is what TLS carried, decrypted)
     * @param local     this end (may be a wildcard address when the socket's was not known)
     * @param outbound  true when dialtone sent it
     */
    void packet(Instant at, String transport, InetSocketAddress local, InetSocketAddress remote, boolean outbound,
                byte[] payload);
}
