package dialtone.engine;

import dialtone.config.IceServer;
import dialtone.config.IceUrl;
import dialtone.config.MediaSetup;
import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.MediaEvent;
import dialtone.event.MediaStats;
import dialtone.media.AudioAnalyzer;
import dialtone.media.Sdp;
import dialtone.support.Secret;
import dialtone.support.UaLoop;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The probe's end-to-end ICE check: a call's media twice in this process ({@link CallMedia}, opened as a call opens
 * it), one offering a 440 Hz tone and one answering, their descriptions exchanged in-process (no SIP), both forced to
 * relay through one TURN server and transport by the call's own media settings ({@link MediaSetup}). They must
 * complete ICE and DTLS, pass the media's own end-of-call verdict on both sides (connected, packets flowing), and
 * carry the tone from one to the other. This proves that real WebRTC media (not only a TURN allocation) can pass that
 * server.
 */
final class IceLoopback {
    /** Passed, a detail line, and facts. */
    record Outcome(boolean passed, String detail, Map<String, Object> facts) {
    }

    /** Audible 20 ms frames the answering side must have heard: a second of the tone. */
    static final int FRAMES = 50;
    /** How long, once connected, the tone may take to reach {@link #FRAMES} (at most; the deadline may cut it). */
    static final Duration TONE_WAIT = Duration.ofSeconds(3);

    private IceLoopback() {
    }

    static Outcome run(IceUrl url, String user, Secret password, boolean tlsInsecure, Duration max) {
        return run(CallMedia.Factory.WEBRTC, url, user, password, tlsInsecure, max);
    }

    /** The check with {@code factory}'s media (unit tests: one without libwebrtc). Blocks for at most about {@code max}. */
    static Outcome run(CallMedia.Factory factory, IceUrl url, String user, Secret password, boolean tlsInsecure,
                       Duration max) {
        Map<String, Object> facts = new LinkedHashMap<>();
        MediaSetup relayed = new MediaSetup(List.of(new IceServer(url, user, password, tlsInsecure)), true, null, 0, 0,
                false, false, false);
        long t0 = System.nanoTime();
        long end = t0 + max.toNanos();
        // what either side's media reports as failed during the check (ICE, DTLS, a bug on the loop)
        CompletableFuture<Failure> failed = new CompletableFuture<>();
        UaLoop loop = new UaLoop(Clock.systemUTC(), bug -> failed.complete(Failure.of(Layer.INTERNAL, Cause.INTERNAL_ERROR,
                "the media check failed: " + bug)));
        Watch answering = new Watch();
        List<CompletableFuture<CallMedia>> opened = new ArrayList<>();
        try {
            CallMedia offerer = open(factory, loop, e -> { }, Play.parse("tone:440", false)
                    .options(relayed, null, new double[0]), failed, opened, end);
            CallMedia answerer = open(factory, loop, answering::seen, Play.parse("silence", false)
                    .options(relayed, null, new double[] {440}), failed, opened, end);
            String offer = offerer.offer().get(left(end), TimeUnit.NANOSECONDS);
            if (Sdp.candidates(offer).stream().noneMatch(c -> "relay".equals(c.type()))) {
                // relay-only and no relay candidate: the allocation through this server failed inside libwebrtc
                boolean tls = url.scheme().equals("turns");
                return new Outcome(false, "the media engine got no relay candidate from this server"
                        + (tls && !tlsInsecure ? ": the TLS relay could not be used (libwebrtc checks a turns: certificate"
                        + " against its own roots and cannot take --ca-file; for a private CA add --turns-insecure, the media"
                        + " stays DTLS-SRTP)" : " (allocation refused or unreachable: see the turn check)"), facts);
            }
            String answer = answerer.answer(offer).get(left(end), TimeUnit.NANOSECONDS);
            offerer.acceptAnswer(answer).get(left(end), TimeUnit.NANOSECONDS);
            onLoop(loop, () -> {
                offerer.negotiated();
                answerer.negotiated();
                return CompletableFuture.completedFuture(null);
            }).get(left(end), TimeUnit.NANOSECONDS);
            Failure early = CompletableFuture.anyOf(answering.connected, failed).thenApply(x -> failed.getNow(null))
                    .get(left(end), TimeUnit.NANOSECONDS);
            if (early != null) {
                return new Outcome(false, early.cause() == Cause.ICE_FAILED ? "ICE failed" : early.message(), facts);
            }
            facts.put("connectMs", (System.nanoTime() - t0) / 1_000_000);
            // a second of the tone heard, or the wait's end; a failure of the media ends it at once
            AudioAnalyzer heard = answerer.audio().analyzer();
            long until = Math.min(end, System.nanoTime() + TONE_WAIT.toNanos());
            while (System.nanoTime() < until && heard.audibleFrames() < FRAMES && !failed.isDone()) {
                Thread.sleep(50);
            }
            long frames = heard.audibleFrames();
            boolean tone = frames >= FRAMES && heard.carriesTone(0);
            facts.put("audioFrames", frames);
            // both sides end as a call ends, and their media judge it as a call's: connected, packets flowing
            MediaStats[] last = new MediaStats[2];
            Failure verdict = onLoop(loop, () -> answerer.end().thenCombine(offerer.end(), (a, o) -> {
                last[0] = a.stats();
                last[1] = o.stats();
                return a.failure() != null ? a.failure() : o.failure();
            })).get(Math.max(left(end), TimeUnit.SECONDS.toNanos(3)), TimeUnit.NANOSECONDS);
            Failure during = failed.getNow(null);
            if (last[0] != null) {
                facts.put("packetsReceived", last[0].packetsReceived());
            }
            MediaEvent.SelectedPair pair = answering.pair;
            String path = "relay";
            if (pair != null) {
                facts.put("localCandidate", pair.localType());
                facts.put("relayProtocol", pair.relayProtocol());
                path = pair.localType() + " via " + pair.relayProtocol();
            }
            Failure f = during != null ? during : verdict;
            if (f != null) {
                return new Outcome(false, "connected, but " + f.message(), facts);
            }
            return new Outcome(tone, tone ? "ICE+DTLS connected in " + facts.get("connectMs") + " ms over " + path
                    + ", 440 Hz tone carried" : "connected, but the tone did not arrive (" + frames + " frames)", facts);
        } catch (ExecutionException e) {
            return new Outcome(false, e.getCause() == null ? e.toString() : e.getCause().getMessage(), facts);
        } catch (TimeoutException e) {
            return new Outcome(false, "ICE/DTLS did not complete within " + max.toSeconds() + " s", facts);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted", facts);
        } catch (MediaCouldNotStart e) {
            return new Outcome(false, "media could not start: " + e.getMessage(), facts);
        } catch (RuntimeException | LinkageError e) {
            return new Outcome(false, "media could not start: " + e.getMessage(), facts);
        } finally {
            closeAll(opened);
            loop.close();
        }
    }

