package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.config.Mode;
import dialtone.config.SipProfile;
import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.Originator;
import dialtone.event.RegistrationEvent;
import dialtone.sip.message.SipRequest;
import dialtone.support.Secret;
import dialtone.support.UaLoop;
import dialtone.testing.FakeTransport;
import dialtone.testing.SipReplies;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One user agent's life on a real {@link Session} and its loop thread over an in-memory transport: REGISTER answered
 * through a digest challenge, a refused registration said on its layer with the registrar's status, a socket lost
 * before the registration, the bounded teardown (un-REGISTER, socket closed, loop ended), and the entry points that
 * belong to the loop.
 */
class SessionTest {
    static final SipProfile LEGACY = new SipProfile("test", Mode.LEGACY, URI.create("wss://example.com/ws"), "example.com",
            "alice", Secret.of("wonderland"), "alice", false, "sip:alice@example.com", null, Map.of(), null, null, null,
            null, null);
    static final SipProfile RUNTIME = new SipProfile("test", Mode.RUNTIME, URI.create("wss://example.com/ws"), "example.com",
            "alice", null, "alice", false, "sip:alice@example.com", null, Map.of(), null, null, null, null, null);
    static final String CHALLENGE = "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\", qop=\"auth\"";

    UaLoop loop;
    volatile FakeTransport wire;
    Session session;
    final List<Event> events = new CopyOnWriteArrayList<>();
    /** What the listener heard, each with whether it heard it on the loop thread. */
    final List<String> heard = new CopyOnWriteArrayList<>();
    final CompletableFuture<Failure> failed = new CompletableFuture<>();

    Session session(SipProfile p, Duration requestTimeout) {
        loop = Session.newLoop(events::add, Clock.systemUTC(), "t");
        session = new Session(loop, p, l -> wire = new FakeTransport(l), events::add, Clock.systemUTC(), "t",
                new Session.Options(Duration.ofSeconds(5), Duration.ofSeconds(30), 600, requestTimeout, "dialtone/test",
                        "a runtime endpoint needs no REGISTER"), new Session.Listener() {
                    @Override
                    public void onRegistered(int expires, boolean refresh) {
                        heard.add("registered " + expires + (refresh ? " refresh" : "") + onLoop());
                    }

                    @Override
                    public void onRegistrationFailed(Failure f) {
                        heard.add("failed " + f.cause() + onLoop());
                        failed.complete(f);
                    }

                    @Override
                    public void onUnregistered() {
                        heard.add("unregistered" + onLoop());
                    }

                    @Override
                    public void onDisconnected(String why) {
                        heard.add("disconnected" + onLoop());
                    }
                });
        return session;
    }

    String onLoop() {
        return loop.onLoop() ? "" : " OFF THE LOOP";
    }

    @AfterEach
    void tearDown() {
        if (loop != null) {
            loop.close();
        }
    }

    <T> T onLoop(Callable<T> c) throws Exception {
        return OnLoop.call(loop, c);
    }

