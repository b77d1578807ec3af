package dialtone.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The RFC 5769 STUN test vectors, byte for byte (../shared/testdata/rfc5769). */
class Rfc5769VectorsTest {
    static byte[] load(String f) throws Exception {
        try (InputStream in = Rfc5769VectorsTest.class.getResourceAsStream("/rfc5769/" + f)) {
            return in.readAllBytes();
        }
    }

    static final byte[] SHORT_KEY = StunMessage.shortTermKey("VOkJxbRl1RmTxUk/WvJxBt");

    @Test
    void sampleRequest() throws Exception {
        StunMessage m = StunMessage.parse(load("sample-request.bin"));
        assertEquals(StunMessage.BINDING, m.method());
        assertEquals(StunMessage.REQUEST, m.messageClass());
        assertEquals("STUN test client", m.string(StunMessage.SOFTWARE).orElseThrow());
        assertEquals("evtj:h6vY", m.string(StunMessage.USERNAME).orElseThrow());
        assertEquals(0x6e0001ff, m.integer(0x0024).orElseThrow());
        assertTrue(m.integrityValid(SHORT_KEY));
        assertFalse(m.integrityValid(StunMessage.shortTermKey("wrong")));
        assertTrue(m.fingerprintValid());
    }

    @Test
    void ipv4AndIpv6Responses() throws Exception {
        StunMessage v4 = StunMessage.parse(load("sample-ipv4-response.bin"));
        assertEquals(StunMessage.SUCCESS, v4.messageClass());
        assertEquals("test vector", v4.string(StunMessage.SOFTWARE).orElseThrow());
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853),
                v4.xorAddress(StunMessage.XOR_MAPPED_ADDRESS).orElseThrow());
        assertTrue(v4.integrityValid(SHORT_KEY));
        assertTrue(v4.fingerprintValid());
        StunMessage v6 = StunMessage.parse(load("sample-ipv6-response.bin"));
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853),
                v6.xorAddress(StunMessage.XOR_MAPPED_ADDRESS).orElseThrow());
        assertTrue(v6.integrityValid(SHORT_KEY));
        assertTrue(v6.fingerprintValid());
    }

    @Test
    void longTermRequest() throws Exception {
        StunMessage m = StunMessage.parse(load("sample-long-term-request.bin"));
        String user = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
        assertEquals(user, m.string(StunMessage.USERNAME).orElseThrow());
        assertEquals("example.org", m.string(StunMessage.REALM).orElseThrow());
        assertEquals("f//499k954d6OL34oL9FSTvy64sA", m.string(StunMessage.NONCE).orElseThrow());
        assertTrue(m.integrityValid(StunMessage.longTermKey(user, "example.org", "TheMatrIX")));
        assertFalse(m.fingerprintValid());
    }

    @Test
    void ourEncodingIsReadBackWithValidIntegrityAndFingerprint() throws Exception {
        StunMessage req = StunMessage.request(StunMessage.ALLOCATE).addInt(StunMessage.REQUESTED_TRANSPORT, 17 << 24)
                .addString(StunMessage.USERNAME, "u").addXorAddress(StunMessage.XOR_PEER_ADDRESS,
                        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40000));
        byte[] key = StunMessage.longTermKey("u", "r", "p");
        StunMessage back = StunMessage.parse(req.encode(key, true));
        assertTrue(back.integrityValid(key));
        assertTrue(back.fingerprintValid());
        assertEquals(40000, back.xorAddress(StunMessage.XOR_PEER_ADDRESS).orElseThrow().getPort());
        assertArrayEquals(req.transactionId(), back.transactionId());
    }

    @Test
    void malformedInputIsAnExceptionWithAPlaceNeverACrash() throws Exception {
        byte[] good = load("sample-request.bin");
        assertEquals("message/header", assertThrows(StunException.class, () -> StunMessage.parse(new byte[5])).place());
        byte[] cookie = good.clone();
        cookie[4] = 0;
        assertEquals("message/cookie", assertThrows(StunException.class, () -> StunMessage.parse(cookie)).place());
        assertEquals("message/length", assertThrows(StunException.class,
                () -> StunMessage.parse(Arrays.copyOf(good, good.length - 4))).place());
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 20000; i++) {
            byte[] b = good.clone();
            b[20 + r.nextInt(b.length - 20)] = (byte) r.nextInt(256);
            try {
                StunMessage.parse(b).integrityValid(SHORT_KEY);
            } catch (StunException e) {
                assertTrue(e.place().contains("/"));
            }
        }
    }
}
