package dialtone.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A STUN message (RFC 8489; TURN methods of RFC 8656): a 20-octet header (type, length, magic cookie, transaction
 * id) and TLV attributes padded to 4 octets. Builds, encodes (with MESSAGE-INTEGRITY and FINGERPRINT), parses
 * (never throws past {@link #parse}: malformed input is a {@link StunException}), and checks integrity.
 */
public final class StunMessage {
    public static final int MAGIC = 0x2112A442;
    public static final int BINDING = 0x001;
    public static final int ALLOCATE = 0x003;
    public static final int REFRESH = 0x004;
    public static final int SEND = 0x006;
    public static final int DATA = 0x007;
    public static final int CREATE_PERMISSION = 0x008;
    public static final int REQUEST = 0x0000;
    public static final int INDICATION = 0x0010;
    public static final int SUCCESS = 0x0100;
    public static final int ERROR = 0x0110;

    public static final int MAPPED_ADDRESS = 0x0001;
    public static final int USERNAME = 0x0006;
    public static final int MESSAGE_INTEGRITY = 0x0008;
    public static final int ERROR_CODE = 0x0009;
    public static final int CHANNEL_NUMBER = 0x000C;
    public static final int LIFETIME = 0x000D;
    public static final int XOR_PEER_ADDRESS = 0x0012;
    public static final int DATA_ATTR = 0x0013;
    public static final int REALM = 0x0014;
    public static final int NONCE = 0x0015;
    public static final int XOR_RELAYED_ADDRESS = 0x0016;
    public static final int REQUESTED_TRANSPORT = 0x0019;
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    public static final int SOFTWARE = 0x8022;
    public static final int FINGERPRINT = 0x8028;

    /** One attribute: type and raw value (without padding). */
    public record Attribute(int type, byte[] value) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Attributes beyond this count are refused (a hostile peer cannot make us allocate without bound). */
    static final int MAX_ATTRIBUTES = 64;

    private final int type;
    private final byte[] transactionId;
    private final List<Attribute> attributes;
    private final byte[] raw;

    private StunMessage(int type, byte[] transactionId, List<Attribute> attributes, byte[] raw) {
        this.type = type;
        this.transactionId = transactionId;
        this.attributes = attributes;
        this.raw = raw;
    }

    public static StunMessage request(int method) {
        byte[] tid = new byte[12];
        RANDOM.nextBytes(tid);
        return new StunMessage(method | REQUEST, tid, new ArrayList<>(), null);
    }

    public static StunMessage indication(int method) {
        byte[] tid = new byte[12];
        RANDOM.nextBytes(tid);
        return new StunMessage(method | INDICATION, tid, new ArrayList<>(), null);
    }

    public int type() {
        return type;
    }

    public int method() {
        return (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
    }

    public int messageClass() {
        return type & 0x0110;
    }

    public byte[] transactionId() {
        return transactionId.clone();
    }

    public List<Attribute> attributes() {
        return List.copyOf(attributes);
    }

    public StunMessage add(int attrType, byte[] value) {
        attributes.add(new Attribute(attrType, value.clone()));
        return this;
    }

    public StunMessage addString(int attrType, String value) {
        return add(attrType, value.getBytes(StandardCharsets.UTF_8));
    }

    public StunMessage addInt(int attrType, int value) {
        return add(attrType, ByteBuffer.allocate(4).putInt(value).array());
    }

    public StunMessage addXorAddress(int attrType, InetSocketAddress a) {
        return add(attrType, xorAddress(a, transactionId));
    }

    public Optional<byte[]> get(int attrType) {
        for (Attribute a : attributes) {
            if (a.type() == attrType) {
                return Optional.of(a.value().clone());
            }
        }
        return Optional.empty();
    }

    public Optional<String> string(int attrType) {
        return get(attrType).map(v -> new String(v, StandardCharsets.UTF_8));
    }

    public Optional<Integer> integer(int attrType) {
        return get(attrType).filter(v -> v.length == 4).map(v -> ByteBuffer.wrap(v).getInt());
    }

    /** ERROR-CODE as (code, reason). */
    public Optional<ErrorCode> error() {
        return get(ERROR_CODE).filter(v -> v.length >= 4).map(v -> new ErrorCode((v[2] & 0x7) * 100 + (v[3] & 0xff),
                new String(v, 4, v.length - 4, StandardCharsets.UTF_8)));
    }

    public record ErrorCode(int code, String reason) {
    }

    public Optional<InetSocketAddress> xorAddress(int attrType) {
        return get(attrType).flatMap(v -> decodeXorAddress(v, transactionId));
    }

    // ---- encoding ------------------------------------------------------------------------------------------------

    /** Encodes; with {@code key}, appends MESSAGE-INTEGRITY (HMAC-SHA1); with {@code fingerprint}, FINGERPRINT. */
    public byte[] encode(byte[] key, boolean fingerprint) {
        ByteBuffer body = ByteBuffer.allocate(4096);
        for (Attribute a : attributes) {
            putAttr(body, a.type(), a.value());
        }
        if (key != null) {
            int lenWithMi = body.position() + 24;
            byte[] head = header(lenWithMi);
            byte[] mac = hmac(key, concat(head, Arrays.copyOf(body.array(), body.position())));
            putAttr(body, MESSAGE_INTEGRITY, mac);
        }
        if (fingerprint) {
            int lenWithFp = body.position() + 8;
            byte[] head = header(lenWithFp);
            long crc = crc32(concat(head, Arrays.copyOf(body.array(), body.position()))) ^ 0x5354554EL;
            putAttr(body, FINGERPRINT, ByteBuffer.allocate(4).putInt((int) crc).array());
        }
        return concat(header(body.position()), Arrays.copyOf(body.array(), body.position()));
    }

    private byte[] header(int length) {
        return ByteBuffer.allocate(20).putShort((short) type).putShort((short) length).putInt(MAGIC).put(transactionId).array();
    }

    private static void putAttr(ByteBuffer b, int t, byte[] v) {
        b.putShort((short) t).putShort((short) v.length).put(v);
        for (int i = v.length; i % 4 != 0; i++) {
            b.put((byte) 0);
        }
    }

    // ---- parsing ---------------------------------------------------------------------------------------------------

    /** True when the bytes look like STUN (first two bits zero, magic cookie) rather than RTP/DTLS/ChannelData. */
    public static boolean isStun(byte[] d, int len) {
        return len >= 20 && (d[0] & 0xC0) == 0 && ByteBuffer.wrap(d, 4, 4).getInt() == MAGIC;
    }

    public static StunMessage parse(byte[] data) throws StunException {
        return parse(data, data.length);
    }

    public static StunMessage parse(byte[] data, int len) throws StunException {
        if (len < 20) {
            throw new StunException("message/header", "shorter than the 20-octet header (" + len + " octets)");
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, len);
        int type = b.getShort() & 0xFFFF;
        int length = b.getShort() & 0xFFFF;
        int magic = b.getInt();
        if ((type & 0xC000) != 0) {
            throw new StunException("message/type", "the first two bits are not zero");
        }
        if (magic != MAGIC) {
            throw new StunException("message/cookie", "wrong magic cookie");
        }
        if (length % 4 != 0 || 20 + length > len) {
            throw new StunException("message/length", "length " + length + " does not fit the " + len + " octets");
        }
        byte[] tid = new byte[12];
        b.get(tid);
        List<Attribute> attrs = new ArrayList<>();
        int end = 20 + length;
        while (b.position() < end) {
            if (end - b.position() < 4) {
                throw new StunException("attribute/header", "truncated attribute header");
            }
            int t = b.getShort() & 0xFFFF;
            int l = b.getShort() & 0xFFFF;
            int padded = (l + 3) & ~3;
            if (b.position() + padded > end) {
                throw new StunException("attribute/length", "attribute 0x" + Integer.toHexString(t) + " runs past the message");
            }
            byte[] v = new byte[l];
            b.get(v);
            b.position(b.position() + padded - l);
            if (attrs.size() >= MAX_ATTRIBUTES) {
                throw new StunException("message/attributes", "more than " + MAX_ATTRIBUTES + " attributes");
            }
            attrs.add(new Attribute(t, v));
        }
        return new StunMessage(type, tid, attrs, Arrays.copyOf(data, end));
    }

    /** Checks MESSAGE-INTEGRITY (RFC 8489 §14.5) with {@code key}: false when absent or wrong. */
    public boolean integrityValid(byte[] key) {
        if (raw == null) {
            return false;
        }
        int off = offsetOf(MESSAGE_INTEGRITY);
        if (off < 0) {
            return false;
        }
        byte[] head = Arrays.copyOf(raw, off);
        ByteBuffer.wrap(head, 2, 2).putShort((short) (off - 20 + 24));
        byte[] mac = hmac(key, head);
        return MessageDigest.isEqual(mac, Arrays.copyOfRange(raw, off + 4, off + 24));
    }

    /** Checks FINGERPRINT (RFC 8489 §14.7): false when absent or wrong. */
    public boolean fingerprintValid() {
        if (raw == null) {
            return false;
        }
        int off = offsetOf(FINGERPRINT);
        if (off < 0 || off + 8 != raw.length) {
            return false;
        }
        long crc = crc32(Arrays.copyOf(raw, off)) ^ 0x5354554EL;
        return ByteBuffer.wrap(raw, off + 4, 4).getInt() == (int) crc;
    }

    private int offsetOf(int attrType) {
        int pos = 20;
        while (pos + 4 <= raw.length) {
            int t = ((raw[pos] & 0xff) << 8) | (raw[pos + 1] & 0xff);
            int l = ((raw[pos + 2] & 0xff) << 8) | (raw[pos + 3] & 0xff);
            if (t == attrType) {
                return pos;
            }
            pos += 4 + ((l + 3) & ~3);
        }
        return -1;
    }

    /** The long-term credential key (RFC 8489 §9.2.2): MD5(username ":" realm ":" password). */
    public static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5").digest((username + ":" + realm + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] shortTermKey(String password) {
        return password.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac m = Mac.getInstance("HmacSHA1");
            m.init(new SecretKeySpec(key, "HmacSHA1"));
            return m.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    static long crc32(byte[] d) {
        CRC32 c = new CRC32();
        c.update(d);
        return c.getValue();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] xorAddress(InetSocketAddress a, byte[] tid) {
        byte[] ip = a.getAddress().getAddress();
        ByteBuffer b = ByteBuffer.allocate(4 + ip.length);
        b.put((byte) 0).put((byte) (ip.length == 4 ? 1 : 2)).putShort((short) (a.getPort() ^ (MAGIC >>> 16)));
        byte[] mask = ByteBuffer.allocate(16).putInt(MAGIC).put(tid).array();
        for (int i = 0; i < ip.length; i++) {
            b.put((byte) (ip[i] ^ mask[i]));
        }
        return b.array();
    }

    static Optional<InetSocketAddress> decodeXorAddress(byte[] v, byte[] tid) {
        if (v.length < 8) {
            return Optional.empty();
        }
        int family = v[1];
        int len = family == 1 ? 4 : family == 2 ? 16 : -1;
        if (len < 0 || v.length < 4 + len) {
            return Optional.empty();
        }
        int port = (((v[2] & 0xff) << 8) | (v[3] & 0xff)) ^ (MAGIC >>> 16);
        byte[] mask = ByteBuffer.allocate(16).putInt(MAGIC).put(tid).array();
        byte[] ip = new byte[len];
        for (int i = 0; i < len; i++) {
            ip[i] = (byte) (v[4 + i] ^ mask[i]);
        }
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByAddress(ip), port));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
