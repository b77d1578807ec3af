package dialtone.sip.transport;

import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.TlsFacts;
import dialtone.support.HandshakeClock;
import dialtone.support.Scheduler;
import dialtone.support.TlsErrors;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.client.SslEngineConfigurator;

/**
 * SIP over WebSocket (RFC 7118) on the Tyrus client: sub-protocol {@code sip}, TLS verified with the run's trust
 * (host name included), one SIP message per text frame. Tyrus threads only enqueue onto the UA loop. An idle
 * connection is kept alive with WebSocket pings; a missing pong closes it (the UA then reconnects).
 */
public final class WebSocketTransport implements SipTransport {
    public static final int MAX_MESSAGE = 256 * 1024;
    /** Inbound messages waiting for the UA loop at most; past that the socket is not read (back-pressure). */
    static final int MAX_QUEUED = 64;
    private final java.util.concurrent.Semaphore inbound = new java.util.concurrent.Semaphore(MAX_QUEUED);

    private final URI uri;
    private final SSLContext ssl;
    private final Scheduler loop;
    private final TransportListener listener;
    private final Duration handshakeTimeout;
    private final Duration keepAlive;
    private ClientManager client;
    private volatile Session session;
    private volatile boolean closingLocally;
    private Scheduler.Cancellable pinger;
    private long lastPong;
    private volatile int generation;

    public WebSocketTransport(URI uri, SSLContext ssl, Scheduler loop, TransportListener listener,
                              Duration handshakeTimeout, Duration keepAlive) {
        this.uri = uri;
        this.ssl = ssl;
        this.loop = loop;
        this.listener = listener;
        this.handshakeTimeout = handshakeTimeout;
        this.keepAlive = keepAlive;
    }

    @Override
    public String viaTransport() {
        return "wss".equalsIgnoreCase(uri.getScheme()) ? "WSS" : "WS";
    }

    @Override
    public boolean isConnected() {
        Session s = session;
        return s != null && s.isOpen();
    }

