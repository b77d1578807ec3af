package dialtone.probe;

import dialtone.config.IceUrl;
import dialtone.support.PacketTap;
import dialtone.support.TlsErrors;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** The STUN and TURN checks of {@code dialtone probe}, each returning a {@link Outcome}. Blocking; bounded. */
public final class NetworkChecks {
    /** A check's outcome: passed, detail line, facts. */
    public record Outcome(boolean passed, String detail, Map<String, Object> facts) {
    }

    private NetworkChecks() {
    }

    public static Outcome stunBinding(IceUrl url, Duration timeout, PacketTap tap) {
        Map<String, Object> facts = new LinkedHashMap<>();
        try (TurnClient c = new TurnClient(StunTransport.open("udp", address(url), null, url.host(), timeout, tap), timeout)) {
            TurnClient.Result r = c.binding();
            if (r.response() == null) {
                return new Outcome(false, "no answer over UDP within " + timeout.toSeconds() + " s (UDP blocked?)", facts);
            }
            InetSocketAddress mapped = r.response().xorAddress(StunMessage.XOR_MAPPED_ADDRESS).orElse(null);
            facts.put("rttMs", r.rttMs());
            if (mapped != null) {
                facts.put("mapped", mapped.getAddress().getHostAddress() + ":" + mapped.getPort());
            }
            return new Outcome(mapped != null, mapped == null ? "answer without XOR-MAPPED-ADDRESS"
                    : "mapped " + facts.get("mapped") + ", rtt " + r.rttMs() + " ms", facts);
        } catch (IOException | RuntimeException e) {
            return new Outcome(false, explain(e, url), facts);
        }
    }

