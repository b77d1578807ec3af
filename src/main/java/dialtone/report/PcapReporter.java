package dialtone.report;

import dialtone.event.Event;
import dialtone.event.EventSink;
import dialtone.event.SipEvent;
import dialtone.event.TransportEvent;
import dialtone.support.OutputFile;
import dialtone.support.PacketTap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code --pcap FILE}: the SIP messages of the run exactly as sent and received (WebSocket text frames, after
 * TLS), between the connection's real addresses and ports, and the STUN/TURN messages {@code probe} exchanges,
 * in a pcapng file that Wireshark and tshark dissect without any setting ({@link Pcapng}). Written when the run
 * ends, in time order, into a new file renamed over FILE at the end ({@link OutputFile}).
 *
 * <p>Redaction: like every other output, the run's secrets (password, TURN credential, URL token) are masked, the
 * credential parameters of Authorization headers are masked, and STUN MESSAGE-INTEGRITY values are zeroed;
 * {@code --pcap-unredacted} keeps the Authorization parameters and the integrity values (the hashes a server
 * would check) but still never writes the secrets themselves. The file's comment says which.
 */
public final class PcapReporter implements EventSink, PacketTap {
    /** Beyond this many bytes of packets, capture stops (the file's comment says so in advance). */
    static final long MAX_BYTES = 16L << 20;
    /**
     * Packets wait this long in a small buffer to be written in time order (SIP events reach the reporter a little
     * after probe's STUN packets of the same moment); the buffer also flushes beyond {@link #BUFFER_BYTES}. The file
     * is written as the run goes, so a flood costs disk, bounded by {@link #MAX_BYTES}, not memory.
     */
    static final long REORDER_NANOS = 1_000_000_000L;
    static final long BUFFER_BYTES = 4L << 20;

    private record Pkt(Instant at, long seq, String dissector, InetSocketAddress src, InetSocketAddress dst,
                       int portType, boolean outbound, byte[] pdu, String comment) {
    }

    private record Conn(InetSocketAddress local, InetSocketAddress remote, String label) {
    }

    private static final InetSocketAddress UNKNOWN = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final Path file;
    private OutputFile tmp;
    private final Redactor redactor;
    private final boolean unredacted;
    private final java.util.PriorityQueue<Pkt> pending = new java.util.PriorityQueue<>(
            Comparator.comparing(Pkt::at).thenComparingLong(Pkt::seq));
    private final Map<String, Conn> connections = new HashMap<>();
    private java.io.OutputStream out;
    private Pcapng writer;
    private IOException failed;
    private Instant newest = Instant.EPOCH;
    private long buffered;
    private long written;
    private long seq;
    private long dropped;

    private final long maxBytes;

    public PcapReporter(Path file, Redactor redactor, boolean unredacted, String application) {
        this(file, redactor, unredacted, application, MAX_BYTES);
    }

    PcapReporter(Path file, Redactor redactor, boolean unredacted, String application, long maxBytes) {
        this.maxBytes = maxBytes;
        this.file = file;
        this.redactor = redactor;
        this.unredacted = unredacted;
        String comment = "Written by dialtone. SIP messages as sent and received over the WebSocket (RFC 7118; for "
                + "wss:// after TLS), between the connection's real addresses; STUN/TURN messages of dialtone probe. "
                + "Each packet is an exported PDU (link type 252): no TCP, TLS or WebSocket framing is shown. "
                + (unredacted
                ? "UNREDACTED (--pcap-unredacted): Authorization parameters and STUN integrity values are as sent; "
                + "the password, TURN credential and URL token are still masked."
                : "Redacted: credential parameters of Authorization headers are *** and STUN MESSAGE-INTEGRITY values "
                + "are zeroed, as in --sip-trace; --pcap-unredacted keeps them.")
                + " At most " + (maxBytes >> 20) + " MB of packets are written; a flood beyond that is left out.";
        try {
            tmp = OutputFile.create(file, OutputFile.Existing.REPLACE);
            out = new java.io.BufferedOutputStream(tmp.stream(), 1 << 16);
            writer = new Pcapng(out, comment, application);
        } catch (IOException ex) {
            failed = ex;
        }
    }

    @Override
    public void accept(Event e) {
        if (e instanceof TransportEvent.Connected c) {
            boolean tls = c.url() != null && c.url().regionMatches(true, 0, "wss:", 0, 4);
            synchronized (this) {
                connections.put(c.scenario(), new Conn(address(c.localAddress()), remoteOf(c), tls
                        ? "SIP over WebSocket (RFC 7118): a text frame, TLS-decrypted"
                        : "SIP over WebSocket (RFC 7118): a text frame (ws:// on loopback)"));
            }
        } else if (e instanceof SipEvent.Sent s) {
            sip(s.at(), s.scenario(), true, s.raw());
        } else if (e instanceof SipEvent.Received r) {
            sip(r.at(), r.scenario(), false, r.raw());
        }
    }

    private void sip(Instant at, String scenario, boolean outbound, String raw) {
        Conn c;
        synchronized (this) {
            if (written >= maxBytes) {
                dropped++;
                return; // not even redacted: a flood past the bound costs nothing
            }
            c = connections.getOrDefault(scenario, new Conn(UNKNOWN, UNKNOWN, "SIP over WebSocket (addresses unknown)"));
        }
        String text = unredacted ? redactor.redactSecrets(raw) : redactor.redact(raw);
        add(new Pkt(at, 0, "sip", outbound ? c.local() : c.remote(), outbound ? c.remote() : c.local(),
                Pcapng.PORT_TCP, outbound, text.getBytes(StandardCharsets.UTF_8), c.label()));
    }