    @Override
    public void connect() {
        loop.assertOnLoop();
        closingLocally = false;
        int gen = ++generation;
        AtomicReference<HandshakeClock> clocks = new AtomicReference<>();
        opened = true;
        ClientManager c = new SharedExecutorsClient();
        c.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT, handshakeTimeout.toMillis());
        // every connection of the process on one Grizzly transport (a selector and a small worker pool), not one
        // of its own per connection (3 threads each: a load run holds hundreds of user agents)
        c.getProperties().put(ClientProperties.SHARED_CONTAINER, true);
        c.getProperties().put(ClientProperties.INCOMING_BUFFER_SIZE, MAX_MESSAGE + 1024);
        if ("wss".equalsIgnoreCase(uri.getScheme())) {
            HandshakeClock clock = new HandshakeClock();
            clocks.set(clock);
            SslEngineConfigurator cfg = new SslEngineConfigurator(clock.wrap(ssl), true, false, false);
            cfg.setHostVerificationEnabled(true);
            c.getProperties().put(ClientProperties.SSL_ENGINE_CONFIGURATOR, cfg);
        }
        client = c;
        ClientEndpointConfig cec = ClientEndpointConfig.Builder.create().preferredSubprotocols(List.of("sip")).build();
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                Session s = c.connectToServer(new Ep(gen), cec, uri);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                SSLEngine engine = clocks.get() == null ? null : clocks.get().lastEngine();
                TlsFacts tls = engine == null ? null : TlsErrors.facts(engine.getSession());
                loop.execute(() -> opened(gen, s, ms, tls));
            } catch (Exception e) {
                Failure f = explain(e);
                loop.execute(() -> {
                    if (gen == generation) {
                        listener.onConnectFailed(f);
                    }
                });
            }
        }, "ws-connect");
        t.setDaemon(true);
        t.start();
    }

    private void opened(int gen, Session s, long ms, TlsFacts tls) {
        if (gen != generation) {
            closeQuietly(s);
            return;
        }
        String proto = s.getNegotiatedSubprotocol();
        if (!"sip".equalsIgnoreCase(proto)) {
            closeQuietly(s);
            listener.onConnectFailed(Failure.of(Layer.TRANSPORT, Cause.CONNECTION_ERROR,
                    "the server at " + uri + " did not accept the WebSocket sub-protocol \"sip\" (RFC 7118)"
                            + (proto == null || proto.isEmpty() ? "" : "; it chose \"" + proto + "\"")));
            return;
        }
        session = s;
        s.setMaxTextMessageBufferSize(MAX_MESSAGE);
        s.setMaxBinaryMessageBufferSize(MAX_MESSAGE);
        lastPong = System.nanoTime();
        if (!keepAlive.isZero()) {
            schedulePing(gen);
        }
        String[] ends = endpoints(s);
        listener.onConnected(proto, ms, tls, ends[0], ends[1]);
    }

    /** The TCP connection's local and remote address ("ip:port"), for the timeline and the pcapng; nulls unknown. */
    static String[] endpoints(Session s) {
        return TyrusInternals.endpoints(s);
    }

    /** {@code 127.0.0.1:5060}, {@code [::1]:5060}; null when not an IP socket address. */
    public static String hostPort(Object a) {
        if (a instanceof java.net.InetSocketAddress i && i.getAddress() != null) {
            String ip = i.getAddress().getHostAddress();
            int pct = ip.indexOf('%');
            if (pct >= 0) {
                ip = ip.substring(0, pct);
            }
            return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + i.getPort();
        }
        return null;
    }

    private void schedulePing(int gen) {
        pinger = loop.schedule(keepAlive, () -> {
            Session s = session;
            if (gen != generation || s == null || !s.isOpen()) {
                return;
            }
            if (System.nanoTime() - lastPong > keepAlive.multipliedBy(2).toNanos() + 1_000_000_000L) {
                // no pong for two intervals: the path is dead even if TCP has not noticed
                closeQuietly(s);
                return;
            }
            try {
                s.getAsyncRemote().sendPing(ByteBuffer.wrap("dialtone".getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException | RuntimeException e) {
                closeQuietly(s);
                return;
            }
            schedulePing(gen);
        });
    }

    private final class Ep extends Endpoint {
        private final int gen;

        Ep(int gen) {
            this.gen = gen;
        }

        @Override
        public void onOpen(Session s, EndpointConfig config) {
            s.addMessageHandler(String.class, (MessageHandler.Whole<String>) text ->
                    deliver(text.getBytes(StandardCharsets.UTF_8)));
            s.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) buf -> {
                byte[] data = new byte[buf.remaining()];
                buf.get(data);
                deliver(data);
            });
            s.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) p ->
                    loop.execute(() -> lastPong = System.nanoTime()));
        }

        /**
         * Hands a message to the UA loop, at most {@link #MAX_QUEUED} at a time: when the loop is behind, the socket's
         * reading thread waits here, so the server's flood stays in the TCP window instead of in our memory, and
         * the loop's timers (setup timeout, --duration) still run on time between the messages it does take.
         */
        private void deliver(byte[] data) {
            try {
                while (!inbound.tryAcquire(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    if (gen != generation || closingLocally) {
                        return; // closing: drop instead of waiting for a loop that is going away
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            loop.execute(() -> {
                try {
                    if (gen == generation) {
                        listener.onMessage(data);
                    }
                } finally {
                    inbound.release();
                }
            });
        }

        @Override
        public void onClose(Session s, CloseReason reason) {
            int code = reason.getCloseCode().getCode();
            String text = reason.getReasonPhrase();
            loop.execute(() -> {
                if (gen != generation) {
                    return;
                }
                session = null;
                if (pinger != null) {
                    pinger.cancel();
                }
                listener.onClosed(code, text, closingLocally);
            });
        }

        @Override
        public void onError(Session s, Throwable thr) {
            // onClose follows; the error itself has nothing the user needs beyond the close code
        }
    }

    @Override
    public boolean send(String message) {
        Session s = session;
        if (s == null || !s.isOpen()) {
            return false;
        }
        try {
            s.getAsyncRemote().sendText(message);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closingLocally = true;
        if (pinger != null) {
            pinger.cancel();
        }
        Session s = session;
        if (s != null && s.isOpen()) {
            try {
                s.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
            } catch (IOException | RuntimeException e) {
                // the close event still follows, or the socket is already gone
            }
        } else {
            generation++;
        }
        ClientManager c = client;
        if (c != null) {
            Thread t = new Thread(c::shutdown, "ws-shutdown");
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Tyrus gives every ClientManager its own scheduled pool of 10 threads (and a cached pool) for handshake timeouts
     * and its own tasks; one process with hundreds of user agents ({@code dialtone load}) shares one of each.
     */
    private static final class SharedExecutorsClient extends ClientManager {
        private static final java.util.concurrent.atomic.AtomicInteger N = new java.util.concurrent.atomic.AtomicInteger();
        private static final java.util.concurrent.ThreadFactory DAEMONS = r -> {
            Thread t = new Thread(r, "ws-tyrus-" + N.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        private static final java.util.concurrent.ExecutorService EXEC = java.util.concurrent.Executors.newCachedThreadPool(DAEMONS);
        private static final java.util.concurrent.ScheduledExecutorService SCHED =
                java.util.concurrent.Executors.newScheduledThreadPool(2, DAEMONS);

        /** {@link FrameGuard} around Tyrus's container ({@link TyrusInternals#guard}); FrameGuardTest checks it. */
        SharedExecutorsClient() {
            guarded = TyrusInternals.guard(this, MAX_MESSAGE);
        }

        final boolean guarded;

        @Override
        public java.util.concurrent.ExecutorService getExecutorService() {
            return EXEC;
        }

        @Override
        public java.util.concurrent.ScheduledExecutorService getScheduledExecutorService() {
            return SCHED;
        }
    }

    /** Whether {@link FrameGuard} is in place around Tyrus's container (FrameGuardTest checks it for this Tyrus). */
    static boolean frameGuardInstalled() {
        return new SharedExecutorsClient().guarded;
    }

    /** Whether this process ever opened a WebSocket (so that exit does not load Tyrus just to stop it). */
    private static volatile boolean opened;

    /**
     * At process exit: stops Tyrus's shared Grizzly transport, whose selector threads sit in native code; the JVM's
     * exit waits up to 300 ms for every such thread (a call used to end 300 ms after its last event). Bounded; any
     * failure leaves things as they were ({@link TyrusInternals#closeSharedTransport}).
     */
    public static void stopSharedTransport(long maxMillis) {
        if (!opened) {
            return;
        }
        dialtone.support.Bounded.run("ws-stop", () -> {
            TyrusInternals.closeSharedTransport();
        }, maxMillis);
    }

    /** Loads and initialises the WebSocket client's classes now (a cold first connect spends most of its time there). */
    public static void prewarm() {
        for (String c : new String[] {"org.glassfish.tyrus.client.ClientManager",
                "org.glassfish.tyrus.container.grizzly.client.GrizzlyClientContainer",
                "org.glassfish.tyrus.container.grizzly.client.GrizzlyClientSocket",
                "org.glassfish.tyrus.client.TyrusClientEngine", "org.glassfish.tyrus.core.TyrusWebSocketEngine",
                "org.glassfish.grizzly.nio.transport.TCPNIOTransport", "org.glassfish.grizzly.ssl.SSLFilter",
                "org.glassfish.tyrus.core.ProtocolHandler", "org.glassfish.tyrus.core.frame.TextFrame"}) {
            try {
                Class.forName(c, true, WebSocketTransport.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // a head start only
            }
        }
        try {
            new SharedExecutorsClient().getProperties();
        } catch (RuntimeException | LinkageError e) {
            // a head start only
        }
    }

    private static void closeQuietly(Session s) {
        try {
            s.close();
        } catch (IOException | RuntimeException e) {
            // nothing to do
        }
    }

    private Failure explain(Throwable e) {
        String where = uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        String tls = TlsErrors.explain(e);
        if (tls != null) {
            return Failure.of(Layer.TRANSPORT, Cause.TLS_FAILED, "TLS to " + where + " failed: " + tls);
        }
        StringBuilder all = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                return Failure.of(Layer.TRANSPORT, Cause.CONNECTION_ERROR, "cannot connect to " + where + ": connection refused");
            }
            if (c instanceof java.net.UnknownHostException) {
                return Failure.of(Layer.TRANSPORT, Cause.CONNECTION_ERROR, "cannot resolve " + uri.getHost() + " (DNS)");
            }
            if (c.getMessage() != null) {
                all.append(c.getMessage()).append("; ");
            }
        }
        String m = all.toString().toLowerCase(Locale.ROOT);
        if (m.contains("timeout") || m.contains("timed out")) {
            return Failure.of(Layer.TRANSPORT, Cause.REQUEST_TIMEOUT, "the WebSocket handshake with " + where
                    + " did not complete within " + handshakeTimeout.toSeconds() + " s");
        }
        if (m.contains("response code was not 101") || m.contains("status code")) {
            return Failure.of(Layer.TRANSPORT, Cause.CONNECTION_ERROR, "the server at " + where
                    + " refused the WebSocket upgrade: " + firstLine(all.toString()));
        }
        return Failure.of(Layer.TRANSPORT, Cause.CONNECTION_ERROR, "WebSocket to " + where + " failed: "
                + (all.length() == 0 ? e.getClass().getSimpleName() : firstLine(all.toString())));
    }

    private static String firstLine(String s) {
        String t = s.split("; ")[0];
        return t.length() > 160 ? t.substring(0, 160) + "..." : t;
    }
}