    /** The {@code n}th request the UA sent (from 1) once it is there, read on the loop. */
    SipRequest request(int n, Predicate<SipRequest> is) throws Exception {
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            List<SipRequest> sent = onLoop(() -> wire == null ? List.<SipRequest>of() : wire.sent.stream()
                    .map(FakeTransport::parse).filter(m -> m instanceof SipRequest).map(m -> (SipRequest) m).toList());
            if (sent.size() >= n) {
                SipRequest r = sent.get(n - 1);
                assertTrue(is.test(r), "request " + n + ": " + r.startLine() + " " + r.header("Expires").orElse(""));
                return r;
            }
            Thread.sleep(2);
        }
        throw new AssertionError("request " + n + " was not sent within 5 s");
    }

    void reply(SipRequest r, int status, String reason, String... extra) throws Exception {
        onLoop(() -> {
            wire.deliver(SipReplies.reply(r, status, reason, extra));
            return null;
        });
    }

    static boolean register(SipRequest r) {
        return r.method().equals("REGISTER");
    }

    /** REGISTER, 401 with a digest challenge, REGISTER with the answer, 200 granting our contact 300 s. */
    SipRequest registerThroughChallenge() throws Exception {
        SipRequest first = request(1, SessionTest::register);
        assertFalse(first.header("Authorization").isPresent());
        reply(first, 401, "Unauthorized", CHALLENGE);
        SipRequest second = request(2, SessionTest::register);
        String auth = second.header("Authorization").orElseThrow();
        assertTrue(auth.contains("username=\"alice\"") && auth.contains("nonce=\"n1\"") && auth.contains("response=\""), auth);
        assertTrue(onLoop(() -> wire.sent.stream().noneMatch(m -> m.contains("wonderland"))), "the password never goes out");
        assertEquals(first.callId(), second.callId(), "one Call-ID per registration");
        assertEquals(first.cseq().orElseThrow().number() + 1, second.cseq().orElseThrow().number());
        reply(second, 200, "OK", "Contact: " + second.header("Contact").orElseThrow().replace("expires=600", "expires=300"));
        return second;
    }

    @Test
    void registersThroughADigestChallenge() throws Exception {
        session(LEGACY, Duration.ofSeconds(5)).start();
        registerThroughChallenge();
        assertNull(session.ready().get(5, TimeUnit.SECONDS), "ready once registered");
        assertEquals(List.of("registered 300"), heard, "the granted expires, heard on the loop");
        assertTrue(events.stream().anyMatch(e -> e instanceof RegistrationEvent.Challenged c && c.status() == 401
                && c.realm().equals("example.com")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e instanceof RegistrationEvent.Registered g && g.expires() == 300),
                events.toString());
    }

    @Test
    void notReadyUntilTheRegistrarAnswers() throws Exception {
        session(LEGACY, Duration.ofSeconds(5)).start();
        SipRequest first = request(1, SessionTest::register);
        reply(first, 401, "Unauthorized", CHALLENGE);
        request(2, SessionTest::register);
        Thread.sleep(100);
        assertFalse(session.ready().isDone(), "a challenge is not a registration");
        assertEquals(List.of(), heard);
    }

    @Test
    void aRefusedRegistrationIsSaidOnItsLayerWithTheStatus() throws Exception {
        session(LEGACY, Duration.ofSeconds(5)).start();
        reply(request(1, SessionTest::register), 403, "Forbidden");
        Failure f = session.ready().get(5, TimeUnit.SECONDS);
        assertEquals(Layer.REGISTRATION, f.layer(), f.toString());
        assertEquals(403, f.status());
        assertEquals(Originator.REMOTE, f.originator());
        assertEquals("the registrar refused the registration: 403 Forbidden", f.message());
        assertSame(f, failed.get(5, TimeUnit.SECONDS), "the listener hears the same failure");
        assertEquals(1, heard.size(), heard.toString());
        assertTrue(heard.get(0).startsWith("failed ") && !heard.get(0).contains("OFF THE LOOP"), heard.toString());
    }

    @Test
    void wrongCredentialsAreAnAuthenticationErrorWith401() throws Exception {
        session(LEGACY, Duration.ofSeconds(5)).start();
        reply(request(1, SessionTest::register), 401, "Unauthorized", CHALLENGE);
        reply(request(2, SessionTest::register), 401, "Unauthorized", CHALLENGE.replace("n1", "n2"));
        Failure f = session.ready().get(5, TimeUnit.SECONDS);
        assertEquals(Layer.REGISTRATION, f.layer());
        assertEquals(Cause.AUTHENTICATION_ERROR, f.cause());
        assertEquals(401, f.status());
        assertTrue(f.message().contains("wrong username or password"), f.message());
        assertEquals(List.of("failed AUTHENTICATION_ERROR"), heard);
    }

    @Test
    void aSocketLostBeforeTheRegistrationIsATransportFailure() throws Exception {
        session(LEGACY, Duration.ofSeconds(5)).start();
        request(1, SessionTest::register);
        onLoop(() -> {
            wire.drop();
            return null;
        });
        Failure f = session.ready().get(5, TimeUnit.SECONDS);
        assertEquals(Layer.TRANSPORT, f.layer(), f.toString());
        assertEquals(Cause.CONNECTION_ERROR, f.cause());
        assertTrue(f.message().startsWith("the WebSocket closed (") && f.message().endsWith("before the registration completed"),
                f.message());
        assertTrue(heard.contains("disconnected"), heard.toString());
    }

    @Test
    void aRuntimeEndpointIsReadyWithoutRegister() throws Exception {
        session(RUNTIME, Duration.ofSeconds(5)).start();
        assertNull(session.ready().get(5, TimeUnit.SECONDS));
        assertEquals(List.of(), onLoop(() -> List.copyOf(wire.sent)), "no REGISTER");
        assertTrue(events.stream().anyMatch(e -> e instanceof RegistrationEvent.NotNeeded n
                && n.reason().equals("a runtime endpoint needs no REGISTER")), events.toString());
    }

    @Test
    void teardownUnregistersClosesTheSocketAndEndsTheLoop() throws Exception {
        session(LEGACY, Duration.ofSeconds(5)).start();
        SipRequest reg = registerThroughChallenge();
        assertNull(session.ready().get(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(session::close);
        SipRequest un = request(3, SessionTest::register);
        assertEquals("0", un.header("Expires").orElseThrow());
        assertTrue(un.header("Contact").orElseThrow().endsWith(";expires=0"), un.header("Contact").orElseThrow());
        assertEquals(reg.callId(), un.callId(), "the registration's Call-ID");
        assertTrue(un.cseq().orElseThrow().number() > reg.cseq().orElseThrow().number());
        reply(un, 200, "OK");
        closed.get(3, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 4000, "an answered un-REGISTER does not wait for the 5 s bound: " + ms + " ms");
        assertFalse(wire.connected, "the socket is closed");
        assertTrue(loop.closed(), "the loop is ended");
        assertEquals(List.of("registered 300", "unregistered"), heard);
    }

    @Test
    void teardownIsBoundedWhenTheRegistrarNeverAnswers() throws Exception {
        // Timer F longer than the teardown's own bound: only the bound ends the wait
        session(LEGACY, Duration.ofSeconds(32)).start();
        registerThroughChallenge();
        assertNull(session.ready().get(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(session::close);
        request(3, r -> register(r) && r.header("Expires").orElseThrow().equals("0"));
        closed.get(8, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 4500 && ms < 8000, "bounded by about 5 s (Timer F is 32 s): " + ms + " ms");
        assertFalse(wire.connected, "the socket is closed anyway");
        assertTrue(loop.closed());
    }

    @Test
    void teardownWithoutARegistrationSendsNothing() throws Exception {
        session(RUNTIME, Duration.ofSeconds(5)).start();
        assertNull(session.ready().get(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        session.close();
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 2000);
        assertTrue(wire.sent.isEmpty(), wire.sent.toString());
        assertFalse(wire.connected);
        assertTrue(loop.closed());
    }

    @Test
    void theLoopsEntryPointsRefuseOtherThreads() throws Exception {
        session(LEGACY, Duration.ofSeconds(5)).start();
        registerThroughChallenge();
        assertNull(session.ready().get(5, TimeUnit.SECONDS));
        IllegalStateException e = assertThrows(IllegalStateException.class, session::register);
        assertTrue(e.getMessage().contains("loop"), e.getMessage());
        assertThrows(IllegalStateException.class, session::calls);
        assertEquals(List.of(), onLoop(session::calls));
        // on the loop, register() REGISTERs again (a refresh of the registration)
        onLoop(() -> {
            session.register();
            return null;
        });
        SipRequest again = request(3, SessionTest::register);
        reply(again, 200, "OK", "Expires: 300");
        long end = System.nanoTime() + 5_000_000_000L;
        while (heard.size() < 2 && System.nanoTime() < end) {
            Thread.sleep(2);
        }
        assertEquals(List.of("registered 300", "registered 300 refresh"), heard);
    }

    @Test
    void requestsOutsideTheCallsGoToTheInboundHandlerOnTheLoop() throws Exception {
        session(RUNTIME, Duration.ofSeconds(5));
        CompletableFuture<String> got = new CompletableFuture<>();
        session.setInboundHandler(st -> {
            got.complete(st.request().method() + onLoop());
            return true;
        });
        session.start();
        assertNull(session.ready().get(5, TimeUnit.SECONDS));
        onLoop(() -> {
            wire.deliver("OPTIONS sip:alice@example.com SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=z9hG4bKo1\n"
                    + "From: <sip:bob@example.com>;tag=b1\nTo: <sip:alice@example.com>\nCall-ID: o-1\nCSeq: 1 OPTIONS\n"
                    + "Max-Forwards: 70\nContent-Length: 0\n\n");
            return null;
        });
        assertEquals("OPTIONS", got.get(5, TimeUnit.SECONDS));
    }
}
