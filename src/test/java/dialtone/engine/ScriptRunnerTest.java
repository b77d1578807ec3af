package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.CallEvent;
import dialtone.sip.message.SipRequest;
import dialtone.testing.FakeTransport;
import dialtone.testing.SipReplies;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A script run by the real {@link ScriptRunner} in a real {@link Call} (its own thread, posting to the loop), on
 * {@link FakeMedia} and an in-memory transport: its steps end when what they wait for happened, on the loop's clock.
 */
class ScriptRunnerTest extends UaTestBase {
    FakeMedia media;
    /** The far end's answer to the call's INVITE. */
    String answer = FakeMedia.ANSWER;

    @BeforeEach
    void setUp() {
        media = new FakeMedia(loop);
    }

    /** An answered outbound call running {@code script} (hung up when it ends). */
    Call scripted(String mode, String... script) {
        Call c = new Call(loop, ua, events::add, "call", new Call.Spec(null, Duration.ofSeconds(10), null, null, List.of(),
                new CallScenario.InCall(null, mode, Duration.ofSeconds(1), null, null, CommandSource.of(List.of(script))),
                true), true);
        ua.setRequestHandler(st -> {
            if (c.dialog() != null && c.dialog().owns(st.request())) {
                c.dialog().onRequest(st);
                return true;
            }
            return false;
        });
        c.dial("sip:bob@example.com", "sip:alice@example.com", List.of(), media, FakeMedia.OFFER);
        wire.deliver(ThreadConfinementTest.okWithSdp(wire.lastRequest(), answer));
        return c;
    }

    /** Turns the loop (its posted tasks and its timers due now, not its clock) until {@code done}, for real time. */
    void turnUntil(BooleanSupplier done, long maxMs) throws InterruptedException {
        long end = System.nanoTime() + maxMs * 1_000_000;
        while (!done.getAsBoolean() && System.nanoTime() < end) {
            loop.advance(Duration.ZERO);
            Thread.sleep(1);
        }
    }

    List<CallEvent.Step> steps() {
        return events.stream().filter(e -> e instanceof CallEvent.Step).map(e -> (CallEvent.Step) e).toList();
    }

    List<String> infos() {
        return wire.sent.stream().filter(m -> m.startsWith("INFO ")).map(m -> m.replaceAll("(?s).*Signal=(.).*", "$1")).toList();
    }

    @Test
    void aDtmfStepEndsWhenItsLastInfoToneHasBeenSentNotAfterAGuess() throws Exception {
        Call c = scripted("info", "dtmf 1,2");
        turnUntil(() -> infos().size() == 1, 2000);
        assertEquals(List.of("1"), infos());
        // the loop's clock stands still: however long the script thread waits, the ',' (2 s) has not passed
        turnUntil(() -> !steps().isEmpty(), 700);
        assertTrue(steps().isEmpty(), "the step ended before its tones were sent: " + steps());
        loop.advance(Duration.ofMillis(2169)); // tone 1 (100 ms) + gap (70 ms) + ',' (2 s), less 1 ms
        assertEquals(List.of("1"), infos());
        loop.advance(Duration.ofMillis(1));
        assertEquals(List.of("1", "2"), infos());
        loop.advance(Duration.ofMillis(99)); // tone 2 is still sounding
        turnUntil(() -> !steps().isEmpty(), 300);
        assertTrue(steps().isEmpty(), "the step ended while its last tone was sounding: " + steps());
        loop.advance(Duration.ofMillis(1));
        turnUntil(() -> !steps().isEmpty(), 5000);
        CallEvent.Step dtmf = steps().get(0);
        assertTrue(dtmf.passed(), dtmf.toString());
        assertEquals("info", dtmf.detail());
        turnUntil(() -> wire.lastRequest().method().equals("BYE"), 5000); // then the script ends: hung up
        wire.deliver(SipReplies.reply(wire.lastRequest(), 200, "OK"));
        assertNull(loop.await(c.finished(), Duration.ofSeconds(5)).failure());
    }

    @Test
    void anRfc4733StepWaitsForLibwebrtcsSenderToPlayTheTones() throws Exception {
        answer = FakeMedia.ANSWER_WITH_DTMF; // the far end takes telephone-event
        Call c = scripted("rfc4733", "dtmf 12");
        turnUntil(() -> media.did.stream().anyMatch(d -> d.startsWith("dtmf")), 2000);
        assertTrue(media.did.contains("dtmf 12 160/90"), media.did.toString());
        loop.advance(Duration.ofMillis(409)); // 160 + 90 + 160 = 410 ms
        turnUntil(() -> !steps().isEmpty(), 500);
        assertTrue(steps().isEmpty(), "ended before libwebrtc played the tones: " + steps());
        loop.advance(Duration.ofMillis(1));
        turnUntil(() -> !steps().isEmpty(), 5000);
        assertTrue(steps().get(0).passed(), steps().toString());
        assertEquals("rfc4733", steps().get(0).detail());
        turnUntil(() -> wire.lastRequest().method().equals("BYE"), 5000);
        SipRequest bye = wire.lastRequest();
        assertEquals("BYE", bye.method(), "the script ended: hung up");
        wire.deliver(SipReplies.reply(bye, 200, "OK"));
        assertNull(loop.await(c.finished(), Duration.ofSeconds(5)).failure());
    }

