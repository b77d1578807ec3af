package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.config.IceUrl;
import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.MediaEvent;
import dialtone.event.MediaStats;
import dialtone.media.AudioAnalyzer;
import dialtone.media.MediaOptions;
import dialtone.support.Scheduler;
import dialtone.support.Secret;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The probe's media check on two fake call media (no libwebrtc): opened through the call's factory with the call's
 * media settings, offer and answer exchanged in-process, driven on the loop, and judged by the media's own verdicts
 * and the tone the answering side heard.
 */
class IceLoopbackTest {
    static final IceUrl URL = IceUrl.parse("turn:turn.example.com:3478?transport=udp");
    static final String RELAY = "a=candidate:1 1 udp 41885439 192.0.2.10 50000 typ relay raddr 0.0.0.0 rport 0\r\n";
    static final String HOST = "a=candidate:2 1 udp 2122260223 10.0.0.5 50001 typ host\r\n";

    /** How the two fake media behave, and what they were asked. */
    static final class World {
        boolean relay = true;
        boolean connects = true;
        Failure iceFails;
        double heardHz = 440;
        int heardFrames = 60;
        Failure answererVerdict;
        Failure offererVerdict;
        RuntimeException openFails;
        final List<Side> sides = new CopyOnWriteArrayList<>();
        final List<MediaOptions> options = new CopyOnWriteArrayList<>();

        final CallMedia.Factory factory = (loop, publish, scenario, options, onFailure) -> {
            if (openFails != null) {
                return CompletableFuture.failedFuture(openFails);
            }
            this.options.add(options);
            Side s = new Side(this, loop, publish, onFailure, options);
            sides.add(s);
            return CompletableFuture.completedFuture(s);
        };
    }

    /** One side's media: it asserts the loop where a call's media does, and reports as WebRtcMedia reports. */
    static final class Side extends FakeMedia {
        final World w;
        final Scheduler loop;
        final Consumer<Event> publish;
        final Consumer<Failure> onFailure;
        final AudioAnalyzer analyzer;
        boolean answering;

        Side(World w, Scheduler loop, Consumer<Event> publish, Consumer<Failure> onFailure, MediaOptions o) {
            this.w = w;
            this.loop = loop;
            this.publish = publish;
            this.onFailure = onFailure;
            this.analyzer = new AudioAnalyzer(o.toneFreqs());
            stats = new MediaStats(150, 0, 150, 12000, 12000, 32, 32, 1, 1, 0.2, "audio/opus");
        }

        @Override
        public CompletableFuture<String> offer() {
            did.add("offer");
            return CompletableFuture.completedFuture(OFFER + (w.relay ? RELAY : HOST));
        }

        @Override
        public CompletableFuture<String> answer(String offer) {
            answering = true;
            did.add("answer");
            return CompletableFuture.completedFuture(ANSWER + RELAY);
        }

        @Override
        public void negotiated() {
            loop.assertOnLoop();
            did.add("negotiated");
            if (w.iceFails != null) {
                loop.execute(() -> onFailure.accept(w.iceFails));
                return;
            }
            if (!w.connects) {
                return;
            }
            loop.execute(() -> {
                publish.accept(new MediaEvent.ConnectionState(loop.now(), "ice", "connected"));
                publish.accept(new MediaEvent.SelectedPair(loop.now(), "ice", "relay", "udp", "192.0.2.10:50000", "relay",
                        "192.0.2.10:50002", "udp", 1.0));
            });
            if (answering) {
                hear(analyzer, w.heardHz, w.heardFrames);
            }
        }

        @Override
        public synchronized CompletableFuture<Outcome> end() {
            loop.assertOnLoop();
            did.add("end " + stats.packetsReceived());
            return CompletableFuture.completedFuture(new Outcome(stats, answering ? w.answererVerdict : w.offererVerdict,
                    null));
        }

        @Override
        public AudioAnalyzer analyzer() {
            return analyzer;
        }
    }

    /** {@code frames} 20 ms frames of a tone at {@code hz}, 48 kHz 16-bit mono, into the analyser. */
    static void hear(AudioAnalyzer a, double hz, int frames) {
        for (int f = 0; f < frames; f++) {
            byte[] pcm = new byte[960 * 2];
            for (int i = 0; i < 960; i++) {
                short v = (short) (0.3 * 32767 * Math.sin(2 * Math.PI * hz * (f * 960 + i) / 48000.0));
                pcm[2 * i] = (byte) v;
                pcm[2 * i + 1] = (byte) (v >> 8);
            }
            a.accept(pcm, 16, 48000, 1, 960);
        }
    }

    static IceLoopback.Outcome run(World w, Duration max) {
        return IceLoopback.run(w.factory, URL, "user", Secret.of("pw"), false, max);
    }

    static void assertBothClosed(World w) {
        assertEquals(2, w.sides.size());
        for (Side s : w.sides) {
            assertTrue(s.closed.isDone(), "closed: " + s.did);
        }
    }

