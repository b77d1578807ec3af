package dialtone.report;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Writes a pcapng file (the IETF pcapng draft; Wireshark's native format) of upper-layer PDUs: one interface of
 * link type {@code LINKTYPE_WIRESHARK_UPPER_PDU} (252), each packet a list of tags naming the dissector
 * ({@code sip}, {@code stun-udp}, {@code stun-tcp}), the IP addresses, the port type and ports, then the PDU.
 * That is what Wireshark's own "Export PDUs to File" writes: tshark dissects it as SIP with the real addresses and
 * ports and no setting, and nothing of TCP, TLS or WebSocket framing is invented that was not seen.
 *
 * <p>Blocks are little-endian (the byte-order magic says so); the tags are big-endian, as the link type defines.
 */
public final class Pcapng {
    static final int LINKTYPE_UPPER_PDU = 252;
    static final int PORT_TCP = 2;
    static final int PORT_UDP = 3;

    private final java.io.OutputStream out;

    /** Writes a section header with a comment and the writing application, and the one interface, to {@code out}. */
    public Pcapng(java.io.OutputStream out, String comment, String application) throws java.io.IOException {
        this.out = out;
        ByteArrayOutputStream opts = new ByteArrayOutputStream();
        option(opts, 1, utf8(comment));
        option(opts, 4, utf8(application));
        endOfOptions(opts);
        ByteBuffer shb = le(16);
        shb.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L);
        block(0x0A0D0D0A, concat(shb.array(), opts.toByteArray()));

        ByteArrayOutputStream iopts = new ByteArrayOutputStream();
        option(iopts, 2, utf8("dialtone"));
        option(iopts, 9, new byte[] {6}); // if_tsresol: microseconds
        endOfOptions(iopts);
        ByteBuffer idb = le(8);
        idb.putShort((short) LINKTYPE_UPPER_PDU).putShort((short) 0).putInt(0);
        block(0x00000001, concat(idb.array(), iopts.toByteArray()));
    }

    /**
     * One PDU.
     *
     * @param dissector Wireshark's registered dissector name
     * @param portType  {@link #PORT_TCP} or {@link #PORT_UDP}
     * @param outbound  the direction flag of the packet (epb_flags)
     * @param comment   a packet comment, or null
     */
    public void packet(Instant at, String dissector, InetSocketAddress src, InetSocketAddress dst, int portType,
                       boolean outbound, byte[] pdu, String comment) throws java.io.IOException {
        ByteArrayOutputStream tags = new ByteArrayOutputStream();
        tag(tags, 12, padded(utf8(dissector)));
        InetAddress s = src.getAddress();
        InetAddress d = dst.getAddress();
        boolean v6 = s.getAddress().length == 16 || d.getAddress().length == 16;
        tag(tags, v6 ? 22 : 20, v6 ? v6(s) : s.getAddress());
        tag(tags, v6 ? 23 : 21, v6 ? v6(d) : d.getAddress());
        tag(tags, 24, be32(portType));
        tag(tags, 25, be32(src.getPort()));
        tag(tags, 26, be32(dst.getPort()));
        tag(tags, 0, new byte[0]);
        byte[] data = concat(tags.toByteArray(), pdu);

        long micros = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
        ByteBuffer head = le(20);
        head.putInt(0).putInt((int) (micros >>> 32)).putInt((int) micros).putInt(data.length).putInt(data.length);
        ByteArrayOutputStream opts = new ByteArrayOutputStream();
        if (comment != null) {
            option(opts, 1, utf8(comment));
        }
        option(opts, 2, le(4).putInt(outbound ? 2 : 1).array()); // epb_flags: direction
        endOfOptions(opts);
        block(0x00000006, concat(head.array(), padded(data), opts.toByteArray()));
    }

    private void block(int type, byte[] body) throws java.io.IOException {
        int total = 12 + body.length;
        ByteBuffer b = le(total);
        b.putInt(type).putInt(total).put(body).putInt(total);
        out.write(b.array());
    }

    private static void option(ByteArrayOutputStream o, int code, byte[] value) {
        ByteBuffer h = le(4);
        h.putShort((short) code).putShort((short) value.length);
        o.writeBytes(h.array());
        o.writeBytes(padded(value));
    }

    private static void endOfOptions(ByteArrayOutputStream o) {
        o.writeBytes(new byte[4]);
    }

    /** A big-endian tag: type, length, value (values padded to 32 bits by the caller where the format wants it). */
    private static void tag(ByteArrayOutputStream o, int type, byte[] value) {
        ByteBuffer h = ByteBuffer.allocate(4);
        h.putShort((short) type).putShort((short) value.length);
        o.writeBytes(h.array());
        o.writeBytes(value);
    }

    private static byte[] v6(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16) {
            return b;
        }
        byte[] m = new byte[16]; // IPv4-mapped
        m[10] = (byte) 0xff;
        m[11] = (byte) 0xff;
        System.arraycopy(b, 0, m, 12, 4);
        return m;
    }

    private static byte[] be32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        // an option's length is 16 bits
        return b.length > 60_000 ? java.util.Arrays.copyOf(b, 60_000) : b;
    }

    static byte[] padded(byte[] b) {
        int n = (b.length + 3) & ~3;
        return n == b.length ? b : java.util.Arrays.copyOf(b, n);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
