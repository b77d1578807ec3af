package dialtone.probe;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small STUN/TURN client for probing: Binding (RFC 8489), Allocate with long-term credentials answering the 401
 * (and a 438 stale nonce) once, CreatePermission, Send/Data indications (RFC 8656), Refresh with lifetime 0.
 */
final class TurnClient implements AutoCloseable {
    /** The outcome of a transaction: the response, or why there is none. */
    record Result(StunMessage response, long rttMs, String problem) {
    }

    private final StunTransport transport;
    private final Duration timeout;
    private byte[] key;
    private String username;
    private String realm;
    private String nonce;

    TurnClient(StunTransport transport, Duration timeout) {
        this.transport = transport;
        this.timeout = timeout;
    }

    /** Sends a request and waits for the response with its transaction id (UDP: retransmitted 500 ms, 1 s, 2 s...). */
    Result transact(StunMessage req, boolean authenticate) throws IOException {
        byte[] wire = req.encode(authenticate ? key : null, true);
        long start = System.nanoTime();
        long end = start + timeout.toNanos();
        long rto = 500;
        long nextSend = start;
        while (System.nanoTime() < end) {
            if (System.nanoTime() >= nextSend) {
                transport.send(wire);
                nextSend = transport.reliable() ? Long.MAX_VALUE : System.nanoTime() + rto * 1_000_000L;
                rto = Math.min(rto * 2, 4000);
            }
            long wait = Math.min(end, nextSend) - System.nanoTime();
            byte[] in = transport.receive(Duration.ofNanos(Math.max(1_000_000, wait)));
            if (in == null || !StunMessage.isStun(in, in.length)) {
                continue;
            }
            StunMessage m;
            try {
                m = StunMessage.parse(in);
            } catch (StunException e) {
                continue;
            }
            if (Arrays.equals(m.transactionId(), req.transactionId())) {
                return new Result(m, (System.nanoTime() - start) / 1_000_000, null);
            }
        }
        return new Result(null, -1, "no answer within " + timeout.toMillis() / 1000.0 + " s");
    }

    Result binding() throws IOException {
        return transact(StunMessage.request(StunMessage.BINDING), false);
    }

    /** Allocate a UDP relay; answers one 401 (and one 438) with the long-term credentials. */
    Result allocate(String user, String password) throws IOException {
        StunMessage first = StunMessage.request(StunMessage.ALLOCATE).addInt(StunMessage.REQUESTED_TRANSPORT, 17 << 24);
        Result r = transact(first, false);
        for (int attempt = 0; attempt < 2 && r.response() != null; attempt++) {
            StunMessage m = r.response();
            int code = m.error().map(StunMessage.ErrorCode::code).orElse(0);
            if (m.messageClass() != StunMessage.ERROR || (code != 401 && code != 438)) {
                return r;
            }
            if (user == null || password == null) {
                return new Result(m, r.rttMs(), "the server wants credentials (" + code + ") and none were given");
            }
            if (attempt == 1 && code == 401) {
                return r;
            }
            realm = m.string(StunMessage.REALM).orElse(realm);
            nonce = m.string(StunMessage.NONCE).orElse(nonce);
            username = user;
            key = StunMessage.longTermKey(user, realm, password);
            r = transact(authed(StunMessage.request(StunMessage.ALLOCATE).addInt(StunMessage.REQUESTED_TRANSPORT, 17 << 24)), true);
        }
        return r;
    }

    private StunMessage authed(StunMessage m) {
        return m.addString(StunMessage.USERNAME, username).addString(StunMessage.REALM, realm)
                .addString(StunMessage.NONCE, nonce);
    }

    Result createPermission(InetSocketAddress peer) throws IOException {
        return transact(authed(StunMessage.request(StunMessage.CREATE_PERMISSION).addXorAddress(StunMessage.XOR_PEER_ADDRESS, peer)), true);
    }

    void releaseQuietly() {
        try {
            transact(authed(StunMessage.request(StunMessage.REFRESH).addInt(StunMessage.LIFETIME, 0)), true);
        } catch (IOException | RuntimeException e) {
            // the allocation expires on its own
        }
    }