    /**
     * NAT mapping behaviour (RFC 4787 §4.1, as RFC 5780 tests it): bindings to two servers from one local port. The
     * same mapped address and port from both means endpoint-independent mapping (direct media is likely to work
     * through this NAT); different ones mean the mapping depends on the destination.
     */
    public static Outcome mapping(IceUrl a, IceUrl b, Duration timeout, PacketTap tap) {
        Map<String, Object> facts = new LinkedHashMap<>();
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
            String[] mapped = new String[2];
            IceUrl[] urls = {a, b};
            for (int i = 0; i < 2; i++) {
                try (TurnClient c = new TurnClient(new StunTransport.Udp(address(urls[i]), socket, false).tapped(tap), timeout)) {
                    TurnClient.Result r = c.binding();
                    InetSocketAddress m = r.response() == null ? null : r.response().xorAddress(StunMessage.XOR_MAPPED_ADDRESS).orElse(null);
                    if (m == null) {
                        return new Outcome(false, "no mapped address from " + urls[i].hostPort(), facts);
                    }
                    mapped[i] = m.getAddress().getHostAddress() + ":" + m.getPort();
                }
            }
            boolean same = mapped[0].equals(mapped[1]);
            facts.put("mappedA", mapped[0]);
            facts.put("mappedB", mapped[1]);
            facts.put("mapping", same ? "endpoint-independent" : "address/port-dependent");
            return new Outcome(true, same ? "endpoint-independent mapping (" + mapped[0] + " from both servers)"
                    : "mapping depends on the destination (" + mapped[0] + " vs " + mapped[1] + "): expect to need TURN", facts);
        } catch (IOException | RuntimeException e) {
            return new Outcome(false, explain(e, a), facts);
        }
    }

    /** Allocate over one transport, relay media-sized packets through it, release it. */
    public static Outcome turn(IceUrl url, String transport, String user, String password, SSLContext ssl,
                               Duration timeout, int echoPackets, PacketTap tap) {
        Map<String, Object> facts = new LinkedHashMap<>();
        try (TurnClient c = new TurnClient(StunTransport.open(transport, address(url), ssl, url.host(), timeout, tap), timeout)) {
            TurnClient.Result r = c.allocate(user, password);
            if (r.response() == null || r.response().messageClass() != StunMessage.SUCCESS) {
                String why = TurnClient.describe(r);
                facts.put("error", why);
                return new Outcome(false, "allocation refused: " + why + hint(why), facts);
            }
            StunMessage ok = r.response();
            InetSocketAddress relayed = ok.xorAddress(StunMessage.XOR_RELAYED_ADDRESS).orElse(null);
            int lifetime = ok.integer(StunMessage.LIFETIME).orElse(-1);
            facts.put("relayed", relayed == null ? null : relayed.getAddress().getHostAddress() + ":" + relayed.getPort());
            facts.put("lifetime", lifetime);
            facts.put("rttMs", r.rttMs());
            String detail = "relayed " + facts.get("relayed") + ", lifetime " + lifetime + " s";
            if (echoPackets > 0 && relayed != null) {
                // the echo peer: a second allocation on the same server and transport
                List<Double> rtts;
                try (TurnClient peer = new TurnClient(StunTransport.open(transport, address(url), ssl, url.host(), timeout, tap), timeout)) {
                    TurnClient.Result pr = peer.allocate(user, password);
                    InetSocketAddress peerRelayed = pr.response() == null || pr.response().messageClass() != StunMessage.SUCCESS
                            ? null : pr.response().xorAddress(StunMessage.XOR_RELAYED_ADDRESS).orElse(null);
                    if (peerRelayed == null) {
                        c.releaseQuietly();
                        return new Outcome(true, detail + "; relay echo not measured: a second allocation was refused ("
                                + TurnClient.describe(pr) + ")", facts);
                    }
                    try {
                        rtts = c.echo(relayed, peer, peerRelayed, echoPackets, 172);
                    } catch (TurnClient.EchoRefused e) {
                        peer.releaseQuietly();
                        c.releaseQuietly();
                        return new Outcome(true, detail + "; relay echo not measured: " + e.getMessage()
                                + " (the server's peer rules)", facts);
                    }
                    peer.releaseQuietly();
                }
                double loss = 100.0 * (echoPackets - rtts.size()) / echoPackets;
                double avg = rtts.stream().mapToDouble(Double::doubleValue).average().orElse(-1);
                double jitter = 0;
                for (int i = 1; i < rtts.size(); i++) {
                    jitter += Math.abs(rtts.get(i) - rtts.get(i - 1));
                }
                jitter = rtts.size() > 1 ? jitter / (rtts.size() - 1) : 0;
                facts.put("echoSent", echoPackets);
                facts.put("echoLossPercent", Math.round(loss * 10) / 10.0);
                facts.put("echoRttMs", Math.round(avg * 100) / 100.0);
                facts.put("echoJitterMs", Math.round(jitter * 100) / 100.0);
                detail += String.format(", relay echo %d/%d back, rtt %.2f ms, jitter %.2f ms", rtts.size(), echoPackets,
                        avg, jitter);
                c.releaseQuietly();
                return new Outcome(rtts.size() > 0, rtts.isEmpty() ? detail + ": nothing came back through the relay" : detail, facts);
            }
            c.releaseQuietly();
            return new Outcome(true, detail, facts);
        } catch (IOException | RuntimeException e) {
            return new Outcome(false, explain(e, url), facts);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted", facts);
        }
    }

    private static String hint(String why) {
        if (why.startsWith("401")) {
            return " (wrong TURN username or password?)";
        }
        if (why.startsWith("403")) {
            return " (forbidden for this address or user)";
        }
        if (why.startsWith("437")) {
            return " (allocation mismatch)";
        }
        if (why.startsWith("441")) {
            return " (wrong credentials)";
        }
        if (why.startsWith("486")) {
            return " (allocation quota reached)";
        }
        return "";
    }

    static InetSocketAddress address(IceUrl url) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(url.host()), url.port());
    }

    static String explain(Exception e, IceUrl url) {
        String tls = TlsErrors.explain(e);
        if (tls != null) {
            return "TLS to " + url.hostPort() + " failed: " + tls;
        }
        if (e.getMessage() != null && e.getMessage().contains("Operation not permitted")) {
            return "sending to " + url.hostPort() + " was refused by this host (EPERM): a local firewall blocks it";
        }
        if (e instanceof java.net.PortUnreachableException) {
            return "port unreachable: nothing listens on UDP " + url.hostPort() + " (ICMP)";
        }
        if (e instanceof ConnectException) {
            return "cannot connect to " + url.hostPort() + ": connection refused";
        }
        if (e instanceof java.net.SocketTimeoutException) {
            return "no answer from " + url.hostPort() + " in time";
        }
        if (e instanceof java.net.UnknownHostException) {
            return "cannot resolve " + url.host();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
