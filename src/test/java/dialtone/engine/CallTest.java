package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.CallEvent;
import dialtone.event.Cause;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.MediaEvent;
import dialtone.event.MediaStats;
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

    /** The far end's request inside the call's dialog ({@code invite} is ours). */
    static String inDialog(SipRequest invite, String method, int cseq, String contentType, String body) {
        return method + " sip:alice@abc.invalid;transport=ws SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=z9hG4bK" + method
                + cseq + "\nFrom: " + invite.header("To").orElseThrow() + ";tag=srv\nTo: " + invite.header("From").orElseThrow()
                + "\nCall-ID: " + invite.callId() + "\nCSeq: " + cseq + " " + method + "\nContact: <sip:bob@192.0.2.9;transport=ws>\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\n") + "Content-Length: " + body.length()
                + "\n\n" + body;
    }

    /** An answered call of {@code talk} that ends with our BYE answered: its verdict. */
    Call.Result talkedAndHungUp(Duration talk) throws Exception {
        Call c = outbound(talk);
        wire.deliver(okWithSdp(wire.lastRequest()));
        loop.advance(talk);
        assertEquals("BYE", wire.lastRequest().method());
        wire.deliver(SipReplies.reply(wire.lastRequest(), 200, "OK"));
        return result(c);
    }

    @Test
    void theMediasOutcomeIsTheVerdictOfAnAnsweredCallWithItsLayerAndItsFigures() throws Exception {
        media.verdict = Failure.of(Layer.MEDIA, Cause.MEDIA_OUTAGE, "no packet for 1.20 s (silence)");
        media.stats = new MediaStats(480, 20, 500, 38400, 40000, 30, 32, 2, 1, 0.2, "audio/opus");
        Call.Result r = talkedAndHungUp(Duration.ofSeconds(2));
        assertEquals(Layer.MEDIA, r.failure().layer(), "the layer decides the exit code");
        assertEquals(Cause.MEDIA_OUTAGE, r.failure().cause());
        assertEquals(480, r.stats().packetsReceived(), "the outcome's statistics are the call's");
        assertEquals(153.6, r.stats().bitrateInKbps(), 0.001, "averaged over the 2 s talked");
        assertEquals(1, events.stream().filter(e -> e instanceof CallEvent.Failed f
                && f.failure().cause() == Cause.MEDIA_OUTAGE).count(), events.toString());
        assertTrue(media.did.indexOf("end") < media.did.indexOf("close"), "the outcome is taken before the close: " + media.did);
    }

    @Test
    void aFailureSeenDuringTheCallOutranksTheMediasOutcome() throws Exception {
        media.verdict = Failure.of(Layer.AUDIO, Cause.NO_MEDIA, "no RTP packet was received during the call");
        Call c = outbound(Duration.ofSeconds(30));
        wire.deliver(okWithSdp(wire.lastRequest()));
        c.failures().accept(Failure.of(Layer.MEDIA, Cause.DTLS_FAILED, "the DTLS handshake failed (ICE had connected)"));
        loop.runPosted();
        wire.deliver(SipReplies.reply(wire.lastRequest(), 200, "OK"));
        assertEquals(Cause.DTLS_FAILED, result(c).failure().cause());
    }

    @Test
    void theFarEndsPresenceInTheOutcomeIsPublishedCheckedAndSummed() throws Exception {
        dialtone.media.MediaPresence p = new dialtone.media.MediaPresence();
        long t0 = 1_000_000;
        p.sample(new dialtone.media.MediaPresence.Counters(t0, 0, 0, -1, 0, 0, 0, 0, 0));
        for (int i = 1; i <= 3; i++) {
            long at = t0 + 1000L * i;
            p.sample(new dialtone.media.MediaPresence.Counters(at, 50L * i, 50L * i, at - 10, 0, 0, 48000L * i, i, 48000L * i));
        }
        p.finish(t0 + 3000, null);
        media.presence = p;
        Call.Result r = talkedAndHungUp(Duration.ofSeconds(3));
        assertNull(r.failure(), String.valueOf(r.failure()));
        MediaEvent.Presence shown = events.stream().filter(e -> e instanceof MediaEvent.Presence)
                .map(e -> (MediaEvent.Presence) e).findFirst().orElseThrow();
        assertEquals(p.figures().receivedPct(), shown.receivedPct());
        assertEquals(p.figures().receivedPct(), r.summary().get("receivedPct"));
        assertTrue(events.stream().anyMatch(e -> e instanceof CallEvent.Check k && k.name().equals("media presence")
                && k.passed()), events.toString());
    }

    @Test
    void rfc4733DtmfGoesThroughTheMediaWhenTheAnswerTakesTelephoneEvent() throws Exception {
        Call c = new Call(loop, ua, events::add, "call", new Call.Spec(Duration.ofSeconds(3), Duration.ofSeconds(10), null,
                null, List.of(), new CallScenario.InCall("12#", "rfc4733", Duration.ofSeconds(1), null, null, null), false), true);
        ua.setRequestHandler(st -> false);
        c.dial("sip:bob@example.com", "sip:alice@example.com", List.of(), media, OFFER);
        wire.deliver(ThreadConfinementTest.okWithSdp(wire.lastRequest(), FakeMedia.ANSWER_WITH_DTMF));
        loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of("dtmf 12# 160/90"), media.did.stream().filter(d -> d.startsWith("dtmf")).toList());
        assertTrue(events.stream().anyMatch(e -> e instanceof CallEvent.DtmfSent d && d.mode().equals("rfc4733")), events.toString());
        assertTrue(wire.sent.stream().noneMatch(m -> m.startsWith("INFO ")), "no INFO behind the user's back");
        loop.advance(Duration.ofSeconds(2));
        wire.deliver(SipReplies.reply(wire.lastRequest(), 200, "OK"));
        assertNull(result(c).failure());
    }

    @Test
    void rfc4733DtmfTheAnswerDoesNotTakeIsRefusedAndFailsTheCallAsAnAudioAssertion() throws Exception {
        Call c = new Call(loop, ua, events::add, "call", new Call.Spec(Duration.ofSeconds(3), Duration.ofSeconds(10), null,
                null, List.of(), new CallScenario.InCall("5", "rfc4733", Duration.ofSeconds(1), null, null, null), false), true);
        ua.setRequestHandler(st -> false);
        c.dial("sip:bob@example.com", "sip:alice@example.com", List.of(), media, OFFER);
        wire.deliver(okWithSdp(wire.lastRequest())); // no telephone-event
        loop.advance(Duration.ofSeconds(3));
        wire.deliver(SipReplies.reply(wire.lastRequest(), 200, "OK"));
        Call.Result r = result(c);
        assertTrue(media.did.stream().noneMatch(d -> d.startsWith("dtmf")), media.did.toString());
        assertEquals(Layer.AUDIO, r.failure().layer());
        assertEquals(Cause.ASSERTION_FAILED, r.failure().cause());
        assertTrue(events.stream().anyMatch(e -> e instanceof CallEvent.DtmfSent d && d.mode().contains("refused")), events.toString());
    }

    @Test
    void dtmfTheMediaEngineDidNotTakeIsAWarningNotAVerdict() throws Exception {
        media.dtmfProblem = "libwebrtc did not send DTMF 7";
        Call c = new Call(loop, ua, events::add, "call", new Call.Spec(Duration.ofSeconds(3), Duration.ofSeconds(10), null,
                null, List.of(), new CallScenario.InCall("7", "rfc4733", Duration.ofSeconds(1), null, null, null), false), true);
        ua.setRequestHandler(st -> false);
        c.dial("sip:bob@example.com", "sip:alice@example.com", List.of(), media, OFFER);
        wire.deliver(ThreadConfinementTest.okWithSdp(wire.lastRequest(), FakeMedia.ANSWER_WITH_DTMF));
        loop.advance(Duration.ofSeconds(1));
        assertTrue(events.stream().anyMatch(e -> e instanceof dialtone.event.RunEvent.Warning w && w.code().equals("dtmf-not-sent")
                && w.message().equals("libwebrtc did not send DTMF 7")), events.toString());
        loop.advance(Duration.ofSeconds(2));
        wire.deliver(SipReplies.reply(wire.lastRequest(), 200, "OK"));
        assertNull(result(c).failure());
    }

    @Test
    void aReInviteToHoldIsAnsweredWithTheMediasDescriptionForThatOffer() throws Exception {
        Call c = outbound(Duration.ofSeconds(5));
        SipRequest invite = wire.lastRequest();
        wire.deliver(okWithSdp(invite));
        String hold = OFFER.replace("a=sendrecv", "a=sendonly").replace("o=- 1 1", "o=- 1 2");
        wire.deliver(inDialog(invite, "INVITE", 5, "application/sdp", hold.replace("\r\n", "\n")));
        loop.advance(Duration.ofMillis(1));
        assertEquals(List.of("accept", "negotiated", "reanswer"), media.did, "an offer inside the call, not a second call");
        assertTrue(media.offers.get(0).contains("a=sendonly"), media.offers.toString());
        String ok = wire.sent.stream().filter(m -> m.startsWith("SIP/2.0 200") && m.contains("CSeq: 5 INVITE")).findFirst()
                .orElseThrow(() -> new AssertionError(wire.sent.toString()));
        assertTrue(ok.contains("a=recvonly") && !ok.contains("a=sendrecv"), "the media's answer to the hold: " + ok);
        assertTrue(events.stream().anyMatch(e -> e instanceof CallEvent.Refreshed r && r.hold()), events.toString());
        loop.advance(Duration.ofSeconds(5));
        wire.deliver(SipReplies.reply(wire.lastRequest(), 200, "OK"));
        assertNull(result(c).failure());
    }

    @Test
    void anUpdateWhoseOfferTheMediaRefusesIsAnswered488AndTheCallGoesOn() throws Exception {
        FakeMedia refusing = new FakeMedia(loop) {
            @Override
            public CompletableFuture<String> answer(String offer) {
                return remote == null ? super.answer(offer)
                        : CompletableFuture.failedFuture(new IllegalArgumentException("no common codec"));
            }
        };
        media = refusing;
        Call c = outbound(Duration.ofSeconds(5));
        SipRequest invite = wire.lastRequest();
        wire.deliver(okWithSdp(invite));
        wire.deliver(inDialog(invite, "UPDATE", 6, "application/sdp", OFFER.replace("\r\n", "\n")));
        loop.advance(Duration.ofMillis(1));
        assertTrue(wire.sent.stream().anyMatch(m -> m.startsWith("SIP/2.0 488") && m.contains("CSeq: 6 UPDATE")), wire.sent.toString());
        loop.advance(Duration.ofSeconds(5));
        assertEquals("BYE", wire.lastRequest().method(), "the call went on to its --duration");
        wire.deliver(SipReplies.reply(wire.lastRequest(), 200, "OK"));
        assertNull(result(c).failure());
    }
}
