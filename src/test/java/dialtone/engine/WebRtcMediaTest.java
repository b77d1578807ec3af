package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.MediaEvent;
import dialtone.event.MediaStats;
import dialtone.media.StatsSampler;
import dialtone.testing.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The media's verdicts and timers (WebRtcMedia's pure part) on the loop's clock, with the native side replaced: ICE
 * that never connects, a path lost for good or before the end, DTLS failing after ICE, no RTP, and what the far end
 * tearing down is not.
 */
class WebRtcMediaTest {
    static final MediaStats NO_RTP = new MediaStats(0, 0, 500, 0, 40000, 0, 32, 0, 1, 0, "audio/opus");
    static final MediaStats RTP = new MediaStats(500, 0, 500, 40000, 40000, 32, 32, 1, 1, 0.2, "audio/opus");

    ManualScheduler loop;
    List<Event> events;
    List<Failure> failures;
    FakeNative nat;
    WebRtcMedia media;

    /** libwebrtc as the logic sees it: samples that answer at once, a remote description, a close. */
    static final class FakeNative implements WebRtcMedia.Native {
        MediaStats stats = RTP;
        String remote = FakeMedia.ANSWER;
        boolean inserts = true;
        final List<String> did = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<StatsSampler.Sample> sample() {
            return CompletableFuture.completedFuture(new StatsSampler.Sample(stats, null));
        }

        @Override
        public String remoteDescription() {
            return remote;
        }

        @Override
        public CompletableFuture<String> answer(String offer) {
            did.add("answer");
            return CompletableFuture.completedFuture(FakeMedia.answerTo(offer));
        }

        @Override
        public CompletableFuture<String> reanswer(String offer) {
            did.add("reanswer");
            return CompletableFuture.completedFuture(FakeMedia.answerTo(offer));
        }

        @Override
        public CompletableFuture<Boolean> insertDtmf(String tones, int durationMs, int gapMs) {
            did.add("dtmf " + tones);
            boolean ok = inserts;
            return CompletableFuture.supplyAsync(() -> ok); // on an engine thread, as libwebrtc's sender

        }

        /** While closed, stopping the sender hangs (a native call that never returns). */
        final java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(0);
        java.util.concurrent.CountDownLatch hang = stuck;

        @Override
        public void stopSending() {
            did.add("stop sending");
            try {
                hang.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public boolean close(Duration max) {
            did.add("close");
            return true;
        }
    }

    @BeforeEach
    void setUp() {
        loop = new ManualScheduler();
        events = new CopyOnWriteArrayList<>();
        failures = new CopyOnWriteArrayList<>();
        nat = new FakeNative();
        media = new WebRtcMedia(loop, events::add, "call", failures::add, nat);
    }

    /** Ends the call as Call does: its last sample taken off the loop, the outcome posted back; its verdict. */
    Failure endAndJudge(MediaStats last) throws Exception {
        nat.stats = last;
        CallMedia.Outcome o = loop.await(media.end(), Duration.ofSeconds(5));
        assertEquals(last, o.stats(), "the last sample is the outcome's");
        return o.failure();
    }

    @Test
    void iceThatNeverConnectsFailsTheCallAfterFifteenSeconds() {
        media.negotiated();
        loop.advance(Duration.ofMillis(14_999));
        assertTrue(failures.isEmpty(), failures.toString());
        loop.advance(Duration.ofMillis(1));
        assertEquals(1, failures.size());
        assertEquals(Cause.ICE_FAILED, failures.get(0).cause());
        assertTrue(failures.get(0).message().contains("within 15 s"), failures.get(0).message());
    }

    @Test
    void anAnsweredCallWhoseIceNeverConnectedSaysSoInItsVerdict() throws Exception {
        media.negotiated();
        loop.advance(Duration.ofSeconds(3));
        Failure v = endAndJudge(NO_RTP);
        assertEquals(Cause.ICE_FAILED, v.cause());
        assertTrue(v.message().startsWith("ICE never connected"), v.message());
    }

    @Test
    void aPathDisconnectedForTwelveSecondsIsLostAtOnce() {
        media.negotiated();
        media.onIceState("connected");
        loop.advance(Duration.ofSeconds(2));
        media.onIceState("disconnected");
        loop.advance(Duration.ofMillis(11_999));
        assertTrue(failures.isEmpty(), failures.toString());
        loop.advance(Duration.ofMillis(1));
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).message().contains("ICE disconnected for 12 s"), failures.get(0).message());
    }

