package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.sip.message.SipRequest;
import dialtone.testing.FakeTransport;
import dialtone.testing.SipReplies;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The call path without network or native library: INVITE, answer, BYE, CANCEL, re-INVITE, failures, inbound. */
class CallTest extends UaTestBase {
    static final String OFFER = FakeMedia.OFFER;
    static final String ANSWER = FakeMedia.ANSWER;

    FakeMedia media;

    @BeforeEach
    void setUp() {
        media = new FakeMedia(loop);
    }

    Call outbound(Duration talk) {
        Call c = new Call(loop, ua, events::add, "call", new Call.Spec(talk, Duration.ofSeconds(10), null, null, List.of(),
                null, false), true);
        ua.setRequestHandler(st -> {
            if (c.dialog() != null && c.dialog().owns(st.request())) {
                c.dialog().onRequest(st); // what the Session does for its calls
                return true;
            }
            return false;
        });
        c.dial("sip:bob@example.com", "sip:alice@example.com", List.of(), media, OFFER);
        return c;
    }

    String okWithSdp(SipRequest invite) {
        String r = SipReplies.reply(invite, 200, "OK", "Contact: <sip:bob@192.0.2.9;transport=ws>",
                "Content-Type: application/sdp");
        return r.replace("Content-Length: 0\n\n", "Content-Length: " + ANSWER.length() + "\n\n" + ANSWER.replace("\r\n", "\n"));
    }

    /** The verdict, taken on the loop: the loop turns (runs what the call's end posts) while the test waits. */
    Call.Result result(Call c) throws Exception {
        return loop.await(c.finished(), Duration.ofSeconds(5));
    }

    @Test
    void answeredCallTalksThenSendsByeAndPasses() throws Exception {
        Call c = outbound(Duration.ofSeconds(3));
        SipRequest invite = wire.lastRequest();
        assertEquals("INVITE", invite.method());
        wire.deliver(SipReplies.reply(invite, 180, "Ringing"));
        wire.deliver(okWithSdp(invite));
        assertEquals("ACK", wire.lastRequest().method());
        assertEquals(List.of("accept", "negotiated"), media.did);
        loop.advance(Duration.ofSeconds(3));
        SipRequest bye = wire.lastRequest();
        assertEquals("BYE", bye.method());
        wire.deliver(SipReplies.reply(bye, 200, "OK"));
        Call.Result r = result(c);
        assertNull(r.failure(), String.valueOf(r.failure()));
        assertTrue(r.answered());
        assertEquals(3000, r.talkMs());
        assertTrue(media.did.contains("end") && media.did.contains("close"), media.did.toString());
    }

    @Test
    void unansweredCallIsCancelledAtTheSetupTimeout() throws Exception {
        Call c = outbound(Duration.ofSeconds(3));
        SipRequest invite = wire.lastRequest();
        wire.deliver(SipReplies.reply(invite, 180, "Ringing"));
        loop.advance(Duration.ofSeconds(10));
        assertEquals("CANCEL", wire.lastRequest().method());
        wire.deliver(SipReplies.reply(invite, 487, "Request Terminated"));
        Call.Result r = result(c);
        assertEquals(Cause.NO_ANSWER, r.failure().cause());
        assertEquals(Layer.CALL, r.failure().layer());
    }

    @Test
    void busyIsACallFailureWithItsStatus() throws Exception {
        Call c = outbound(Duration.ofSeconds(3));
        wire.deliver(SipReplies.reply(wire.lastRequest(), 486, "Busy Here"));
        Call.Result r = result(c);
        assertEquals(486, r.failure().status());
        assertEquals(Cause.BUSY, r.failure().cause());
        assertTrue(media.did.contains("close"), "the media is released: " + media.did);
    }

    @Test
    void farEndByeEndsTheCallAndTheMediaVerdictDecides() throws Exception {
        media.verdict = Failure.of(Layer.AUDIO, Cause.NO_MEDIA, "no RTP packet was received during the call");
        Call c = outbound(null);
        SipRequest invite = wire.lastRequest();
        wire.deliver(okWithSdp(invite));
        wire.deliver("BYE sip:alice@abc.invalid;transport=ws SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=z9hG4bKbye1\n"
                + "From: " + invite.header("To").orElseThrow() + ";tag=srv\nTo: " + invite.header("From").orElseThrow() + "\n"
                + "Call-ID: " + invite.callId() + "\nCSeq: 2 BYE\nContent-Length: 0\n\n");
        assertTrue(wire.sent.get(wire.sent.size() - 1).startsWith("SIP/2.0 200"), wire.sent.get(wire.sent.size() - 1));
        Call.Result r = result(c);
        assertEquals(Cause.NO_MEDIA, r.failure().cause());
        assertEquals("remote", r.summary().get("endedBy"));
    }

