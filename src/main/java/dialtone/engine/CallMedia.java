package dialtone.engine;

import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.MediaEvent;
import dialtone.event.MediaStats;
import dialtone.media.MediaListener;
import dialtone.media.MediaOptions;
import dialtone.media.MediaSession;
import dialtone.media.Sdp;
import dialtone.media.StatsSampler;
import dialtone.support.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The media half of a call, as the engine sees it: a {@link MediaSession} whose native callbacks are turned into
 * events on the UA loop, a stats sample every second, the DTLS facts once connected (with the remote certificate's
 * fingerprint checked against the SDP), and the media verdict (ICE or DTLS failed, or never connected).
 */
final class CallMedia implements MediaListener {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration LOST_AFTER = Duration.ofSeconds(5);
    private Instant disconnectedSince;

    private final Scheduler loop;
    private final Consumer<Event> publish;
    private final String scenario;
    private final Consumer<Failure> onFailure;
    private final MediaSession session;
    private volatile MediaStats last;
    private volatile StatsSampler.Path lastPath;
    private boolean connected;
    private boolean dtlsShown;
    private boolean pairShown;
    private Instant answeredAt;
    private Scheduler.Cancellable statsTimer;
    private Scheduler.Cancellable connectTimer;
    private boolean stopped;
    private boolean dtlsConnecting;

    CallMedia(Scheduler loop, Consumer<Event> publish, String scenario, MediaOptions options, Consumer<Failure> onFailure) {
        this.loop = loop;
        this.publish = publish;
        this.scenario = scenario;
        this.onFailure = onFailure;
        this.session = MediaSession.create(options, this);
    }

    MediaSession session() {
        return session;
    }

    /** Publishes the candidates of our SDP (what the far end will try). */
    void showCandidates(String sdp) {
        for (Sdp.Candidate c : Sdp.candidates(sdp)) {
            publish.accept(new MediaEvent.Candidate(loop.now(), scenario, c.type(), c.protocol()
                    + (c.tcpType() == null ? "" : "/" + c.tcpType()), c.address(), c.port(), null));
        }
    }

    /** The far end has our SDP and we have theirs: media should connect now. */
    void negotiated() {
        loop.assertOnLoop();
        answeredAt = loop.now();
        connectTimer = loop.schedule(CONNECT_TIMEOUT, () -> {
            if (!connected && !stopped) {
                fail(Failure.of(Layer.MEDIA, Cause.ICE_FAILED, "ICE did not connect within " + CONNECT_TIMEOUT.toSeconds() + " s"));
            }
        });
        statsTimer = loop.schedule(Duration.ofSeconds(1), this::sample);
    }

    private void sample() {
        if (stopped) {
            return;
        }
        session.stats().sample().whenComplete((s, e) -> loop.execute(() -> {
            if (s != null && !stopped) {
                last = s.media();
                if (s.path() != null) {
                    lastPath = s.path();
                    showPath(s.path());
                }
                if (connected) {
                    publish.accept(new MediaEvent.Stats(loop.now(), scenario, s.media()));
                }
            }
        }));
        statsTimer = loop.schedule(Duration.ofSeconds(1), this::sample);
    }

    private void showPath(StatsSampler.Path p) {
        if (!pairShown && p.localType() != null && connected) {
            pairShown = true;
            publish.accept(new MediaEvent.SelectedPair(loop.now(), scenario, p.localType(), p.localProtocol(),
                    p.localAddress(), p.remoteType(), p.remoteAddress(), p.relayProtocol(), p.rttMs()));
        }
        if (!dtlsShown && "connected".equals(p.dtlsState()) && p.dtlsCipher() != null) {
            dtlsShown = true;
            String sdpFp = Sdp.fingerprint(session.remoteDescription());
            Boolean match = null;
            if (sdpFp != null && p.remoteFingerprint() != null) {
                match = sdpFp.replace(" ", "").equalsIgnoreCase(p.remoteFingerprint().replace(" ", ""));
            }
            publish.accept(new MediaEvent.Dtls(loop.now(), scenario, "connected", p.dtlsRole(), p.tlsVersion(),
                    p.dtlsCipher(), p.srtpCipher(), p.remoteFingerprint(), match));
            if (Boolean.FALSE.equals(match)) {
                fail(Failure.of(Layer.MEDIA, Cause.DTLS_FAILED, "the DTLS certificate's fingerprint " + p.remoteFingerprint()
                        + " does not match the SDP's " + sdpFp));
            }
        }
    }

