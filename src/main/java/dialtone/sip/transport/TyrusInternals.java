package dialtone.sip.transport;

import jakarta.websocket.Session;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.glassfish.tyrus.client.ClientManager;

/**
 * The only place dialtone reaches into Tyrus (2.2.0) past its API, and why no supported API does the same. Checked
 * against tyrus-standalone-client 2.2.0: {@code ClientManager}, {@code ClientProperties} ({@code HANDSHAKE_TIMEOUT},
 * {@code RECONNECT_HANDLER}, {@code SSL_ENGINE_CONFIGURATOR}, {@code INCOMING_BUFFER_SIZE}, {@code SHARED_CONTAINER},
 * {@code SHARED_CONTAINER_IDLE_TIMEOUT}, {@code WORKER_THREAD_POOL_CONFIG}, {@code SOCKET_BINDING}, ...) and
 * {@code TyrusSession}.
 * <ul>
 * <li>{@link #guard}: {@link FrameGuard} must sit between Grizzly and Tyrus's frame parser. Tyrus picks its container
 * by class name only ({@code ClientManager.createClient(String)}, instantiated with a no-argument constructor, no way
 * to hand it the size limit), and that path goes through a private constructor, so the {@code ClientManager}
 * subclass that shares dialtone's executors cannot use it; no property wraps the container or the connection's
 * filter chain. ({@code RECONNECT_HANDLER} is not used: reconnection is dialtone's own, {@link Reconnection}, so that
 * the timeline shows each attempt; {@code SSL_ENGINE_CONFIGURATOR} is what WebSocketTransport already uses for TLS.)
 * <li>{@link #endpoints}: the Jakarta {@code Session} has no address; {@code TyrusSession.getRemoteAddr()} is the
 * peer's IP without the port, and there is nothing for the local address. Grizzly's connection has both.
 * <li>{@link #closeSharedTransport}: {@code SHARED_CONTAINER_IDLE_TIMEOUT} stops the shared transport after an idle
 * time, not at exit; the method Tyrus itself calls then is package-private.
 * </ul>
 * Each step fails soft: should a Tyrus be shaped differently, {@link #guard} returns false (FrameGuardTest fails on
 * it), {@link #endpoints} nulls (only the timeline's addresses depend on them), and the exit waits as before.
 */
final class TyrusInternals {
    private TyrusInternals() {
    }

    /** Wraps {@code client}'s container in a {@link FrameGuard.Container}; false when it could not. */
    static boolean guard(ClientManager client, int maxMessage) {
        try {
            Field f = ClientManager.class.getDeclaredField("container");
            f.setAccessible(true);
            f.set(client, new FrameGuard.Container((org.glassfish.tyrus.spi.ClientContainer) f.get(client), maxMessage));
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** The TCP connection's local and remote address ("ip:port"), Grizzly's connection four private fields down. */
    static String[] endpoints(Session s) {
        try {
            Object o = s;
            for (String[] step : new String[][] {{"org.glassfish.tyrus.core.TyrusSession", "asyncRemote"},
                    {"org.glassfish.tyrus.core.TyrusRemoteEndpoint", "webSocket"},
                    {"org.glassfish.tyrus.core.TyrusWebSocket", "protocolHandler"},
                    {"org.glassfish.tyrus.core.ProtocolHandler", "writer"},
                    {"org.glassfish.tyrus.container.grizzly.client.GrizzlyWriter", "connection"}}) {
                Field f = Class.forName(step[0]).getDeclaredField(step[1]);
                f.setAccessible(true);
                o = f.get(o);
                if (o == null) {
                    return new String[2];
                }
            }
            org.glassfish.grizzly.Connection<?> c = (org.glassfish.grizzly.Connection<?>) o;
            return new String[] {WebSocketTransport.hostPort(c.getLocalAddress()),
                WebSocketTransport.hostPort(c.getPeerAddress())};
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return new String[2];
        }
    }

    /** Stops Tyrus's shared Grizzly transport now. */
    static void closeSharedTransport() {
        try {
            Method m = Class.forName("org.glassfish.tyrus.container.grizzly.client.GrizzlyClientSocket")
                    .getDeclaredMethod("closeSharedTransport");
            m.setAccessible(true);
            m.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // another Tyrus: the exit just waits as before
        }
    }
}
