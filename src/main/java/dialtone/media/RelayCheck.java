package dialtone.media;

import dialtone.config.IceServer;
import dialtone.config.IceUrl;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * Whether the TURN server of a relayed media path still answers, asked from outside libwebrtc: a STUN Binding request
 * to its UDP port (any answer, even an error, is a live server; an ICMP "port unreachable" or silence is not), or a TCP
 * connection to its TCP/TLS port. Blocking (about a second at most): call it on a thread of its own, never the UA loop.
 */
public final class RelayCheck {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RelayCheck() {
    }

    /**
     * True when one of the TURN servers that {@code relayProtocol} ({@code udp}, {@code tcp}, {@code tls}) reaches
     * answers within {@code max}; null when no configured server fits (nothing to ask).
     */
    public static Boolean answers(List<IceServer> servers, String relayProtocol, Duration max) {
        Boolean any = null;
        for (IceServer s : servers) {
            IceUrl url = s.url();
            if (!url.turn() || !fits(url, relayProtocol)) {
                continue;
            }
            String how = relayProtocol != null ? relayProtocol.toLowerCase(java.util.Locale.ROOT) : transport(url);
            boolean ok = "udp".equals(how) ? udp(url.host(), url.port(), max) : tcp(url.host(), url.port(), max);
            if (ok) {
                return true;
            }
            any = false;
        }
        return any;
    }

    private static String transport(IceUrl u) {
        if ("turns".equals(u.scheme())) {
            return "tls";
        }
        return u.transport() == null ? "udp" : u.transport();
    }

    private static boolean fits(IceUrl u, String relayProtocol) {
        if (relayProtocol == null) {
            return true;
        }
        String r = relayProtocol.toLowerCase(java.util.Locale.ROOT);
        return "turns".equals(u.scheme()) ? r.equals("tls") : u.transport() == null ? !r.equals("tls") : r.equals(u.transport());
    }

    static boolean udp(String host, int port, Duration max) {
        byte[] req = new byte[20];
        req[1] = 0x01; // Binding request, no attributes
        req[4] = 0x21;
        req[5] = 0x12;
        req[6] = (byte) 0xA4;
        req[7] = 0x42;
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        System.arraycopy(id, 0, req, 8, 12);
        try (DatagramSocket d = new DatagramSocket()) {
            d.connect(new InetSocketAddress(host, port));
            long end = System.nanoTime() + max.toNanos();
            byte[] buf = new byte[1500];
            while (System.nanoTime() < end) {
                d.send(new DatagramPacket(req, req.length));
                d.setSoTimeout((int) Math.max(1, Math.min(300, (end - System.nanoTime()) / 1_000_000)));
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    d.receive(p);
                    if (p.getLength() >= 20 && buf[4] == 0x21 && buf[5] == 0x12 && java.util.Arrays.equals(
                            java.util.Arrays.copyOfRange(buf, 8, 20), id)) {
                        return true;
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // ask again
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false; // port unreachable, no route, unresolvable: not answering
        }
    }

    static boolean tcp(String host, int port, Duration max) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) Math.max(1, max.toMillis()));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
