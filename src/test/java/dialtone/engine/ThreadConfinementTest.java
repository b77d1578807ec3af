package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dialtone.config.Mode;
import dialtone.config.SipProfile;
import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.Originator;
import dialtone.sip.message.SipRequest;
import dialtone.sip.transaction.ServerTransaction;
import dialtone.testing.FakeTransport;
import dialtone.testing.SipReplies;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A call's state has one owner, its UA loop: every entry point of {@link Call}, {@link Answerer} and {@link Session}
 * entered from another thread fails at once (before it changes anything), as the real loop and the test scheduler
 * both assert.
 */
class ThreadConfinementTest extends UaTestBase {
    static final String INVITE = "INVITE sip:alice@abc.invalid;transport=ws SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=z9hG4bKin1\n"
            + "From: <sip:bob@example.com>;tag=b1\nTo: <sip:alice@example.com>\nCall-ID: in-1\nCSeq: 1 INVITE\n"
            + "Contact: <sip:bob@192.0.2.9;transport=ws>\nMax-Forwards: 70\nContent-Type: application/sdp\n"
            + "Content-Length: " + CallTest.OFFER.length() + "\n\n" + CallTest.OFFER.replace("\r\n", "\n");

    ServerTransaction inviteSt;

    /** Runs {@code r} on a thread of its own; returns what it threw (null: nothing). */
    static Throwable offLoop(Runnable r) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "foreign");
        t.start();
        t.join(5000);
        return thrown.get();
    }

    /** {@code r} entered off the loop throws the loop's assertion, and neither publishes nor sends anything. */
    void refusedOffLoop(String what, Runnable r) throws InterruptedException {
        int before = events.size();
        int sent = wire.sent.size();
        Throwable t = offLoop(r);
        if (t == null) {
            fail(what + " ran off the loop thread without complaint");
        }
        assertTrue((t instanceof AssertionError || t instanceof IllegalStateException)
                && String.valueOf(t.getMessage()).contains("loop"), what + " threw " + t);
        assertEquals(before, events.size(), what + " published off the loop: " + events.subList(before, events.size()));
        assertEquals(sent, wire.sent.size(), what + " sent off the loop");
    }

    Call outbound() {
        Call c = new Call(loop, ua, events::add, "call", new Call.Spec(Duration.ofSeconds(5), Duration.ofSeconds(10), null,
                null, List.of(), null, false), true);
        c.dial("sip:bob@example.com", "sip:alice@example.com", List.of(), new FakeMedia(), CallTest.OFFER);
        return c;
    }

    Call inbound() {
        ua.setRequestHandler(st -> {
            inviteSt = st;
            return true;
        });
        wire.deliver(INVITE);
        Call c = new Call(loop, ua, events::add, "inbound#1", Call.Spec.answering(null), false);
        c.incoming(inviteSt);
        return c;
    }

    @Test
    void everyEntryPointOfAnOutboundCallRefusesAForeignThread() throws Exception {
        Call fresh = new Call(loop, ua, events::add, "call", new Call.Spec(null, Duration.ofSeconds(10), null, null, List.of(),
                null, false), true);
        refusedOffLoop("dial", () -> fresh.dial("sip:bob@example.com", "sip:alice@example.com", List.of(),
                new FakeMedia(), CallTest.OFFER));
        Call c = outbound();
        SipRequest invite = wire.lastRequest();
        Failure f = Failure.of(Layer.MEDIA, Cause.ICE_FAILED, "ICE failed");
        refusedOffLoop("fail", () -> c.fail(f));
        refusedOffLoop("lost", () -> c.lost(f));
        refusedOffLoop("hangUp", () -> c.hangUp("bye"));
        refusedOffLoop("end", () -> c.end(f));
        refusedOffLoop("onFailed", () -> c.onFailed(f));
        refusedOffLoop("onProgress", () -> c.onProgress((dialtone.sip.message.SipResponse) FakeTransport.parse(SipReplies.reply(invite, 180, "Ringing"))));
        refusedOffLoop("onAnswered", () -> c.onAnswered(CallTest.ANSWER));
        refusedOffLoop("onEnding", () -> c.onEnding(Originator.REMOTE));
        refusedOffLoop("onEnded", () -> c.onEnded(Originator.REMOTE, "BYE"));
        refusedOffLoop("answered", c::answered);
        refusedOffLoop("dialog", c::dialog);
        refusedOffLoop("media", c::media);
        // and the call is untouched: answered on the loop, it talks and passes
        wire.deliver(SipReplies.reply(invite, 200, "OK"));
        assertTrue(!c.finished().isDone(), "nothing ended the call");
    }

    @Test
    void everyEntryPointOfAnInboundCallRefusesAForeignThread() throws Exception {
        Call fresh = new Call(loop, ua, events::add, "inbound#2", Call.Spec.answering(null), false);
        Call c = inbound();
        refusedOffLoop("incoming", () -> fresh.incoming(inviteSt));
        refusedOffLoop("ring", c::ring);
        refusedOffLoop("reject", () -> c.reject(486, "Busy Here", "busy"));
        refusedOffLoop("answer", () -> c.answer(CompletableFuture.completedFuture(new FakeMedia()), CallTest.OFFER));
        refusedOffLoop("onDialogRequest", () -> c.onDialogRequest(c.dialog(), inviteSt));
        assertTrue(!c.finished().isDone(), "nothing ended the call");
    }

    @Test
    void aFailureFromAnotherThreadIsPostedToTheLoop() throws Exception {
        Call c = outbound();
        wire.deliver(okWithSdp(wire.lastRequest()));
        Failure f = Failure.of(Layer.MEDIA, Cause.ICE_FAILED, "ICE failed");
        assertEquals(null, offLoop(() -> c.failures().accept(f)));
        assertTrue(events.stream().noneMatch(e -> e instanceof dialtone.event.CallEvent.Failed), "not yet: posted");
        loop.runPosted();
        assertEquals("BYE", wire.lastRequest().method());
        wire.deliver(SipReplies.reply(wire.lastRequest(), 200, "OK"));
        assertEquals(Cause.ICE_FAILED, loop.await(c.finished(), Duration.ofSeconds(5)).failure().cause());
    }

    static String okWithSdp(SipRequest invite) {
        return okWithSdp(invite, CallTest.ANSWER);
    }

    /** The far end's 200 to {@code invite}, its answer {@code sdp}. */
    static String okWithSdp(SipRequest invite, String sdp) {
        String r = SipReplies.reply(invite, 200, "OK", "Contact: <sip:bob@192.0.2.9;transport=ws>",
                "Content-Type: application/sdp");
        return r.replace("Content-Length: 0\n\n", "Content-Length: " + sdp.length() + "\n\n" + sdp.replace("\r\n", "\n"));
    }

    @Test
    void answererAndSessionRefuseAForeignThread() throws Exception {
        Session session = newSession();
        try {
            Answerer a = new Answerer(session, events::add, AnswerMode.parse("echo", Duration.ZERO), (play, n) -> null,
                    (l, p, s, o, f) -> new CompletableFuture<>(), null, 1);
            Call c = inbound();
            Throwable t = offLoop(() -> a.onRequest(inviteSt));
            assertTrue(t instanceof IllegalStateException && t.getMessage().contains("loop"), String.valueOf(t));
            assertEquals(0, a.calls(), "the INVITE was not taken off the loop");
            t = offLoop(a::hangUp);
            assertTrue(t instanceof IllegalStateException, String.valueOf(t));
            for (Runnable r : List.<Runnable>of(() -> session.add(c), session::calls, session::register)) {
                t = offLoop(r);
                assertTrue(t instanceof IllegalStateException && t.getMessage().contains("loop"), String.valueOf(t));
            }
            CompletableFuture<Integer> onLoop = new CompletableFuture<>();
            session.loop().execute(() -> onLoop.complete(session.calls().size()));
            assertEquals(0, onLoop.get(5, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            session.loop().close();
        }
    }

    static Session newSession() {
        SipProfile p = new SipProfile("test", Mode.RUNTIME, URI.create("wss://example.invalid/ws"), "example.invalid", "alice",
                null, "alice", false, "sip:alice@example.invalid", null, Map.of(), null, null, null, null, null);
        List<Event> ev = new ArrayList<>();
        return new Session(Session.newLoop(ev::add, Clock.systemUTC(), "t"), p, (javax.net.ssl.SSLContext) null, ev::add, Clock.systemUTC(), "t",
                new Session.Options(Duration.ofSeconds(5), Duration.ofSeconds(30), 600, Duration.ofSeconds(5), "dialtone/test",
                        "not needed"), new Session.Listener() { });
    }
}
