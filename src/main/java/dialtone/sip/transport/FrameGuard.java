package dialtone.sip.transport;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.glassfish.tyrus.spi.ClientContainer;
import org.glassfish.tyrus.spi.ClientEngine;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.UpgradeRequest;
import org.glassfish.tyrus.spi.UpgradeResponse;
import org.glassfish.tyrus.spi.Writer;

/**
 * Reads the header of every WebSocket frame the server sends, before Tyrus does, and ends the connection at the
 * first one that claims more than {@link #limit} bytes (RFC 6455 allows up to 2^63 - 1).
 *
 * <p>Why: Tyrus waits for the whole payload a header announces; it gives up only once {@code INCOMING_BUFFER_SIZE}
 * bytes of it have arrived. A server that announces 2^63 bytes and sends a few leaves the connection open and
 * deaf: every later message is taken as more of that payload (measured: {@code register --duration 10s} passed
 * after 15.8 s, "unregistered no"). Here the header alone is enough: the connection closes at once with 1009
 * (message too big) and the frame's claimed size in the reason, which the UA reports as a transport failure.
 *
 * <p>It sits in Tyrus's public container SPI ({@link ClientContainer} around the Grizzly one, a {@link ReadHandler}
 * around Tyrus's): every byte after the upgrade response passes through {@link #handle} in order, from the first.
 */
final class FrameGuard implements ReadHandler {
    private final ReadHandler next;
    private final Connection connection;
    private final Writer writer;
    private final long limit;
    /** The header being read (at most 14 bytes), how much of it is in, and how much payload is still to skip. */
    private final byte[] header = new byte[14];
    private int have;
    private long skip;
    private volatile boolean tripped;
    private boolean topBit;

    FrameGuard(ReadHandler next, Connection connection, Writer writer, long limit) {
        this.next = next;
        this.connection = connection;
        this.writer = writer;
        this.limit = limit;
    }

    @Override
    public void handle(ByteBuffer data) {
        if (tripped) {
            data.position(data.limit());
            return;
        }
        ByteBuffer b = data;
        if (have > 0) {
            // a header split across reads: its first bytes were held back, and are read again with the rest
            b = ByteBuffer.allocate(have + data.remaining());
            b.put(header, 0, have).put(data).flip();
            have = 0;
        }
        long claimed = scan(b.duplicate());
        int end = held;
        ByteBuffer pass = b.duplicate();
        pass.limit(end);
        if (pass.hasRemaining()) {
            next.handle(pass);
        }
        data.position(data.limit());
        if (claimed < 0) {
            return;
        }
        tripped = true;
        // Tyrus is told as a server would tell it: a close frame, 1009 (message too big), with the claimed size
        String size = topBit ? "2^63 or more" : Long.toString(claimed);
        byte[] reason = ("frame header claiming " + size + " bytes (limit " + limit + ")")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer close = ByteBuffer.allocate(4 + reason.length);
        close.put((byte) 0x88).put((byte) (2 + reason.length)).putShort((short) CloseReason.CloseCodes.TOO_BIG.getCode())
                .put(reason).flip();
        try {
            next.handle(close);
        } finally {
            try {
                writer.close();
            } catch (IOException | RuntimeException e) {
                // the session is closed already
            }
        }
    }

    /** Where, in the buffer last scanned, the bytes Tyrus may have end (a held-back or oversized frame header starts). */
    private int held;

    /**
     * Walks the frames in {@code b}: the size claimed by the first frame over the limit, or -1. Either way {@link #held}
     * says how far the bytes may go to Tyrus: up to that header, or up to an incomplete header at the end (kept in
     * {@link #header} for the next read), or all.
     */
    long scan(ByteBuffer b) {
        int headerStart = b.position();
        while (b.hasRemaining()) {
            if (skip > 0) {
                int n = (int) Math.min(skip, b.remaining());
                b.position(b.position() + n);
                skip -= n;
                continue;
            }
            if (have == 0) {
                headerStart = b.position();
            }
            header[have++] = b.get();
            if (have < 2) {
                continue;
            }
            int len7 = header[1] & 0x7f;
            int need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
            if (have < need) {
                continue;
            }
            long len;
            if (len7 == 126) {
                len = ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
            } else if (len7 == 127) {
                len = 0;
                for (int i = 2; i < 10; i++) {
                    len = (len << 8) | (header[i] & 0xffL);
                }
                if (len < 0) {
                    len = Long.MAX_VALUE; // the top bit set: 2^63 or more, which RFC 6455 forbids
                    topBit = true;
                }
            } else {
                len = len7;
            }
            have = 0;
            if (len > limit) {
                held = headerStart;
                return len;
            }
            skip = len;
        }
        held = have > 0 ? headerStart : b.limit();
        return -1;
    }

    /** Tyrus's Grizzly container, with every connection's reading guarded. */
    static final class Container implements ClientContainer {
        private final ClientContainer grizzly;
        private final long limit;

        Container(ClientContainer grizzly, long limit) {
            this.grizzly = grizzly;
            this.limit = limit;
        }

        @Override
        public void openClientSocket(ClientEndpointConfig cec, Map<String, Object> properties, ClientEngine engine)
                throws DeploymentException, IOException {
            grizzly.openClientSocket(cec, properties, new ClientEngine() {
                @Override
                public UpgradeRequest createUpgradeRequest(TimeoutHandler timeoutHandler) {
                    return engine.createUpgradeRequest(timeoutHandler);
                }

                @Override
                public ClientUpgradeInfo processResponse(UpgradeResponse response, Writer writer,
                                                         Connection.CloseListener closeListener) {
                    ClientUpgradeInfo info = engine.processResponse(response, writer, closeListener);
                    return new ClientUpgradeInfo() {
                        @Override
                        public ClientUpgradeStatus getUpgradeStatus() {
                            return info.getUpgradeStatus();
                        }

                        @Override
                        public Connection createConnection() {
                            Connection c = info.createConnection();
                            return c == null ? null : guarded(c, writer);
                        }
                    };
                }

                @Override
                public void processError(Throwable t) {
                    engine.processError(t);
                }
            });
        }

        private Connection guarded(Connection c, Writer writer) {
            FrameGuard guard = new FrameGuard(c.getReadHandler(), c, writer, limit);
            return new Connection() {
                @Override
                public ReadHandler getReadHandler() {
                    return guard;
                }

                @Override
                public Writer getWriter() {
                    return c.getWriter();
                }

                @Override
                public CloseListener getCloseListener() {
                    return c.getCloseListener();
                }

                @Override
                public void close(CloseReason reason) {
                    c.close(reason);
                }
            };
        }
    }
}
