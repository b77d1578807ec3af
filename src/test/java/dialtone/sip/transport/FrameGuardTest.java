package dialtone.sip.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.Writer;
import org.junit.jupiter.api.Test;

class FrameGuardTest {
    /** What reached Tyrus, and whether the socket was closed. */
    static final class Sink implements ReadHandler {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();

        @Override
        public void handle(ByteBuffer data) {
            while (data.hasRemaining()) {
                got.write(data.get());
            }
        }
    }

    static final class FakeWriter extends Writer {
        boolean closed;

        @Override
        public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler) {
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static final Connection NO_CONNECTION = new Connection() {
        @Override
        public ReadHandler getReadHandler() {
            return null;
        }

        @Override
        public Writer getWriter() {
            return null;
        }

        @Override
        public CloseListener getCloseListener() {
            return null;
        }

        @Override
        public void close(CloseReason reason) {
        }
    };

    static byte[] text(int len) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0x81);
        if (len < 126) {
            o.write(len);
        } else if (len < 65536) {
            o.write(126);
            o.write(len >> 8);
            o.write(len);
        } else {
            o.write(127);
            for (int i = 7; i >= 0; i--) {
                o.write((int) ((long) len >>> (8 * i)));
            }
        }
        for (int i = 0; i < len; i++) {
            o.write('a' + i % 26);
        }
        return o.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** Feeds {@code all} in pieces of random length (1..max), as TCP reads may split it. */
    static void feed(FrameGuard g, byte[] all, long seed, int max) {
        Random r = new Random(seed);
        int i = 0;
        while (i < all.length) {
            int n = Math.min(all.length - i, 1 + r.nextInt(max));
            g.handle(ByteBuffer.wrap(all, i, n).slice());
            i += n;
        }
    }

    @Test
    void framesWithinTheLimitPassUntouchedHoweverTheReadsSplitThem() {
        byte[] stream = concat(text(5), text(125), text(126), text(300), text(70_000), text(0), text(1000));
        for (long seed = 0; seed < 200; seed++) {
            Sink s = new Sink();
            FakeWriter w = new FakeWriter();
            feed(new FrameGuard(s, NO_CONNECTION, w, 256 * 1024), stream, seed, seed % 2 == 0 ? 3 : 5000);
            assertArrayEquals(stream, s.got.toByteArray(), "seed " + seed);
            assertTrue(!w.closed);
        }
    }

    @Test
    void aHeaderClaiming2e63BytesClosesWith1009AtOnce() {
        for (byte[] len : new byte[][] {{(byte) 0x80, 0, 0, 0, 0, 0, 0, 0}, {0x7f, -1, -1, -1, -1, -1, -1, -1},
            {0, 0, 0, 0, 0x40, 0, 0, 0}}) {
            for (long seed = 0; seed < 50; seed++) {
                Sink s = new Sink();
                FakeWriter w = new FakeWriter();
                byte[] before = text(200);
                byte[] bad = concat(new byte[] {(byte) 0x81, 127}, len, "SIP/2.0 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
                FrameGuard g = new FrameGuard(s, NO_CONNECTION, w, 256 * 1024);
                feed(g, concat(before, bad, text(10)), seed, 7);
                byte[] got = s.got.toByteArray();
                // the frames before it, then a close frame 1009 naming the claimed size, and the socket closed
                assertArrayEquals(before, java.util.Arrays.copyOf(got, before.length));
                assertEquals(0x88, got[before.length] & 0xff);
                assertEquals(1009, ((got[before.length + 2] & 0xff) << 8) | (got[before.length + 3] & 0xff));
                String reason = new String(got, before.length + 4, got.length - before.length - 4, StandardCharsets.US_ASCII);
                assertTrue(reason.startsWith("frame header claiming " + (len[0] < 0 ? "2^63 or more"
                        : len[0] == 0x7f ? Long.toString(Long.MAX_VALUE) : "1073741824") + " bytes"), reason);
                assertTrue(w.closed);
                g.handle(ByteBuffer.wrap(text(3)));
                assertEquals(got.length, s.got.size(), "nothing after it reaches Tyrus");
            }
        }
    }

    @Test
    void justOverTheLimitIsRefusedAndAtTheLimitIsNot() {
        Sink s = new Sink();
        FakeWriter w = new FakeWriter();
        FrameGuard g = new FrameGuard(s, NO_CONNECTION, w, 1000);
        g.handle(ByteBuffer.wrap(text(1000)));
        assertTrue(!w.closed);
        g.handle(ByteBuffer.wrap(text(1001)));
        assertTrue(w.closed);
    }

    @Test
    void theGuardIsInstalledInThisTyrus() {
        assertTrue(WebSocketTransport.frameGuardInstalled(), "Tyrus's ClientManager no longer has its container field");
    }
}
