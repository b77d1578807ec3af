package dialtone.probe;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import dialtone.support.PacketTap;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Carries STUN/TURN messages to one server over UDP (retransmitted, RFC 8489 §6.2.1), TCP or TLS (framed by the
 * STUN length, RFC 8489 §6.2.2; TLS with the run's trust and host name verification).
 */
abstract class StunTransport implements AutoCloseable {
    private PacketTap tap = PacketTap.NONE;

    /** Copies of every message sent and received go to {@code tap} (for --pcap). */
    StunTransport tapped(PacketTap t) {
        this.tap = t == null ? PacketTap.NONE : t;
        return this;
    }

    final void send(byte[] msg) throws IOException {
        doSend(msg);
        tapped(true, msg);
    }

    /** The next message, or null on timeout. */
    final byte[] receive(Duration timeout) throws IOException {
        byte[] m = doReceive(timeout);
        if (m != null) {
            tapped(false, m);
        }
        return m;
    }

    private void tapped(boolean outbound, byte[] msg) {
        if (tap != PacketTap.NONE) {
            tap.packet(Instant.now(), name(), local(), remote(), outbound, msg.clone());
        }
    }

    abstract void doSend(byte[] msg) throws IOException;

    abstract byte[] doReceive(Duration timeout) throws IOException;

    abstract InetSocketAddress local();

    abstract InetSocketAddress remote();

    abstract boolean reliable();

    abstract String name();

    @Override
    public abstract void close() throws IOException;

    static StunTransport open(String transport, InetSocketAddress server, SSLContext ssl, String host, Duration timeout,
                              PacketTap tap) throws IOException {
        StunTransport t = switch (transport) {
            case "udp" -> new Udp(server);
            case "tcp" -> new Stream(server, null, null, timeout);
            case "tls" -> new Stream(server, ssl, host, timeout);
            default -> throw new IllegalArgumentException(transport);
        };
        return t.tapped(tap);
    }

    static final class Udp extends StunTransport {
        private final DatagramSocket socket;
        private final InetSocketAddress server;

        private final boolean owned;

        Udp(InetSocketAddress server) throws IOException {
            this(server, new DatagramSocket(), true);
        }

        /** On a socket shared with other checks (the mapping test needs one local port for two servers). */
        Udp(InetSocketAddress server, DatagramSocket socket, boolean owned) throws IOException {
            this.server = server;
            this.socket = socket;
            this.owned = owned;
            // connected: an ICMP port unreachable comes back as PortUnreachableException at once, instead of a
            // silent wait for the deadline (the local port stays the same, which the mapping test needs)
            socket.connect(server);
        }

        @Override
        void doSend(byte[] msg) throws IOException {
            socket.send(new DatagramPacket(msg, msg.length, server));
        }

        @Override
        InetSocketAddress local() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        InetSocketAddress remote() {
            return server;
        }

        @Override
        byte[] doReceive(Duration timeout) throws IOException {
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return java.util.Arrays.copyOf(buf, p.getLength());
        }

        @Override
        boolean reliable() {
            return false;
        }

        @Override
        String name() {
            return "udp";
        }

        @Override
        public void close() {
            if (owned) {
                socket.close();
            } else {
                socket.disconnect();
            }
        }
    }

    static final class Stream extends StunTransport {
        private final Socket socket;
        private final OutputStream out;
        private final DataInputStream in;
        private final boolean tls;

        Stream(InetSocketAddress server, SSLContext ssl, String host, Duration timeout) throws IOException {
            Socket s = new Socket();
            s.connect(server, (int) timeout.toMillis());
            if (ssl != null) {
                SSLSocket t = (SSLSocket) ssl.getSocketFactory().createSocket(s, host, server.getPort(), true);
                SSLParameters p = t.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                t.setSSLParameters(p);
                t.setSoTimeout((int) timeout.toMillis());
                t.startHandshake();
                s = t;
            }
            this.tls = ssl != null;
            this.socket = s;
            this.out = s.getOutputStream();
            this.in = new DataInputStream(s.getInputStream());
        }

        @Override
        void doSend(byte[] msg) throws IOException {
            out.write(msg);
            out.flush();
        }

        @Override
        InetSocketAddress local() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        InetSocketAddress remote() {
            return (InetSocketAddress) socket.getRemoteSocketAddress();
        }

        @Override
        byte[] doReceive(Duration timeout) throws IOException {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            try {
                byte[] head = new byte[4];
                in.readFully(head);
                int len;
                if ((head[0] & 0xC0) == 0x40) {
                    // ChannelData (RFC 8656 §12): padded to 4 octets over streams
                    len = (((head[2] & 0xff) << 8) | (head[3] & 0xff) + 3) & ~3;
                } else {
                    len = 16 + (((head[2] & 0xff) << 8) | (head[3] & 0xff));
                }
                if (len > 65_535) {
                    throw new IOException("frame too large");
                }
                byte[] rest = new byte[len];
                in.readFully(rest);
                return StunMessage.concat(head, rest);
            } catch (SocketTimeoutException e) {
                return null;
            }
        }

        @Override
        boolean reliable() {
            return true;
        }

        @Override
        String name() {
            return tls ? "tls" : "tcp";
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