    @Override
    public void packet(Instant at, String transport, InetSocketAddress local, InetSocketAddress remote, boolean outbound,
                       byte[] payload) {
        try {
            boolean udp = "udp".equals(transport);
            byte[] pdu = maskStun(payload);
            add(new Pkt(at, 0, udp ? "stun-udp" : "stun-tcp", outbound ? orUnknown(local) : orUnknown(remote),
                    outbound ? orUnknown(remote) : orUnknown(local), udp ? Pcapng.PORT_UDP : Pcapng.PORT_TCP, outbound,
                    pdu, "tls".equals(transport) ? "STUN/TURN over TLS, decrypted" : null));
        } catch (RuntimeException ex) {
            // a capture must never break the probe
        }
    }

    private synchronized void add(Pkt p) {
        pending.add(new Pkt(p.at(), seq++, p.dissector(), p.src(), p.dst(), p.portType(), p.outbound(), p.pdu(),
                p.comment()));
        buffered += p.pdu().length;
        if (p.at().isAfter(newest)) {
            newest = p.at();
        }
        Instant due = newest.minusNanos(REORDER_NANOS);
        while (!pending.isEmpty() && (pending.peek().at().isBefore(due) || buffered > BUFFER_BYTES)) {
            write(pending.poll());
        }
    }

    private void write(Pkt k) {
        buffered -= k.pdu().length;
        if (failed != null) {
            return;
        }
        if (written + k.pdu().length > maxBytes) {
            dropped++;
            written = maxBytes;
            return;
        }
        written += k.pdu().length;
        try {
            writer.packet(k.at(), k.dissector(), k.src(), k.dst(), k.portType(), k.outbound(), k.pdu(), k.comment());
        } catch (IOException ex) {
            failed = ex;
        }
    }

    /**
     * A copy with the run's secrets overwritten (same length, so the STUN lengths stay right) and, unless
     * unredacted, the MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256 values zeroed.
     */
    byte[] maskStun(byte[] in) {
        byte[] b = in.clone();
        String latin = new String(b, StandardCharsets.ISO_8859_1);
        String masked = redactor.maskSecretsSameLength(latin);
        if (!masked.equals(latin)) {
            b = masked.getBytes(StandardCharsets.ISO_8859_1);
        }
        if (unredacted || b.length < 20 || (b[0] & 0xC0) != 0) {
            return b; // ChannelData (relayed media) carries no credential
        }
        int len = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        int end = Math.min(b.length, 20 + len);
        int i = 20;
        while (i + 4 <= end) {
            int type = ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
            int alen = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            int v = i + 4;
            if (v + alen > end) {
                break;
            }
            if (type == 0x0008 || type == 0x001C) {
                java.util.Arrays.fill(b, v, v + alen, (byte) 0);
            } else if (type == 0x8028 && alen == 4) {
                // FINGERPRINT covers the zeroed integrity: recomputed, so the message stays well-formed (RFC 8489 §14.7)
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(b, 0, i);
                int fp = (int) crc.getValue() ^ 0x5354554e;
                b[v] = (byte) (fp >>> 24);
                b[v + 1] = (byte) (fp >>> 16);
                b[v + 2] = (byte) (fp >>> 8);
                b[v + 3] = (byte) fp;
            }
            i = v + ((alen + 3) & ~3);
        }
        return b;
    }

    /** How many packets the bound left out (for tests). */
    synchronized long dropped() {
        return dropped;
    }

    @Override
    public void close() {
        synchronized (this) {
            while (!pending.isEmpty()) {
                write(pending.poll());
            }
        }
        try {
            if (failed != null) {
                throw failed;
            }
            out.flush();
            tmp.commit();
        } catch (IOException ex) {
            if (tmp != null) {
                tmp.discard();
            }
            throw new UncheckedIOException("cannot write the pcapng file " + file + ": " + ex.getMessage(), ex);
        }
    }

    private static InetSocketAddress orUnknown(InetSocketAddress a) {
        return a == null || a.getAddress() == null ? UNKNOWN : a;
    }

    private static InetSocketAddress remoteOf(TransportEvent.Connected c) {
        InetSocketAddress a = address(c.remoteAddress());
        if (a != UNKNOWN || c.url() == null) {
            return a;
        }
        try {
            // Tyrus shaped differently: the URL's host when it is an IP literal, its port
            URI u = URI.create(c.url());
            String h = u.getHost();
            if (h != null && h.matches("[0-9.]+|\\[[0-9a-fA-F:.]+\\]")) {
                int port = u.getPort() > 0 ? u.getPort() : "wss".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
                return new InetSocketAddress(InetAddress.getByName(h.replace("[", "").replace("]", "")), port);
            }
        } catch (IllegalArgumentException | IOException ex) {
            // unknown
        }
        return UNKNOWN;
    }

    /** "ip:port" or "[v6]:port" as the transport event gives it; a literal, never a name lookup. */
    static InetSocketAddress address(String hostPort) {
        if (hostPort == null) {
            return UNKNOWN;
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            return UNKNOWN;
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (!host.matches("[0-9.]+|[0-9a-fA-F:.]+") || port < 0 || port > 65535) {
                return UNKNOWN;
            }
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (IOException | NumberFormatException ex) {
            return UNKNOWN;
        }
    }
}