    @Test
    void reInviteIsAnsweredByTheMedia() throws Exception {
        Call c = outbound(Duration.ofSeconds(5));
        SipRequest invite = wire.lastRequest();
        wire.deliver(okWithSdp(invite));
        String reinvite = "INVITE sip:alice@abc.invalid;transport=ws SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=z9hG4bKre1\n"
                + "From: " + invite.header("To").orElseThrow() + ";tag=srv\nTo: " + invite.header("From").orElseThrow() + "\n"
                + "Call-ID: " + invite.callId() + "\nCSeq: 5 INVITE\nContact: <sip:bob@192.0.2.9;transport=ws>\n"
                + "Content-Type: application/sdp\nContent-Length: " + OFFER.length() + "\n\n" + OFFER.replace("\r\n", "\n");
        wire.deliver(reinvite);
        loop.advance(Duration.ofMillis(1));
        assertTrue(media.did.contains("reanswer"), media.did.toString());
        assertTrue(wire.sent.stream().anyMatch(m -> m.startsWith("SIP/2.0 200") && m.contains("CSeq: 5 INVITE")), wire.sent.toString());
        loop.advance(Duration.ofSeconds(5));
        wire.deliver(SipReplies.reply(wire.lastRequest(), 200, "OK"));
        assertNull(result(c).failure());
    }

    @Test
    void aMediaFailureDuringTheCallHangsUpAndIsTheVerdict() throws Exception {
        Call c = outbound(Duration.ofSeconds(30));
        wire.deliver(okWithSdp(wire.lastRequest()));
        c.fail(Failure.of(Layer.MEDIA, Cause.ICE_FAILED, "ICE failed"));
        SipRequest bye = wire.lastRequest();
        assertEquals("BYE", bye.method());
        wire.deliver(SipReplies.reply(bye, 200, "OK"));
        assertEquals(Cause.ICE_FAILED, result(c).failure().cause());
    }

    @Test
    void anUnansweredByeEndsTheCallAfterTheByeWait() throws Exception {
        Call c = outbound(Duration.ofSeconds(2));
        wire.deliver(okWithSdp(wire.lastRequest()));
        loop.advance(Duration.ofSeconds(2));
        assertEquals("BYE", wire.lastRequest().method());
        loop.advance(Call.BYE_WAIT);
        Call.Result r = result(c);
        assertNull(r.failure());
        assertTrue(events.stream().anyMatch(e -> e instanceof dialtone.event.RunEvent.Warning w
                && w.code().equals("bye-unanswered")));
    }

    @Test
    void inboundCallIsAnsweredWithTheMediaAndEndsOnBye() throws Exception {
        String invite = "INVITE sip:alice@abc.invalid;transport=ws SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=z9hG4bKin1\n"
                + "From: <sip:bob@example.com>;tag=b1\nTo: <sip:alice@example.com>\nCall-ID: in-1\nCSeq: 1 INVITE\n"
                + "Contact: <sip:bob@192.0.2.9;transport=ws>\nMax-Forwards: 70\nContent-Type: application/sdp\n"
                + "Content-Length: " + OFFER.length() + "\n\n" + OFFER.replace("\r\n", "\n");
        Call[] inbound = new Call[1];
        ua.setRequestHandler(st -> {
            if (inbound[0] != null && inbound[0].dialog().owns(st.request())) {
                inbound[0].dialog().onRequest(st);
                return true;
            }
            Call c = new Call(loop, ua, events::add, "inbound#1", Call.Spec.answering(null), false);
            inbound[0] = c;
            c.incoming(st);
            c.ring();
            c.answer(CompletableFuture.completedFuture(media), st.request().bodyText());
            return true;
        });
        wire.deliver(invite);
        loop.advance(Duration.ofMillis(1));
        assertTrue(wire.sent.stream().anyMatch(m -> m.startsWith("SIP/2.0 180")), wire.sent.toString());
        assertTrue(wire.sent.stream().anyMatch(m -> m.startsWith("SIP/2.0 200") && m.contains("a=setup:active")), wire.sent.toString());
        String toTag = FakeTransport.parse(wire.sent.stream().filter(m -> m.startsWith("SIP/2.0 200")).findFirst().orElseThrow())
                .header("To").orElseThrow();
        String dialog = "From: <sip:bob@example.com>;tag=b1\nTo: " + toTag + "\nCall-ID: in-1\n";
        wire.deliver("ACK sip:alice@abc.invalid;transport=ws SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=z9hG4bKack1\n" + dialog
                + "CSeq: 1 ACK\nContent-Length: 0\n\n");
        assertTrue(media.did.contains("negotiated"), media.did.toString());
        loop.advance(Duration.ofSeconds(4));
        wire.deliver("BYE sip:alice@abc.invalid;transport=ws SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=z9hG4bKbye2\n" + dialog
                + "CSeq: 2 BYE\nContent-Length: 0\n\n");
        Call.Result r = result(inbound[0]);
        assertNull(r.failure());
        assertTrue(r.answered());
        assertEquals(4000, r.talkMs());
        assertNotNull(r.stats());
    }

