package dialtone.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dialtone.event.MediaStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The media engine with the real native library, both ends in this JVM (SDP exchanged in memory, candidates on
 * 127.0.0.1): each leg sends its own tone and must hear the other's; each sender must have exactly one producer
 * (50 Opus packets a second: the audio module's own recording feeding the same stream would double that, and
 * racing with our pushes is what aborts libwebrtc). {@code -Ddialtone.stress.pairs=N} runs N pairs at once.
 */
class MediaEngineIT {
    record Leg(MediaSession s, CompletableFuture<Void> connected) {
    }

    static Leg leg(double sendHz, double expectHz) {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        MediaOptions o = new MediaOptions(new dialtone.config.MediaSetup(List.of(), false, "127.0.0.1", 0, 0, false, true, false),
                ToneSource.of(sendHz), null, new double[] {expectHz});
        MediaSession s = MediaSession.open(o, new MediaListener() {
            @Override
            public void onGathering(String state) {
            }

            @Override
            public void onIceState(String state) {
            }

            @Override
            public void onConnectionState(String state) {
                if (state.equals("connected")) {
                    connected.complete(null);
                } else if (state.equals("failed")) {
                    connected.completeExceptionally(new IllegalStateException("failed"));
                }
            }
        }).join();
        return new Leg(s, connected);
    }

    static void connect(Leg a, Leg b) throws Exception {
        String offer = a.s().offer().get(10, TimeUnit.SECONDS);
        String answer = b.s().answer(offer).get(10, TimeUnit.SECONDS);
        a.s().acceptAnswer(answer).get(10, TimeUnit.SECONDS);
    }

    /** Calls one after another in one process: a call's teardown must not leave the next with two producers. */
    @Test
    void successiveCallsKeepOneProducer() throws Exception {
        for (int round = 0; round < 3; round++) {
            Leg a = leg(440, 1000);
            Leg b = leg(1000, 440);
            try {
                connect(a, b);
                a.connected().get(15, TimeUnit.SECONDS);
                b.connected().get(15, TimeUnit.SECONDS);
                Thread.sleep(500);
                MediaStats a0 = a.s().stats().sample().get(5, TimeUnit.SECONDS).media();
                MediaStats b0 = b.s().stats().sample().get(5, TimeUnit.SECONDS).media();
                long t0 = System.nanoTime();
                Thread.sleep(2000);
                double secs = (System.nanoTime() - t0) / 1e9;
                MediaStats a1 = a.s().stats().sample().get(5, TimeUnit.SECONDS).media();
                MediaStats b1 = b.s().stats().sample().get(5, TimeUnit.SECONDS).media();
                double ra = (a1.packetsSent() - a0.packetsSent()) / secs;
                double rb = (b1.packetsSent() - b0.packetsSent()) / secs;
                System.out.printf("round %d: %.1f and %.1f packets/s sent%n", round, ra, rb);
                assertTrue(ra > 40 && ra < 60 && rb > 40 && rb < 60, "round " + round + ": " + ra + ", " + rb + " packets/s");
            } finally {
                a.s().close(Duration.ofSeconds(5));
                b.s().close(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void pairsOfCallsEachHearTheOtherWithOneProducerPerSender() throws Exception {
        int pairs = Integer.getInteger("dialtone.stress.pairs", 2);
        int seconds = Integer.getInteger("dialtone.stress.seconds", 4);
        List<Leg[]> all = new ArrayList<>();
        try {
            for (int i = 0; i < pairs; i++) {
                Leg a = leg(440, 1000);
                Leg b = leg(1000, 440);
                connect(a, b);
                all.add(new Leg[] {a, b});
            }
            for (Leg[] p : all) {
                p[0].connected().get(15, TimeUnit.SECONDS);
                p[1].connected().get(15, TimeUnit.SECONDS);
            }
            MediaStats[] first = new MediaStats[pairs * 2];
            Thread.sleep(1500);
            for (int i = 0; i < pairs * 2; i++) {
                first[i] = all.get(i / 2)[i % 2].s().stats().sample().get(5, TimeUnit.SECONDS).media();
            }
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            int silent = 0;
            for (int i = 0; i < pairs * 2; i++) {
                MediaSession s = all.get(i / 2)[i % 2].s();
                MediaStats m = s.stats().sample().get(5, TimeUnit.SECONDS).media();
                double secs = (System.nanoTime() - t0) / 1e9;
                double sentPerSecond = (m.packetsSent() - first[i].packetsSent()) / secs;
                double share = s.analyzer().toneShare(0);
                System.out.printf("leg %d: %.1f packets/s sent (%.1f kbit/s), %.1f received, far tone share %.2f, %d audible frames%n",
                        i, sentPerSecond, (m.bytesSent() - first[i].bytesSent()) * 8 / 1000.0 / secs,
                        (m.packetsReceived() - first[i].packetsReceived()) / secs, share, s.analyzer().audibleFrames());
                assertTrue(sentPerSecond > 40 && sentPerSecond < 60,
                        "leg " + i + " sent " + sentPerSecond + " packets/s (one producer sends 50)");
                if (share < 0.5) {
                    silent++;
                }
            }
            assertEquals(0, silent, "legs that did not hear the far end's tone");
            System.out.printf("longest exclusive section %.1f ms, native-op threads %d, stray recordings stopped %d%n",
                    PeerFactory.longestExclusiveMillis(), NativeOps.threads(), PeerFactory.strayRecordings());
            // every send stream started inside an activation window: the module never recorded unasked
            assertEquals(0, PeerFactory.strayRecordings(), "recordings that started outside a window");
        } finally {
            CountDownLatch closed = new CountDownLatch(all.size() * 2);
            for (Leg[] p : all) {
                for (Leg l : p) {
                    new Thread(() -> {
                        l.s().close(Duration.ofSeconds(5));
                        closed.countDown();
                    }).start();
                }
            }
            assertTrue(closed.await(30, TimeUnit.SECONDS), "every session closed");
        }
    }
}
