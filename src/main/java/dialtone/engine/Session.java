package dialtone.engine;

import dialtone.config.SipProfile;
import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.RunEvent;
import dialtone.sip.auth.DigestCredentials;
import dialtone.sip.transaction.ServerTransaction;
import dialtone.sip.transport.WebSocketTransport;
import dialtone.sip.ua.Identity;
import dialtone.sip.ua.Registration;
import dialtone.sip.ua.RequestHandler;
import dialtone.sip.ua.UserAgent;
import dialtone.support.UaLoop;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * One user agent's life, shared by every subcommand: its loop thread, its WSS transport, its registration (legacy
 * and direct profiles; a runtime endpoint needs none), the calls it carries (requests inside a call's dialog go to
 * that call; a new INVITE to the inbound handler), the loss of its connection, and its bounded teardown.
 */
public final class Session {
    /** How to connect and register. */
    public record Options(Duration handshakeTimeout, Duration keepAlive, int expires, Duration requestTimeout,
                          String userAgent, String notNeeded, boolean registerOnConnect) {
        public Options(Duration handshakeTimeout, Duration keepAlive, int expires, Duration requestTimeout,
                       String userAgent, String notNeeded) {
            this(handshakeTimeout, keepAlive, expires, requestTimeout, userAgent, notNeeded, true);
        }
    }

    /** What the scenario hears about the session (on the loop). */
    public interface Listener {
        default void onRegistered(int expires, boolean refresh) {
        }

        default void onRegistrationFailed(Failure f) {
        }

        default void onUnregistered() {
        }

        /** The WebSocket dropped; {@code why} describes the close. The UA tries to reconnect. */
        default void onDisconnected(String why) {
        }

        default void onReconnected() {
        }
    }

    private final UaLoop loop;
    private final UserAgent ua;
    private final Registration reg;
    private final SipProfile profile;
    private final CompletableFuture<Failure> ready = new CompletableFuture<>();
    private final List<Call> calls = new ArrayList<>();
    private volatile RequestHandler inbound;
    private final Listener listener;

    public Session(SipProfile profile, SSLContext ssl, Consumer<Event> publish, Clock clock, String scenario,
                   Options o, Listener listener) {
        this(newLoop(publish, clock, scenario), profile, ssl, publish, clock, scenario, o, listener);
    }

    /** A UA loop that reports its own bugs as events (a session takes it over, and closes it). */
    static UaLoop newLoop(Consumer<Event> publish, Clock clock, String scenario) {
        return new UaLoop(clock, bug -> publish.accept(new RunEvent.InternalError(clock.instant(), scenario,
                "ua loop", bug.getClass().getSimpleName() + ": " + bug.getMessage())));
    }

    /** A session on a loop made before it (a call's media may start on it while the configuration is fetched). */
    Session(UaLoop loop, SipProfile profile, SSLContext ssl, Consumer<Event> publish, Clock clock, String scenario,
            Options o, Listener listener) {
        this(loop, profile, l -> new WebSocketTransport(profile.wsUri(), ssl, loop, l, o.handshakeTimeout(), o.keepAlive()),
                publish, clock, scenario, o, listener);
    }

    /** A session on {@code transport} (unit tests: an in-memory one). */
    Session(UaLoop loop, SipProfile profile, java.util.function.Function<dialtone.sip.transport.TransportListener,
            dialtone.sip.transport.SipTransport> transport, Consumer<Event> publish, Clock clock, String scenario,
            Options o, Listener listener) {
        this.profile = profile;
        this.listener = listener;
        this.loop = loop;
        DigestCredentials creds = profile.password() == null ? null : new DigestCredentials(profile.authUser(), profile.password());
        Identity id = Identity.of(profile.aor(), profile.realm(), creds, o.userAgent());
        this.ua = new UserAgent(loop, id, transport, publish, scenario, profile.wsUri().toString());
        this.reg = !profile.needsRegister() ? null : new Registration(ua, o.expires(), publish, scenario,
                new Registration.Listener() {
                    @Override
                    public void onRegistered(int expires, boolean refresh) {
                        ready.complete(null);
                        listener.onRegistered(expires, refresh);
                    }

                    @Override
                    public void onFailed(Failure f) {
                        ready.complete(f);
                        listener.onRegistrationFailed(f);
                    }

                    @Override
                    public void onUnregistered() {
                        listener.onUnregistered();
                    }
                });
        ua.setRequestHandler(this::route);
        ua.setListener(new ConnectThenRegister(o.registerOnConnect() ? reg : null, publish, clock, scenario,
                o.notNeeded(), ready) {
            @Override
            public void onDisconnected(int code, String reason) {
                String why = CloseReasons.describe(code, reason);
                if (!ready.isDone()) {
                    ready.complete(Failure.of(Layer.TRANSPORT, Cause.CONNECTION_ERROR, "the WebSocket closed (" + why
                            + ") before the registration completed"));
                }
                if (reg != null) {
                    reg.connectionLost();
                }
                for (Call c : List.copyOf(calls)) {
                    c.lost(Failure.of(Layer.TRANSPORT, Cause.CONNECTION_ERROR, "the WebSocket to " + profile.wsUri()
                            + " was lost (" + why + ")" + (c.answered() ? " during the call" : " while calling")));
                }
                listener.onDisconnected(why);
            }

            @Override
            public void onReconnected() {
                if (reg != null) {
                    reg.register();
                }
                listener.onReconnected();
            }
        });
        ua.setRequestTimeout(o.requestTimeout());
    }

    /** Connects (and registers); {@link #ready()} completes with null or the failure. */
    public Session start() {
        loop.execute(ua::start);
        return this;
    }

    public CompletableFuture<Failure> ready() {
        return ready;
    }

    public UaLoop loop() {
        return loop;
    }

    public UserAgent ua() {
        return ua;
    }

    public SipProfile profile() {
        return profile;
    }

    /** REGISTERs now (a session made without registerOnConnect); the outcome comes to the listener. On the loop. */
    void register() {
        loop.assertOnLoop();
        if (reg != null) {
            reg.register();
        }
    }

    /** Takes new INVITEs (and other requests outside the calls' dialogs). */
    void setInboundHandler(RequestHandler h) {
        inbound = h;
    }

    /** Carries {@code c} (its in-dialog requests come to it) until it is finished. On the loop. */
    void add(Call c) {
        loop.assertOnLoop();
        calls.add(c);
        c.finished().whenComplete((r, e) -> loop.execute(() -> calls.remove(c)));
    }

    /** The calls in progress. On the loop. */
    List<Call> calls() {
        loop.assertOnLoop();
        return List.copyOf(calls);
    }

    private boolean route(ServerTransaction st) {
        loop.assertOnLoop();
        for (Call c : calls) {
            if (c.dialog() != null && c.dialog().owns(st.request())) {
                c.dialog().onRequest(st);
                return true;
            }
        }
        RequestHandler h = inbound;
        return h != null && h.onRequest(st);
    }

    /** REGISTER expires 0 (if registered), close the socket, end the loop; bounded. Not on the loop. */
    public void close() {
        Teardown.unregisterAndClose(loop, ua, reg);
    }
}
