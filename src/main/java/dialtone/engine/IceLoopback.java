package dialtone.engine;

import dialtone.config.IceServer;
import dialtone.config.IceUrl;
import dialtone.config.MediaSetup;
import dialtone.event.MediaStats;
import dialtone.media.MediaListener;
import dialtone.media.MediaOptions;
import dialtone.media.MediaSession;
import dialtone.support.Secret;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The probe's end-to-end ICE check: two peer connections in this process, both forced to relay through one TURN
 * server and transport, must complete ICE and DTLS and carry a 440 Hz tone from one to the other. This proves that
 * real WebRTC media (not only a TURN allocation) can pass that server.
 */
final class IceLoopback {
    /** Passed, a detail line, and facts. */
    record Outcome(boolean passed, String detail, Map<String, Object> facts) {
    }

    private IceLoopback() {
    }

    static Outcome run(IceUrl url, String user, Secret password, boolean tlsInsecure, Duration max) {
        Map<String, Object> facts = new LinkedHashMap<>();
        MediaSetup relayed = new MediaSetup(List.of(new IceServer(url, user, password, tlsInsecure)), true, null, 0, 0,
                false, false, false);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ice-loopback");
            t.setDaemon(true);
            return t;
        });
        MediaSession[] pcs = new MediaSession[2];
        CompletableFuture<Void> connected = new CompletableFuture<>();
        try {
            for (int i = 0; i < 2; i++) {
                int me = i;
                MediaOptions o = Play.parse(me == 0 ? "tone:440" : "silence", false).options(relayed, null, new double[] {440});
                pcs[i] = MediaSession.create(o, new MediaListener() {
                    @Override
                    public void onGathering(String state) {
                    }

                    @Override
                    public void onIceState(String state) {
                        if (state.equals("failed")) {
                            connected.completeExceptionally(new IllegalStateException("ICE failed"));
                        }
                    }

                    @Override
                    public void onConnectionState(String state) {
                        if (state.equals("connected")) {
                            if (me == 1) {
                                connected.complete(null);
                            }
                        } else if (state.equals("failed")) {
                            connected.completeExceptionally(new IllegalStateException("the peer connection failed (ICE or DTLS)"));
                        }
                    }
                });
            }
            long t0 = System.nanoTime();
            String offer = pcs[0].offer().get(max.toMillis(), TimeUnit.MILLISECONDS);
            if (dialtone.media.Sdp.candidates(offer).stream().noneMatch(c -> "relay".equals(c.type()))) {
                // relay-only and no relay candidate: the allocation through this server failed inside libwebrtc
                boolean tls = url.scheme().equals("turns");
                return new Outcome(false, "the media engine got no relay candidate from this server"
                        + (tls && !tlsInsecure ? ": the TLS relay could not be used (libwebrtc checks a turns: certificate"
                        + " against its own roots and cannot take --ca-file; for a private CA add --turns-insecure, the media"
                        + " stays DTLS-SRTP)" : " (allocation refused or unreachable: see the turn check)"), facts);
            }
            String answer = pcs[1].answer(offer).get(max.toMillis(), TimeUnit.MILLISECONDS);
            pcs[0].acceptAnswer(answer).get(max.toMillis(), TimeUnit.MILLISECONDS);
            connected.get(max.toMillis(), TimeUnit.MILLISECONDS);
            facts.put("connectMs", (System.nanoTime() - t0) / 1_000_000);
            long until = System.nanoTime() + Math.min(max.toNanos(), 3_000_000_000L);
            while (System.nanoTime() < until && pcs[1].analyzer().audibleFrames() < 50) {
                Thread.sleep(50);
            }
            double share = pcs[1].analyzer().toneShare(0);
            long frames = pcs[1].analyzer().audibleFrames();
            facts.put("audioFrames", frames);
            StatsCheck stats = StatsCheck.of(pcs[1]);
            facts.putAll(stats.facts);
            boolean ok = frames >= 50 && pcs[1].analyzer().carriesTone(0);
            return new Outcome(ok, ok ? "ICE+DTLS connected in " + facts.get("connectMs") + " ms over " + stats.path
                    + ", 440 Hz tone carried" : "connected, but the tone did not arrive (" + frames + " frames)", facts);
        } catch (java.util.concurrent.ExecutionException e) {
            return new Outcome(false, e.getCause() == null ? e.toString() : e.getCause().getMessage(), facts);
        } catch (java.util.concurrent.TimeoutException e) {
            return new Outcome(false, "ICE/DTLS did not complete within " + max.toSeconds() + " s", facts);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted", facts);
        } catch (RuntimeException | LinkageError e) {
            return new Outcome(false, "media could not start: " + e.getMessage(), facts);
        } finally {
            timer.shutdownNow();
            for (MediaSession s : pcs) {
                if (s != null) {
                    s.close(Duration.ofSeconds(3));
                }
            }
        }
    }

    private record StatsCheck(String path, Map<String, Object> facts) {
        static StatsCheck of(MediaSession s) {
            Map<String, Object> f = new LinkedHashMap<>();
            try {
                var sample = s.stats().sample().get(1, TimeUnit.SECONDS);
                MediaStats m = sample.media();
                f.put("packetsReceived", m.packetsReceived());
                if (sample.path() != null) {
                    f.put("localCandidate", sample.path().localType());
                    f.put("relayProtocol", sample.path().relayProtocol());
                    return new StatsCheck(sample.path().localType() + " via " + sample.path().relayProtocol(), f);
                }
            } catch (Exception e) {
                // figures are a bonus
            }
            return new StatsCheck("relay", f);
        }
    }
}