    @Test
    void aPathThatComesBackInTimeIsNotLost() {
        media.negotiated();
        media.onIceState("connected");
        media.onIceState("disconnected");
        loop.advance(Duration.ofSeconds(5));
        media.onIceState("connected");
        loop.advance(Duration.ofSeconds(20));
        assertTrue(failures.isEmpty(), failures.toString());
        assertTrue(events.stream().anyMatch(e -> e instanceof MediaEvent.IceState i && i.state().equals("disconnected")));
    }

    @Test
    void aPathDownASecondOrMoreBeforeTheEndWasLostDuringTheCall() throws Exception {
        media.negotiated();
        media.onIceState("connected");
        loop.advance(Duration.ofSeconds(3));
        media.onIceState("disconnected");
        loop.advance(Duration.ofMillis(1500));
        Failure v = endAndJudge(RTP);
        // the outage the presence measured is the verdict (it comes before "lost before the end")
        assertEquals(Cause.MEDIA_OUTAGE, v.cause());
        assertEquals(Layer.MEDIA, v.layer());
        assertTrue(v.message().contains("1.50 s") && v.message().contains("ICE was disconnected"), v.message());
    }

    @Test
    void aShortDisconnectionAtTheEndIsTheFarEndTearingDown() throws Exception {
        media.negotiated();
        media.onIceState("connected");
        loop.advance(Duration.ofSeconds(3));
        media.onIceState("disconnected");
        loop.advance(Duration.ofMillis(500)); // under the grace, and under an outage that fails
        assertNull(endAndJudge(RTP));
        media.onIceState("failed"); // after ending: the far end's teardown, not a failure
        assertTrue(failures.isEmpty(), failures.toString());
        assertTrue(nat.did.contains("stop sending"), nat.did.toString());
    }

    @Test
    void dtlsThatFailsAfterIceConnectedIsADtlsFailure() {
        media.negotiated();
        media.onIceState("connected");
        media.onConnectionState("connecting");
        media.onConnectionState("failed");
        assertEquals(List.of(Cause.DTLS_FAILED), failures.stream().map(Failure::cause).toList());
        assertEquals(Layer.MEDIA, failures.get(0).layer());
        assertTrue(events.stream().anyMatch(e -> e instanceof MediaEvent.Dtls d && d.state().equals("connecting")));
    }

    @Test
    void noRtpAtAllFailsUnlessTheFarEndSaidItWouldNotSend() throws Exception {
        media.negotiated();
        media.onIceState("connected");
        loop.advance(Duration.ofSeconds(5));
        assertEquals(Cause.NO_MEDIA, endAndJudge(NO_RTP).cause());

        setUp();
        nat.remote = FakeMedia.ANSWER.replace("a=sendrecv", "a=recvonly");
        media.negotiated();
        media.onIceState("connected");
        loop.advance(Duration.ofSeconds(5));
        assertNull(endAndJudge(NO_RTP), "a recvonly far end is taken at its word");
    }

    @Test
    void closingStopsTheTimersOnTheLoopBeforeTheNativeClose() throws Exception {
        media.negotiated();
        long timers = loop.pending();
        assertTrue(timers >= 2, "the connect timer and the stats tick");
        CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(media::close); // as the call's end thread does
        assertTrue(loop.await(closed, Duration.ofSeconds(5)));
        assertEquals(0, loop.pending(), "no timer left");
        loop.advance(Duration.ofSeconds(30));
        assertTrue(failures.isEmpty(), "a closed media judges nothing: " + failures);
    }

