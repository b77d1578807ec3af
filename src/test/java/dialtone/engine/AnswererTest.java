package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.config.Mode;
import dialtone.config.SipProfile;
import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Layer;
import dialtone.support.UaLoop;
import dialtone.testing.FakeTransport;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The answering side on a real {@link Session} and its loop thread, an in-memory transport and {@link FakeMedia}:
 * an inbound call rings, is answered with the media's SDP, is routed its BYE and judged; a second one beyond
 * --max-calls is busy; a call whose WebSocket drops ends with a transport failure.
 */
class AnswererTest {
    static final SipProfile PROFILE = new SipProfile("test", Mode.RUNTIME, URI.create("wss://example.invalid/ws"),
            "example.invalid", "alice", null, "alice", false, "sip:alice@example.invalid", null, Map.of(), null, null, null,
            null, null);

    UaLoop loop;
    FakeTransport wire;
    Session session;
    Answerer answerer;
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<FakeMedia> medias = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        loop = Session.newLoop(events::add, Clock.systemUTC(), "t");
        session = new Session(loop, PROFILE, l -> wire = new FakeTransport(l), events::add, Clock.systemUTC(), "t",
                new Session.Options(Duration.ofSeconds(5), Duration.ofSeconds(30), 600, Duration.ofSeconds(5), "dialtone/test",
                        "not needed"), new Session.Listener() { });
        answerer = new Answerer(session, events::add, AnswerMode.parse("echo", Duration.ZERO), (play, n) -> null,
                (l, p, s, o, f) -> {
                    FakeMedia m = new FakeMedia(l);
                    medias.add(m);
                    return CompletableFuture.completedFuture(m);
                }, null, 1);
        session.setInboundHandler(answerer);
        session.start();
        assertNull(session.ready().get(5, TimeUnit.SECONDS));
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    <T> T onLoop(Callable<T> c) throws Exception {
        return OnLoop.call(loop, c);
    }

    void deliver(String text) throws Exception {
        onLoop(() -> {
            wire.deliver(text);
            return null;
        });
    }

    List<String> sent() throws Exception {
        return onLoop(() -> List.copyOf(wire.sent));
    }

    static void waitFor(BooleanSupplier done, String what) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 5 s: " + what);
            }
            Thread.sleep(2);
        }
    }

    static String invite(String callId, String branch) {
        return ThreadConfinementTest.INVITE.replace("Call-ID: in-1", "Call-ID: " + callId).replace("z9hG4bKin1", branch);
    }

    /** The To of our 200 for {@code callId}, with its tag: the dialog's. */
    String dialogHeaders(String callId) throws Exception {
        String ok = sent().stream().filter(m -> m.startsWith("SIP/2.0 200") && m.contains("Call-ID: " + callId)).findFirst()
                .orElseThrow();
        return "From: <sip:bob@example.com>;tag=b1\nTo: " + FakeTransport.parse(ok).header("To").orElseThrow()
                + "\nCall-ID: " + callId + "\n";
    }

    void answered(String callId, String branch) throws Exception {
        deliver(invite(callId, branch));
        waitFor(() -> {
            try {
                return sent().stream().anyMatch(m -> m.startsWith("SIP/2.0 200") && m.contains("Call-ID: " + callId));
            } catch (Exception e) {
                return false;
            }
        }, "the 200 with our answer");
        deliver("ACK sip:alice@abc.invalid;transport=ws SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=" + branch + "a\n"
                + dialogHeaders(callId) + "CSeq: 1 ACK\nContent-Length: 0\n\n");
    }

    @Test
    void anInboundCallRingsIsAnsweredAndIsJudgedWhenTheFarEndHangsUp() throws Exception {
        answered("in-1", "z9hG4bKin1");
        List<String> out = sent();
        assertTrue(out.stream().anyMatch(m -> m.startsWith("SIP/2.0 180")), out.toString());
        assertTrue(out.stream().anyMatch(m -> m.startsWith("SIP/2.0 200") && m.contains("a=setup:active")), out.toString());
        assertEquals(1, (int) onLoop(() -> session.calls().size()));
        waitFor(() -> medias.get(0).did.contains("negotiated"), "the media negotiated");
        deliver("BYE sip:alice@abc.invalid;transport=ws SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=z9hG4bKbye1\n"
                + dialogHeaders("in-1") + "CSeq: 2 BYE\nContent-Length: 0\n\n");
        waitFor(() -> answerer.pendingVerdicts() == 0 && answerer.answered() == 1, "the verdict");
        assertTrue(answerer.failures().isEmpty(), answerer.failures().toString());
        medias.get(0).closed.get(5, TimeUnit.SECONDS);
        waitFor(() -> {
            try {
                return onLoop(() -> session.calls().isEmpty());
            } catch (Exception e) {
                return false;
            }
        }, "the session lets the call go");
        assertEquals(1, answerer.calls());
    }

    @Test
    void aCallBeyondMaxCallsIsBusy() throws Exception {
        answered("in-1", "z9hG4bKin1");
        deliver(invite("in-2", "z9hG4bKin2"));
        List<String> out = sent();
        assertTrue(out.stream().anyMatch(m -> m.startsWith("SIP/2.0 486") && m.contains("Call-ID: in-2")), out.toString());
        assertEquals(1, answerer.refusedBusy());
        assertEquals(1, answerer.calls());
    }

    @Test
    void aDroppedWebSocketEndsTheCallWithATransportFailure() throws Exception {
        answered("in-1", "z9hG4bKin1");
        waitFor(() -> medias.get(0).did.contains("negotiated"), "the media negotiated");
        onLoop(() -> {
            wire.drop();
            return null;
        });
        waitFor(() -> answerer.pendingVerdicts() == 0, "the verdict");
        assertEquals(1, answerer.failures().size(), answerer.failures().toString());
        assertEquals(Cause.CONNECTION_ERROR, answerer.failures().get(0).cause());
        assertEquals(Layer.TRANSPORT, answerer.failures().get(0).layer());
        assertTrue(answerer.failures().get(0).message().contains("during the call"), answerer.failures().get(0).message());
        assertTrue(medias.get(0).did.contains("end"), medias.get(0).did.toString());
    }
}