    @Test
    void anRfc4733StepTheFarEndCannotTakeFailsAtOnce() throws Exception {
        Call c = scripted("rfc4733", "dtmf 5");
        turnUntil(() -> !steps().isEmpty(), 5000);
        assertFalse(steps().get(0).passed());
        assertTrue(steps().get(0).detail().contains("not sent"), steps().get(0).detail());
        assertTrue(media.did.stream().noneMatch(d -> d.startsWith("dtmf")), media.did.toString());
        turnUntil(() -> wire.lastRequest().method().equals("BYE"), 5000);
        wire.deliver(SipReplies.reply(wire.lastRequest(), 200, "OK"));
        assertEquals(dialtone.event.Cause.ASSERTION_FAILED, loop.await(c.finished(), Duration.ofSeconds(5)).failure().cause());
    }

    @Test
    void sendingTimesFollowTheTonesAndThePauses() {
        assertEquals(100, CallControl.sendingMs("1", 100, 70));
        assertEquals(270, CallControl.sendingMs("12", 100, 70));
        assertEquals(2000 + 100 + 170, CallControl.sendingMs("1,2", 100, 70));
        assertEquals(2170, CallControl.sendingMs("1,", 100, 70));
        assertEquals(410, CallControl.sendingMs("12", 160, 90));
    }

    /** A request from the far end inside the call's dialog. */
    String inDialog(SipRequest invite, String method, int cseq, String contentType, String body) {
        return method + " sip:alice@abc.invalid;transport=ws SIP/2.0\nVia: SIP/2.0/WSS 192.0.2.9;branch=z9hG4bK" + method + cseq
                + "\nFrom: " + invite.header("To").orElseThrow() + ";tag=srv\nTo: " + invite.header("From").orElseThrow()
                + "\nCall-ID: " + invite.callId() + "\nCSeq: " + cseq + " " + method + "\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\n") + "Content-Length: " + body.length()
                + "\n\n" + body;
    }

    SipRequest invite() {
        return (SipRequest) FakeTransport.parse(wire.sent.stream().filter(m -> m.startsWith("INVITE ")).findFirst().orElseThrow());
    }

    @Test
    void expectDtmfTakesTheDigitsTheFarEndSendsInOrder() throws Exception {
        Call c = scripted("info", "expect-dtmf 42 5s");
        SipRequest invite = invite();
        wire.deliver(inDialog(invite, "INFO", 3, "application/dtmf-relay", "Signal=4\r\nDuration=100\r\n"));
        wire.deliver(inDialog(invite, "INFO", 4, "application/dtmf-relay", "Signal=2\r\nDuration=100\r\n"));
        turnUntil(() -> !steps().isEmpty(), 5000);
        assertTrue(steps().get(0).passed(), steps().toString());
        assertEquals("received 42", steps().get(0).detail());
        turnUntil(() -> wire.lastRequest().method().equals("BYE"), 5000);
        wire.deliver(SipReplies.reply(wire.lastRequest(), 200, "OK"));
        assertNull(loop.await(c.finished(), Duration.ofSeconds(5)).failure());
    }

    @Test
    void theCallEndingFailsThePendingExpectationAndThoseNotReachedAndThatIsTheVerdict() throws Exception {
        Call c = scripted("info", "expect-dtmf 1 30s", "wait 1s", "expect-info done 1s");
        SipRequest invite = invite();
        turnUntil(() -> false, 100); // the script is waiting
        wire.deliver(inDialog(invite, "BYE", 5, null, ""));
        Call.Result r = loop.await(c.finished(), Duration.ofSeconds(10));
        assertEquals(2, steps().size(), steps().toString());
        assertFalse(steps().get(0).passed());
        assertTrue(steps().get(0).detail().endsWith("before the call ended"), steps().get(0).detail());
        assertEquals("not run: the call ended first", steps().get(1).detail());
        // the script thread's failure reached the verdict through the loop
        assertEquals(dialtone.event.Cause.ASSERTION_FAILED, r.failure().cause());
        assertTrue(r.failure().message().startsWith("script line 1: "), r.failure().message());
        assertEquals("remote", r.summary().get("endedBy"));
    }
}