    @Test
    void theFirstOfferIsAnsweredWithGatheringAndOnesInsideTheCallWithout() throws Exception {
        nat.remote = null; // no far end's description yet
        assertEquals(FakeMedia.ANSWER, media.answer(FakeMedia.OFFER).get());
        nat.remote = FakeMedia.OFFER; // libwebrtc applied it
        String hold = FakeMedia.OFFER.replace("a=sendrecv", "a=sendonly");
        assertTrue(media.answer(hold).get().contains("a=recvonly"));
        assertEquals(List.of("answer", "reanswer"), nat.did);
    }

    @Test
    void dtmfIsRefusedAtOnceWhenTheFarEndsDescriptionHasNoTelephoneEvent() {
        List<String> taken = new CopyOnWriteArrayList<>();
        assertFalse(media.dtmf("12", 160, 90, p -> taken.add(String.valueOf(p))));
        nat.remote = null;
        assertFalse(media.dtmf("12", 160, 90, p -> taken.add(String.valueOf(p))));
        loop.runPosted();
        assertTrue(taken.isEmpty(), "nothing to report: nothing was sent " + taken);
        assertTrue(nat.did.stream().noneMatch(d -> d.startsWith("dtmf")), nat.did.toString());
    }

    @Test
    void dtmfTheFarEndTakesGoesToTheEngineAndWhatBecameOfItComesBackOnTheLoop() throws Exception {
        nat.remote = FakeMedia.ANSWER_WITH_DTMF;
        CompletableFuture<String> first = new CompletableFuture<>();
        assertTrue(media.dtmf("12", 160, 90, p -> first.complete(loop.onLoop() + " " + p)));
        assertEquals("true null", loop.await(first, Duration.ofSeconds(5)), "taken, told on the loop");
        nat.inserts = false;
        CompletableFuture<String> second = new CompletableFuture<>();
        assertTrue(media.dtmf("34", 160, 90, p -> second.complete(loop.onLoop() + " " + p)));
        assertEquals("true libwebrtc did not send DTMF 34", loop.await(second, Duration.ofSeconds(5)));
        assertEquals(List.of("dtmf 12", "dtmf 34"), nat.did);
    }

    @Test
    void theEndIsTakenOnceWhateverAsksForIt() throws Exception {
        media.negotiated();
        media.onIceState("connected");
        loop.advance(Duration.ofSeconds(2));
        CompletableFuture<CallMedia.Outcome> first = media.end();
        assertTrue(first == media.end(), "the BYE and the judging ask for the same end");
        CallMedia.Outcome o = loop.await(first, Duration.ofSeconds(5));
        assertNull(o.failure(), String.valueOf(o.failure()));
        assertTrue(o.presence() != null && o.presence().figures() != null);
        assertEquals(1, nat.did.stream().filter("stop sending"::equals).count(), nat.did.toString());
    }

    @Test
    void anEndWhoseLastSampleNeverComesEndsWithTheLastPeriodicOneAfterTwoSeconds() throws Exception {
        media.negotiated();
        media.onIceState("connected");
        loop.advance(Duration.ofSeconds(1)); // periodic samples: RTP
        nat.hang = new java.util.concurrent.CountDownLatch(1);
        try {
            CompletableFuture<CallMedia.Outcome> o = media.end();
            loop.advance(WebRtcMedia.END_WAIT.minusMillis(1));
            assertFalse(o.isDone(), "not before the wait is over");
            loop.advance(Duration.ofMillis(1));
            assertTrue(o.isDone());
            assertEquals(RTP, o.get().stats(), "the last periodic sample");
            assertNull(o.get().failure(), String.valueOf(o.get().failure()));
        } finally {
            nat.hang.countDown();
        }
    }
}