    @Test
    void anOutboundCallMovesThroughItsStates() throws Exception {
        Call c = outbound(Duration.ofSeconds(2));
        assertEquals(CallState.INVITING, c.state());
        wire.deliver(okWithSdp(wire.lastRequest()));
        assertEquals(CallState.ANSWERED, c.state());
        loop.advance(Duration.ofSeconds(2));
        assertEquals(CallState.ENDING, c.state(), "BYE sent");
        wire.deliver(SipReplies.reply(wire.lastRequest(), 200, "OK"));
        assertEquals(CallState.JUDGING, c.state(), "the end is being taken");
        result(c);
        assertEquals(CallState.ENDED, c.state());
    }

    @Test
    void aRejectedCallGoesFromInvitingToItsVerdict() throws Exception {
        Call c = outbound(null);
        wire.deliver(SipReplies.reply(wire.lastRequest(), 486, "Busy Here"));
        assertEquals(CallState.JUDGING, c.state());
        result(c);
        assertEquals(CallState.ENDED, c.state());
    }

    @Test
    void anIllegalMoveIsRefusedLoudlyAndIsAnInternalFailure() throws Exception {
        Call c = outbound(Duration.ofSeconds(1));
        wire.deliver(okWithSdp(wire.lastRequest()));
        loop.advance(Duration.ofSeconds(1));
        wire.deliver(SipReplies.reply(wire.lastRequest(), 200, "OK"));
        assertNull(result(c).failure());
        int accepted = (int) media.did.stream().filter("accept"::equals).count();
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> c.onAnswered(ANSWER));
        assertTrue(e.getMessage().contains("ENDED -> ANSWERED"), e.getMessage());
        assertEquals(CallState.ENDED, c.state(), "the state is kept");
        assertTrue(events.stream().anyMatch(x -> x instanceof dialtone.event.CallEvent.Failed f
                && f.failure().layer() == Layer.INTERNAL && f.failure().message().contains("ENDED -> ANSWERED")), events.toString());
        assertEquals(accepted, media.did.stream().filter("accept"::equals).count(), "the media was not touched: " + media.did);
    }

    @Test
    void anInboundCallIsOfferedThenRejected() throws Exception {
        String invite = "INVITE sip:alice@abc.invalid;transport=ws SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=z9hG4bKin9\n"
                + "From: <sip:bob@example.com>;tag=b1\nTo: <sip:alice@example.com>\nCall-ID: in-9\nCSeq: 1 INVITE\n"
                + "Contact: <sip:bob@192.0.2.9;transport=ws>\nMax-Forwards: 70\nContent-Type: application/sdp\n"
                + "Content-Length: " + OFFER.length() + "\n\n" + OFFER.replace("\r\n", "\n");
        Call c = new Call(loop, ua, events::add, "inbound#1", Call.Spec.answering(null), false);
        ua.setRequestHandler(st -> {
            if (c.dialog() != null && c.dialog().owns(st.request())) {
                c.dialog().onRequest(st);
                return true;
            }
            c.incoming(st);
            return true;
        });
        wire.deliver(invite);
        assertEquals(CallState.OFFERED, c.state());
        c.reject(486, "Busy Here", "busy");
        assertEquals(CallState.JUDGING, c.state());
        Call.Result r = result(c);
        assertNull(r.failure(), "a rejection is a deliberate outcome");
        assertEquals(CallState.ENDED, c.state());
    }
}