    private void fail(Failure f) {
        if (!stopped) {
            onFailure.accept(f);
        }
    }

    /** When ICE went disconnected (and has not recovered), or null. */
    Instant disconnectedSince() {
        return disconnectedSince;
    }

    MediaStats lastStats() {
        return last;
    }

    StatsSampler.Path lastPath() {
        return lastPath;
    }

    /** Takes a last stats sample (bounded wait), for the summary. */
    MediaStats finalStats() {
        try {
            StatsSampler.Sample s = session.stats().sample().get(1, java.util.concurrent.TimeUnit.SECONDS);
            last = s.media();
            lastPath = s.path() == null ? lastPath : s.path();
        } catch (Exception e) {
            // keep the last periodic sample
        }
        return last;
    }

    /** Stops the timers and releases the native session (bounded). */
    boolean close() {
        stopped = true;
        if (statsTimer != null) {
            statsTimer.cancel();
        }
        if (connectTimer != null) {
            connectTimer.cancel();
        }
        return session.close(Duration.ofSeconds(5));
    }

    // ---- native callbacks: enqueue only ---------------------------------------------------------------------------

    @Override
    public void onGathering(String state) {
        loop.execute(() -> publish.accept(new MediaEvent.Gathering(loop.now(), scenario, state)));
    }

    @Override
    public void onIceState(String state) {
        loop.execute(() -> {
            publish.accept(new MediaEvent.IceState(loop.now(), scenario, state));
            if ((state.equals("connected") || state.equals("completed")) && !connected) {
                connected = true;
            } else if (state.equals("failed")) {
                fail(Failure.of(Layer.MEDIA, Cause.ICE_FAILED, connected ? "the media path was lost (ICE failed)"
                        : "ICE failed: no candidate pair worked (firewall? try --ice-server with TURN, or --relay-only)"));
            }
            if (state.equals("disconnected") && connected) {
                // libwebrtc takes ~30 s to call a dead path "failed"; a call tester should say so sooner
                Instant since = loop.now();
                disconnectedSince = since;
                loop.schedule(LOST_AFTER, () -> {
                    if (since.equals(disconnectedSince) && !stopped) {
                        fail(Failure.of(Layer.MEDIA, Cause.ICE_FAILED, "the media path was lost: ICE disconnected for "
                                + LOST_AFTER.toSeconds() + " s (a relay or the network went away)"));
                    }
                });
            } else if (state.equals("connected") || state.equals("completed")) {
                disconnectedSince = null;
            }
        });
    }

    @Override
    public void onConnectionState(String state) {
        loop.execute(() -> {
            publish.accept(new MediaEvent.ConnectionState(loop.now(), scenario, state));
            // The peer connection state combines ICE and DTLS: failed while ICE had connected means DTLS failed.
            if (state.equals("failed") && connected) {
                fail(Failure.of(Layer.MEDIA, Cause.DTLS_FAILED, "the DTLS handshake failed (ICE had connected)"));
            } else if (state.equals("connecting") && connected && !dtlsConnecting) {
                dtlsConnecting = true;
                publish.accept(new MediaEvent.Dtls(loop.now(), scenario, "connecting", null, null, null, null, null, null));
            } else if (state.equals("connected")) {
                // DTLS is up: libwebrtc starts the send stream (and the audio module's recording) about now; the pump
                // starts once that settled and stops the recording before every push (MediaSession.startSending).
                loop.schedule(Duration.ofMillis(60), session::startSending);
                sampleSoon();
            }
        });
    }

    private void sampleSoon() {
        loop.schedule(Duration.ofMillis(50), () -> session.stats().sample().whenComplete((s, e) -> loop.execute(() -> {
            if (s != null && s.path() != null && !stopped) {
                lastPath = s.path();
                showPath(s.path());
            }
        })));
    }

    @Override
    public void onFirstAudio() {
        loop.execute(() -> publish.accept(new MediaEvent.FirstAudio(loop.now(), scenario,
                answeredAt == null ? 0 : Duration.between(answeredAt, loop.now()).toMillis())));
    }

    @Override
    public void onDtmf(String digit) {
        loop.execute(() -> publish.accept(new dialtone.event.CallEvent.DtmfReceived(loop.now(), scenario, digit, "audio")));
    }

    CompletableFuture<String> offer() {
        return session.offer();
    }
}
