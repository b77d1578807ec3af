package dialtone.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.SipEvent;
import dialtone.event.TransportEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pcapng writer read back block by block (the format's own rules: 32-bit alignment, lengths repeated, the
 * byte-order magic, upper-PDU tags), and what --pcap masks. tshark reads the real files in ReportIT.
 */
class PcapngTest {
    static final Instant T0 = Instant.parse("2026-11-30T10:00:00.123456Z");

    @TempDir
    Path dir;

    record Block(int type, ByteBuffer body) {
    }

    static List<Block> blocks(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<Block> l = new ArrayList<>();
        while (b.remaining() > 0) {
            int start = b.position();
            int type = b.getInt();
            int len = b.getInt();
            assertEquals(0, len % 4, "block length aligned");
            assertEquals(len, b.getInt(start + len - 4), "trailing length");
            ByteBuffer body = ByteBuffer.wrap(file, start + 8, len - 12).slice().order(ByteOrder.LITTLE_ENDIAN);
            l.add(new Block(type, body));
            b.position(start + len);
        }
        return l;
    }

    /** Upper-PDU tags of one packet (big-endian), and where the PDU starts. */
    static Map<Integer, byte[]> tags(ByteBuffer data, int[] pduStart) {
        ByteBuffer d = data.duplicate().order(ByteOrder.BIG_ENDIAN);
        Map<Integer, byte[]> m = new LinkedHashMap<>();
        while (true) {
            int type = d.getShort() & 0xffff;
            int len = d.getShort() & 0xffff;
            byte[] v = new byte[len];
            d.get(v);
            if (type == 0) {
                pduStart[0] = d.position();
                return m;
            }
            m.put(type, v);
        }
    }