    /**
     * Sends {@code count} media-sized packets through this allocation to {@code peer}, the relayed address of a
     * second allocation on the same server, which sends each one straight back (Send indication out, Data indication
     * in, both ways). The peer is a relay address of the server itself, never a loopback or private address of this
     * host, so a server with default peer rules allows it, and no packet has to reach this host from outside.
     * Permissions are created both ways first; a refused permission is an {@link EchoRefused} (not measurable here),
     * not a relay failure. Returns RTTs in ms (lost packets are absent).
     */
    List<Double> echo(InetSocketAddress relayed, TurnClient peer, InetSocketAddress peerRelayed, int count, int size)
            throws IOException, InterruptedException {
        Result mine = createPermission(peerRelayed);
        if (mine.response() == null || mine.response().messageClass() != StunMessage.SUCCESS) {
            throw new EchoRefused("CreatePermission for the echo peer: " + describe(mine));
        }
        Result theirs = peer.createPermission(relayed);
        if (theirs.response() == null || theirs.response().messageClass() != StunMessage.SUCCESS) {
            throw new EchoRefused("CreatePermission on the echo peer: " + describe(theirs));
        }
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread echo = new Thread(() -> {
            try {
                while (!done.get()) {
                    byte[] in = peer.transport.receive(Duration.ofMillis(100));
                    if (in == null || !StunMessage.isStun(in, in.length)) {
                        continue;
                    }
                    try {
                        StunMessage d = StunMessage.parse(in);
                        byte[] data = d.get(StunMessage.DATA_ATTR).orElse(null);
                        if (d.method() == StunMessage.DATA && data != null) {
                            peer.transport.send(StunMessage.indication(StunMessage.SEND)
                                    .addXorAddress(StunMessage.XOR_PEER_ADDRESS, relayed).add(StunMessage.DATA_ATTR, data)
                                    .encode(null, false));
                        }
                    } catch (StunException e) {
                        // not ours
                    }
                }
            } catch (IOException e) {
                // the peer's transport closed
            }
        }, "turn-echo-peer");
        echo.setDaemon(true);
        echo.start();
        List<Double> rtts = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                byte[] payload = new byte[size];
                java.nio.ByteBuffer.wrap(payload).putInt(i).putLong(System.nanoTime());
                StunMessage send = StunMessage.indication(StunMessage.SEND).addXorAddress(StunMessage.XOR_PEER_ADDRESS, peerRelayed)
                        .add(StunMessage.DATA_ATTR, payload);
                transport.send(send.encode(null, false));
                long until = System.nanoTime() + 500_000_000L;
                while (System.nanoTime() < until) {
                    byte[] in = transport.receive(Duration.ofMillis(Math.max(1, (until - System.nanoTime()) / 1_000_000)));
                    if (in == null) {
                        break;
                    }
                    if (!StunMessage.isStun(in, in.length)) {
                        continue;
                    }
                    try {
                        StunMessage d = StunMessage.parse(in);
                        byte[] data = d.get(StunMessage.DATA_ATTR).orElse(null);
                        if (d.method() == StunMessage.DATA && data != null && data.length >= 12
                                && java.nio.ByteBuffer.wrap(data).getInt() == i) {
                            rtts.add((System.nanoTime() - java.nio.ByteBuffer.wrap(data, 4, 8).getLong()) / 1e6);
                            break;
                        }
                    } catch (StunException e) {
                        // not ours
                    }
                }
                Thread.sleep(20);
            }
        } finally {
            done.set(true);
            echo.join(500);
        }
        return rtts;
    }

    /** The server would not let the two allocations talk (its peer rules): the echo cannot be measured there. */
    static final class EchoRefused extends IOException {
        private static final long serialVersionUID = 1L;

        EchoRefused(String why) {
            super(why);
        }
    }

    static String describe(Result r) {
        if (r.response() == null) {
            return r.problem();
        }
        return r.response().error().map(e -> e.code() + " " + e.reason()).orElse("class 0x"
                + Integer.toHexString(r.response().messageClass()));
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }
}