    @Test
    void connectedPacketsAndTheTonePass() {
        World w = new World();
        IceLoopback.Outcome o = run(w, Duration.ofSeconds(5));
        assertTrue(o.passed(), o.toString());
        assertTrue(o.detail().matches("ICE\\+DTLS connected in \\d+ ms over relay via udp, 440 Hz tone carried"), o.detail());
        assertEquals(List.of("connectMs", "audioFrames", "packetsReceived", "localCandidate", "relayProtocol"),
                List.copyOf(o.facts().keySet()));
        assertEquals(60L, o.facts().get("audioFrames"));
        assertEquals(150L, o.facts().get("packetsReceived"));
        Side offerer = w.sides.get(0);
        Side answerer = w.sides.get(1);
        assertEquals(List.of("offer", "accept", "negotiated", "end 150", "close"), offerer.did);
        assertEquals(List.of("answer", "negotiated", "end 150", "close"), answerer.did);
        // the call's settings record carries the probe's constraints: relay only, through this one server
        for (MediaOptions m : w.options) {
            assertTrue(m.relayOnly());
            assertEquals(1, m.iceServers().size());
            assertEquals(URL.canonical(), m.iceServers().get(0).urls().get(0));
            assertEquals("user", m.iceServers().get(0).username());
        }
    }

    @Test
    void neverConnectedFailsAtTheDeadline() {
        World w = new World();
        w.connects = false;
        long t0 = System.nanoTime();
        IceLoopback.Outcome o = run(w, Duration.ofSeconds(1));
        assertFalse(o.passed());
        assertEquals("ICE/DTLS did not complete within 1 s", o.detail());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 3000, "bounded by the deadline");
        assertFalse(o.facts().containsKey("connectMs"), o.facts().toString());
        assertBothClosed(w);
    }

    @Test
    void iceFailingIsSaidAtOnce() {
        World w = new World();
        w.iceFails = Failure.of(Layer.MEDIA, Cause.ICE_FAILED, "ICE failed: no candidate pair worked");
        long t0 = System.nanoTime();
        IceLoopback.Outcome o = run(w, Duration.ofSeconds(10));
        assertFalse(o.passed());
        assertEquals("ICE failed", o.detail());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 3000, "not at the deadline");
        assertBothClosed(w);
    }

    @Test
    void dtlsFailingSaysTheMediasWords() {
        World w = new World();
        w.iceFails = Failure.of(Layer.MEDIA, Cause.DTLS_FAILED, "the DTLS handshake failed (ICE had connected)");
        IceLoopback.Outcome o = run(w, Duration.ofSeconds(10));
        assertFalse(o.passed());
        assertEquals("the DTLS handshake failed (ICE had connected)", o.detail());
    }

    @Test
    void noRelayCandidateIsTheAllocationInsideTheEngine() {
        World w = new World();
        w.relay = false;
        IceLoopback.Outcome o = run(w, Duration.ofSeconds(5));
        assertFalse(o.passed());
        assertTrue(o.detail().startsWith("the media engine got no relay candidate from this server"), o.detail());
        assertEquals(List.of("offer", "close"), w.sides.get(0).did, "nothing answered, both closed");
        assertBothClosed(w);
    }

    @Test
    void noPacketsIsTheMediasVerdict() {
        World w = new World();
        w.answererVerdict = Failure.of(Layer.AUDIO, Cause.NO_MEDIA, "no RTP packet was received during the call");
        IceLoopback.Outcome o = run(w, Duration.ofSeconds(5));
        assertFalse(o.passed(), o.toString());
        assertEquals("connected, but no RTP packet was received during the call", o.detail());
        assertBothClosed(w);
    }

    @Test
    void theWayBackIsJudgedToo() {
        World w = new World();
        w.offererVerdict = Failure.of(Layer.MEDIA, Cause.MEDIA_OUTAGE, "media outage of 2.00 s: no RTP packet arrived");
        IceLoopback.Outcome o = run(w, Duration.ofSeconds(5));
        assertFalse(o.passed(), o.toString());
        assertEquals("connected, but media outage of 2.00 s: no RTP packet arrived", o.detail());
    }

    @Test
    void anotherToneIsNotTheTone() {
        World w = new World();
        w.heardHz = 1000;
        IceLoopback.Outcome o = run(w, Duration.ofSeconds(5));
        assertFalse(o.passed(), o.toString());
        assertEquals("connected, but the tone did not arrive (60 frames)", o.detail());
    }

    @Test
    void tooLittleOfTheToneIsNotEnough() {
        World w = new World();
        w.heardFrames = 20;
        IceLoopback.Outcome o = run(w, Duration.ofMillis(1500));
        assertFalse(o.passed(), o.toString());
        assertEquals("connected, but the tone did not arrive (20 frames)", o.detail());
    }

    @Test
    void mediaThatCannotOpenIsSaidSo() {
        World w = new World();
        w.openFails = new IllegalStateException("libwebrtc could not be loaded");
        IceLoopback.Outcome o = run(w, Duration.ofSeconds(5));
        assertFalse(o.passed());
        assertEquals("media could not start: libwebrtc could not be loaded", o.detail());
    }
}