    @Test
    void aSipMessageIsAnUpperPduBetweenTheConnectionsAddresses() throws Exception {
        java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
        Pcapng p = new Pcapng(bos, "a comment", "dialtone test");
        byte[] sip = "OPTIONS sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        p.packet(T0, "sip", new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 50000),
                new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 443), Pcapng.PORT_TCP, true, sip, "c");
        List<Block> bl = blocks(bos.toByteArray());
        assertEquals(3, bl.size());
        assertEquals(0x0A0D0D0A, bl.get(0).type());
        assertEquals(0x1A2B3C4D, bl.get(0).body().getInt(0), "byte-order magic");
        assertEquals(1, bl.get(1).type());
        assertEquals(Pcapng.LINKTYPE_UPPER_PDU, bl.get(1).body().getShort(0) & 0xffff);
        assertEquals(6, bl.get(2).type());
        ByteBuffer epb = bl.get(2).body();
        long micros = ((long) epb.getInt(4) << 32) | (epb.getInt(8) & 0xffffffffL);
        assertEquals(T0.getEpochSecond() * 1_000_000 + 123_456, micros);
        int captured = epb.getInt(12);
        ByteBuffer data = ByteBuffer.wrap(bytes(epb, 20, captured));
        int[] at = new int[1];
        Map<Integer, byte[]> t = tags(data, at);
        assertEquals("sip", new String(t.get(12), StandardCharsets.US_ASCII).replace("\0", ""));
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 1}, t.get(20));
        assertArrayEquals(new byte[] {(byte) 198, 51, 100, 7}, t.get(21));
        assertEquals(Pcapng.PORT_TCP, ByteBuffer.wrap(t.get(24)).getInt());
        assertEquals(50000, ByteBuffer.wrap(t.get(25)).getInt());
        assertEquals(443, ByteBuffer.wrap(t.get(26)).getInt());
        assertArrayEquals(sip, bytes(data, at[0], captured - at[0]));
    }

    @Test
    void credentialsAreMaskedUnlessUnredactedAndTheSecretsNeverWritten() throws Exception {
        String secret = "Turn-Or-Sip-Secret-99";
        for (boolean unredacted : new boolean[] {false, true}) {
            Redactor r = new Redactor();
            r.addSecret(secret);
            Path f = dir.resolve("p" + unredacted + ".pcapng");
            PcapReporter rep = new PcapReporter(f, r, unredacted, "test");
            rep.accept(new TransportEvent.Connected(T0, "call", "wss://sip.example.com", "sip", 5, null, "192.0.2.1:50000",
                    "198.51.100.7:443"));
            rep.accept(new SipEvent.Sent(T0.plusMillis(1), "call", "REGISTER sip:example.com SIP/2.0",
                    "REGISTER sip:example.com SIP/2.0\r\nAuthorization: Digest username=\"alice\", response=\"0123456789abcdef\", cnonce=\"c0ffee11\"\r\n"
                            + "X-Oops: " + secret + "\r\nContent-Length: 0\r\n\r\n"));
            rep.close();
            String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertFalse(text.contains(secret), "the secret itself, unredacted=" + unredacted);
            assertEquals(unredacted, text.contains("0123456789abcdef"), "the digest response");
            assertTrue(text.contains(unredacted ? "UNREDACTED" : "Redacted:"), "the file says which");
        }
    }

    @Test
    void stunIntegrityIsZeroedAndTheFingerprintStaysValid() {
        byte[] m = new byte[20 + 24 + 8];
        ByteBuffer b = ByteBuffer.wrap(m);
        b.putShort((short) 0x0003).putShort((short) 32).putInt(0x2112A442).put(new byte[12]);
        b.putShort((short) 0x0008).putShort((short) 20);
        for (int i = 0; i < 20; i++) {
            b.put((byte) (i + 1));
        }
        b.putShort((short) 0x8028).putShort((short) 4).putInt(0);
        PcapReporter rep = new PcapReporter(dir.resolve("x"), new Redactor(), false, "test");
        byte[] out = rep.maskStun(m);
        for (int i = 24; i < 44; i++) {
            assertEquals(0, out[i], "integrity byte " + i);
        }
        CRC32 crc = new CRC32();
        crc.update(out, 0, 44);
        assertEquals((int) crc.getValue() ^ 0x5354554e, ByteBuffer.wrap(out, 48, 4).getInt());
        PcapReporter raw = new PcapReporter(dir.resolve("y"), new Redactor(), true, "test");
        assertArrayEquals(m, raw.maskStun(m), "unredacted: as sent");
    }

    @Test
    void aFloodIsBoundedOnDiskAndPacketsAreWrittenInTimeOrder() throws Exception {
        Path f = dir.resolve("flood.pcapng");
        PcapReporter rep = new PcapReporter(f, new Redactor(), false, "test", 100_000);
        rep.accept(new TransportEvent.Connected(T0, "call", "wss://sip.example.com", "sip", 5, null, "192.0.2.1:50000",
                "198.51.100.7:443"));
        // a STUN packet stamped before a SIP event that reaches the reporter first: written before it
        rep.accept(new SipEvent.Received(T0.plusMillis(20), "call", "SIP/2.0 183 Session Progress", "SIP/2.0 183 Session Progress\r\n\r\n"));
        rep.packet(T0.plusMillis(10), "udp", new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 40000),
                new InetSocketAddress(InetAddress.getByName("198.51.100.9"), 3478), true, new byte[20]);
        String flood = "SIP/2.0 183 Session Progress\r\n" + "X-Pad: " + "x".repeat(500) + "\r\n\r\n";
        for (int i = 0; i < 2000; i++) {
            rep.accept(new SipEvent.Received(T0.plusMillis(30 + i), "call", "SIP/2.0 183 Session Progress", flood));
        }
        rep.close();
        assertTrue(rep.dropped() > 1000, "dropped " + rep.dropped());
        byte[] file = Files.readAllBytes(f);
        assertTrue(file.length < 2 * 100_000, "bounded by the payload cap and the per-packet framing: " + file.length);
        List<Block> bl = blocks(file);
        long last = Long.MIN_VALUE;
        for (Block b : bl.subList(2, bl.size())) {
            long micros = ((long) b.body().getInt(4) << 32) | (b.body().getInt(8) & 0xffffffffL);
            assertTrue(micros >= last, "time order");
            last = micros;
        }
        int[] at = new int[1];
        ByteBuffer first = bl.get(2).body();
        Map<Integer, byte[]> t = tags(ByteBuffer.wrap(bytes(first, 20, first.getInt(12))), at);
        assertEquals("stun-udp", new String(t.get(12), StandardCharsets.US_ASCII).replace("\0", ""));
        assertFalse(Files.exists(dir.resolve("flood.pcapng.tmp")));
    }

    @Test
    void addressesAreLiteralsNeverLookedUp() {
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), PcapReporter.address("sip.example.com:443"));
        assertEquals(5060, PcapReporter.address("[::1]:5060").getPort());
        assertEquals(0, PcapReporter.address(null).getPort());
    }

    static byte[] bytes(ByteBuffer b, int off, int len) {
        byte[] out = new byte[len];
        b.duplicate().position(off).get(out);
        return out;
    }
}