    /** What the answering side's media published that the check reads: connected (DTLS up) and the path. */
    private static final class Watch {
        final CompletableFuture<Void> connected = new CompletableFuture<>();
        volatile MediaEvent.SelectedPair pair;

        void seen(Event e) {
            if (e instanceof MediaEvent.ConnectionState c && c.state().equals("connected")) {
                connected.complete(null);
            } else if (e instanceof MediaEvent.SelectedPair p && pair == null) {
                pair = p;
            }
        }
    }

    /** The media could not be opened (the native library, the options): said as such, not as a timeout. */
    private static final class MediaCouldNotStart extends Exception {
        MediaCouldNotStart(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static CallMedia open(CallMedia.Factory factory, UaLoop loop, java.util.function.Consumer<Event> publish,
                                  dialtone.media.MediaOptions options, CompletableFuture<Failure> failed,
                                  List<CompletableFuture<CallMedia>> opened, long end)
            throws MediaCouldNotStart, TimeoutException, InterruptedException {
        CompletableFuture<CallMedia> m;
        try {
            m = factory.open(loop, publish, "ice", options, failed::complete);
        } catch (RuntimeException | LinkageError e) {
            throw new MediaCouldNotStart(e);
        }
        opened.add(m);
        try {
            return m.get(left(end), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new MediaCouldNotStart(e.getCause() == null ? e : e.getCause());
        }
    }

    /** Runs {@code step} on the loop (where a call's media is driven) and completes with what it completes with. */
    private static <T> CompletableFuture<T> onLoop(UaLoop loop, Supplier<CompletableFuture<T>> step) {
        CompletableFuture<T> r = new CompletableFuture<>();
        loop.execute(() -> step.get().whenComplete((v, e) -> {
            if (e != null) {
                r.completeExceptionally(e);
            } else {
                r.complete(v);
            }
        }));
        return r;
    }

    private static long left(long end) {
        return Math.max(1, end - System.nanoTime());
    }

    /** Closes every media opened (both at once: each close is bounded); one still opening is closed when it opens. */
    private static void closeAll(List<CompletableFuture<CallMedia>> opened) {
        List<Thread> closing = new ArrayList<>();
        for (CompletableFuture<CallMedia> f : opened) {
            if (!f.isDone()) {
                f.thenAccept(CallMedia::close);
                continue;
            }
            if (f.isCompletedExceptionally()) {
                continue;
            }
            CallMedia m = f.join();
            Thread t = new Thread(m::close, "ice-loopback-close");
            t.setDaemon(true);
            t.start();
            closing.add(t);
        }
        for (Thread t : closing) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(6));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
