package dialtone.engine;

import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.MediaEvent;
import dialtone.event.MediaStats;
import dialtone.media.Fingerprint;
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
 *
 * <p>One owner: its fields and its {@link dialtone.media.MediaPresence} are written on the UA loop only. Native calls
 * (stats, stop sending, close) run elsewhere and post what they learn back to the loop.
 */
final class WebRtcMedia implements CallMedia, CallAudio, MediaListener {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    /** A path disconnected this long is lost (the call fails at once); shorter ones are outages, judged when they end. */
    private static final Duration LOST_AFTER = Duration.ofSeconds(5);
    private static final Duration ICE_LOST_AFTER = Duration.ofSeconds(12);
    private Instant disconnectedSince;

    private final Scheduler loop;
    private final Consumer<Event> publish;
    private final String scenario;
    private final Consumer<Failure> onFailure;
    private volatile MediaSession session;
    private MediaStats last;
    private StatsSampler.Path lastPath;
    private boolean connected;
    private boolean dtlsShown;
    private boolean pairShown;
    private Instant answeredAt;
    private Scheduler.Cancellable statsTimer;
    private Scheduler.Cancellable connectTimer;
    private boolean stopped;
    private boolean dtlsConnecting;
    private Instant dtlsConnectedAt;
    /** A disconnection shorter than this when the call starts ending is the far end tearing down, not a loss. */
    static final Duration TEARDOWN_GRACE = Duration.ofSeconds(1);
    private boolean ending;
    private Failure lostBeforeEnding;
    private boolean everConnected;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    /** The far end's media, judged per sample and per decoded frame (README, "Media presence"). */
    private final dialtone.media.MediaPresence presence = new dialtone.media.MediaPresence();
    private MediaOptions options;
    private String expectedFrom;
    private boolean relayAsking;
    private Instant relayAskedAt;
    private boolean relayLost;

    /**
     * What the verdict, timer and description logic asks of libwebrtc: the seam its unit tests replace (every call of
     * it may block or run elsewhere, never on the loop, but for {@link #remoteDescription}, which reads a stored
     * string, and the futures, which return at once).
     */
    interface Native {
        CompletableFuture<StatsSampler.Sample> sample();

        /** The far end's description as applied, or null before the first one. */
        String remoteDescription();

        /** The answer to the call's first offer, its candidates gathered. */
        CompletableFuture<String> answer(String offer);

        /** The answer to an offer inside the call: ICE is up, no gathering wait. */
        CompletableFuture<String> reanswer(String offer);

        CompletableFuture<Boolean> insertDtmf(String tones, int durationMs, int gapMs);

        void stopSending();

        boolean close(Duration max);
    }

    private final Native nat;

    private WebRtcMedia(Scheduler loop, Consumer<Event> publish, String scenario, Consumer<Failure> onFailure) {
        this.loop = loop;
        this.publish = publish;
        this.scenario = scenario;
        this.onFailure = onFailure;
        this.nat = new Native() {
            @Override
            public CompletableFuture<StatsSampler.Sample> sample() {
                return session.stats().sample();
            }

            @Override
            public String remoteDescription() {
                return session.remoteDescription();
            }

            @Override
            public CompletableFuture<String> answer(String offer) {
                return session.answer(offer);
            }

            @Override
            public CompletableFuture<String> reanswer(String offer) {
                return session.reanswer(offer);
            }

            @Override
            public CompletableFuture<Boolean> insertDtmf(String tones, int durationMs, int gapMs) {
                return session.insertDtmf(tones, durationMs, gapMs);
            }

            @Override
            public void stopSending() {
                session.stopSending();
            }

            @Override
            public boolean close(Duration max) {
                return session.close(max);
            }
        };
    }

    /** The media's logic on {@code nat} instead of a WebRTC session (unit tests). */
    WebRtcMedia(Scheduler loop, Consumer<Event> publish, String scenario, Consumer<Failure> onFailure, Native nat) {
        this.loop = loop;
        this.publish = publish;
        this.scenario = scenario;
        this.onFailure = onFailure;
        this.nat = nat;
    }

    /** Creates the WebRTC session off the caller's thread (the native library loads on first use). */
    static CompletableFuture<CallMedia> open(Scheduler loop, Consumer<Event> publish, String scenario, MediaOptions options,
                                            Consumer<Failure> onFailure) {
        WebRtcMedia m = new WebRtcMedia(loop, publish, scenario, onFailure);
        m.options = options;
        if (options.source() instanceof dialtone.media.MicSource) {
            // seen in CallIT: libwebrtc's outbound counters of the device module's capture move in bursts (0 and 258
            // kbit/s in alternate seconds) while the echo that came back kept its level (packets or only counters?)
            loop.execute(() -> {
                m.presence.dontJudgeSent("--play mic (libwebrtc counts the device's packets in bursts of seconds)");
                m.presence.dontLearnPtime(); // and the device's playout pulls in bursts: the NetEq estimate runs short
            });
        }
        return MediaSession.open(options, m).thenApply(s -> {
            m.session = s;
            s.presence(m.presence);
            return m;
        });
    }

    /** A far end's description applied already means this offer is one inside the call (SIP.js asks its signalling state). */
    @Override
    public CompletableFuture<String> answer(String offer) {
        return nat.remoteDescription() == null ? nat.answer(offer) : nat.reanswer(offer);
    }

    @Override
    public CompletableFuture<Void> acceptAnswer(String answer) {
        return session.acceptAnswer(answer);
    }

    /** Whether the far end takes telephone-event is in its description; the native insert runs off the loop. */
    @Override
    public boolean dtmf(String tones, int durationMs, int gapMs, Consumer<String> taken) {
        loop.assertOnLoop();
        String remote = nat.remoteDescription();
        if (remote == null || !Sdp.audioCodecs(remote).toLowerCase(java.util.Locale.ROOT).contains("telephone-event")) {
            return false;
        }
        nat.insertDtmf(tones, durationMs, gapMs).whenComplete((inserted, e) -> loop.execute(() ->
                taken.accept(Boolean.TRUE.equals(inserted) ? null : "libwebrtc did not send DTMF " + tones
                        + (e == null ? "" : ": " + e.getMessage()))));
        return true;
    }

    @Override
    public CallAudio audio() {
        return this;
    }

    @Override
    public void setMuted(boolean muted) {
        loop.assertOnLoop();
        session.setMuted(muted);
        presence.quiet(loop.now().toEpochMilli(), muted); // an echo of us goes silent with us: not an outage
    }

    @Override
    public dialtone.media.AudioAnalyzer analyzer() {
        return session.analyzer();
    }

    @Override
    public dialtone.media.WavRecorder recorder() {
        return session.recorder();
    }

    @Override
    public CompletableFuture<MediaStats> sample() {
        return nat.sample().thenApply(StatsSampler.Sample::media);
    }

    @Override
    public void addTap(MediaSession.AudioTap t) {
        session.addTap(t);
    }

    @Override
    public void removeTap(MediaSession.AudioTap t) {
        session.removeTap(t);
    }

    @Override
    public CompletableFuture<long[]> speak(short[] pcm) {
        return session.speak(pcm);
    }

    /** The far end has our SDP and we have theirs: media should connect now. */
    @Override
    public void negotiated() {
        loop.assertOnLoop();
        answeredAt = loop.now();
        updateExpectation();
        connectTimer = loop.schedule(CONNECT_TIMEOUT, () -> {
            if (!connected && !stopped) {
                fail(Failure.of(Layer.MEDIA, Cause.ICE_FAILED, "ICE did not connect within " + CONNECT_TIMEOUT.toSeconds() + " s"));
            }
        });
        statsTimer = loop.schedule(sampleInterval(), this::tick);
    }

    /** A stats request unanswered this long, while libwebrtc answers none in the whole process, means the engine is stuck. */
    static final Duration STALL = Duration.ofSeconds(5);
    private Instant sampleAskedAt;
    private boolean stallReported;
    private boolean gapReported;
    private Instant statsShownAt;

    /**
     * While no packet arrives: every 100 ms when a few calls share the engine; with more, the usual interval (a far end
     * that pauses every call at once must not make each of them ask ten times as often: libwebrtc answers stats
     * requests one at a time, and about 40 a second is what the process asks at most).
     */
    static Duration fastInterval() {
        return StatsSampler.live() <= 4 ? Duration.ofMillis(100) : StatsSampler.interval();
    }

    /**
     * How often a call samples: every 250 ms when a few calls share the engine, so that a pause of 0.3 s or more is
     * always seen open by a sample (and then measured by the fast ones), never only guessed from an interval's count;
     * with more, {@link StatsSampler#interval()}. A stats line is shown about once a second either way.
     */
    static Duration sampleInterval() {
        return StatsSampler.live() <= 4 ? Duration.ofMillis(250) : StatsSampler.interval();
    }

    private void tick() {
        if (stopped) {
            return;
        }
        statsTimer = loop.schedule(sampleInterval(), this::tick);
        if (sampleAskedAt != null) {
            if (!stallReported && Duration.between(sampleAskedAt, loop.now()).compareTo(STALL) >= 0
                    && StatsSampler.engineSilentFor(STALL)) {
                stallReported = true;
                fail(Failure.of(Layer.MEDIA, Cause.INTERNAL_ERROR, "the media engine stopped answering: no statistics for "
                        + STALL.toSeconds() + " s (libwebrtc is stuck; the call is failed instead of waiting)"));
            }
            return;
        }
        sampleAskedAt = loop.now();
        nat.sample().whenComplete((s, e) -> loop.execute(() -> {
            sampleAskedAt = null;
            if (s != null && !stopped) {
                if (connected && !ending) {
                    updateExpectation();
                    if (s.counters() != null) {
                        presence.sample(s.counters());
                    }
                    publishOutages();
                    askRelay();
                    if (presence.noPacketsSince() >= 0 && statsTimer != null) {
                        // a pause is open: sample often, so that its end is known to a fraction of a second
                        statsTimer.cancel();
                        statsTimer = loop.schedule(fastInterval(), this::tick);
                    }
                }
                watchReceiving(s.media());
                last = s.media();
                if (s.path() != null) {
                    lastPath = s.path();
                    showPath(s.path());
                }
                Instant now = loop.now();
                // not every sample is shown: about one a second
                if (connected && (statsShownAt == null || Duration.between(statsShownAt, now).toMillis() >= 850)) {
                    statsShownAt = now;
                    publish.accept(new MediaEvent.Stats(now, scenario, s.media()));
                }
            }
        }));
    }

    /**
     * RTP that stops arriving in the middle of a call is said at once, as a warning, after {@link #LOST_AFTER}: the
     * outage itself is judged when it ends (or the call does). A relayed path whose TURN server no longer answers says
     * so; otherwise the far end stopped sending, or the network lost its packets (dialtone cannot tell which).
     */
    private void watchReceiving(MediaStats m) {
        long since = presence.noPacketsSince();
        if (!connected || ending || since < 0) {
            gapReported = false;
            return;
        }
        if (!gapReported && loop.now().toEpochMilli() - since >= LOST_AFTER.toMillis()) {
            gapReported = true;
            publish.accept(new dialtone.event.RunEvent.Warning(loop.now(), scenario, "rtp-stopped", "no RTP received for "
                    + LOST_AFTER.toSeconds() + " s while the call is up: " + (relayLost
                    ? "the TURN relay of the media path stopped answering (relay lost)"
                    : "the far end stopped sending, or the network lost its packets")));
        }
    }

    /** The far end's SDP says what to expect (direction, DTX, ptime); read again when it changes (hold, resume). */
    private void updateExpectation() {
        String remote = nat.remoteDescription();
        if (remote != null && !remote.equals(expectedFrom)) {
            expectedFrom = remote;
            presence.expect(dialtone.media.MediaPresence.fromSdp(remote));
        }
    }

    /** The outages that ended since the last look, as events. */
    private void publishOutages() {
        for (dialtone.media.MediaPresence.Outage o : presence.drain()) {
            publish.accept(new MediaEvent.Outage(loop.now(), scenario, Instant.ofEpochMilli(o.startMs()),
                    Instant.ofEpochMilli(o.endMs()), o.lengthMs(), o.cause().wire, o.fails(), o.ongoing(),
                    o.iceDisconnectedMs(), dialtone.media.MediaPresence.describe(o)));
        }
    }

    /**
     * While no packet arrives on a relayed path, asks its TURN server directly (a STUN Binding, on a thread of its own)
     * whether it is there: a relay that is gone is the cause, not the far end. Every 2 s at most.
     */
    private void askRelay() {
        long since = presence.noPacketsSince();
        StatsSampler.Path p = lastPath;
        Instant now = loop.now();
        if (since < 0) {
            if (relayLost) {
                relayLost = false;
                presence.relay(now.toEpochMilli(), false);
            }
            return;
        }
        if (relayAsking || p == null || !"relay".equals(p.localType()) || now.toEpochMilli() - since < 700
                || (relayAskedAt != null && Duration.between(relayAskedAt, now).toMillis() < 2000)) {
            return;
        }
        relayAsking = true;
        relayAskedAt = now;
        relayCheck(p.relayProtocol(), ok -> {
            relayAsking = false;
            if (ok == null || stopped || ending) {
                return;
            }
            if (!ok && !relayLost && presence.noPacketsSince() >= 0) {
                relayLost = true;
                presence.relay(presence.noPacketsSince(), true);
            } else if (ok && relayLost) {
                relayLost = false;
                presence.relay(loop.now().toEpochMilli(), false);
            }
        });
    }

    /** Asks the TURN servers of {@code relayProtocol} whether they answer, on a thread of its own; the answer on the loop. */
    private void relayCheck(String relayProtocol, java.util.function.Consumer<Boolean> then) {
        Thread t = new Thread(() -> {
            Boolean ok = dialtone.media.RelayCheck.answers(options.iceServers(), relayProtocol, Duration.ofMillis(900));
            loop.execute(() -> then.accept(ok));
        }, "media-relay-check");
        t.setDaemon(true);
        t.start();
    }

    private void showPath(StatsSampler.Path p) {
        if (!pairShown && p.localType() != null && connected) {
            pairShown = true;
            publish.accept(new MediaEvent.SelectedPair(loop.now(), scenario, p.localType(), p.localProtocol(),
                    p.localAddress(), p.remoteType(), p.remoteAddress(), p.relayProtocol(), p.rttMs()));
        }
        if (!dtlsShown && "connected".equals(p.dtlsState()) && p.dtlsCipher() != null) {
            dtlsShown = true;
            String sdpFp = Sdp.fingerprint(nat.remoteDescription());
            // hash the certificate with the SDP's algorithm (RFC 8122): the stats name the certificate's own one
            Fingerprint.Check check = Fingerprint.check(sdpFp, p.remoteCertificate());
            Boolean match = check.matches();
            publish.accept(new MediaEvent.Dtls(dtlsConnectedAt != null ? dtlsConnectedAt : loop.now(), scenario,
                    "connected", p.dtlsRole(), p.tlsVersion(),
                    p.dtlsCipher(), p.srtpCipher(), sdpFp != null ? sdpFp : p.remoteFingerprint(), match));
            if (Boolean.FALSE.equals(match)) {
                fail(Failure.of(Layer.MEDIA, Cause.DTLS_FAILED, "DTLS certificate check failed: " + check.detail()));
            }
        }
    }

    private void fail(Failure f) {
        if (!stopped && !ending) {
            onFailure.accept(f);
        }
    }

    /**
     * The call is ending (BYE or CANCEL sent, a BYE received, or the call judged): from now on ICE and DTLS changes are
     * the far end tearing down, not failures; sending stops at once (as a browser does), and the last statistics are
     * taken off the loop. A path that had been down for {@link #TEARDOWN_GRACE} or more before this moment was lost
     * during the call, and says so in the verdict. On the loop; the outcome completes on the loop within ~1 s.
     */
    @Override
    public CompletableFuture<Outcome> end() {
        loop.assertOnLoop();
        if (ending) {
            return outcome;
        }
        ending = true;
        Instant now = loop.now();
        updateExpectation();
        if (disconnectedSince != null && Duration.between(disconnectedSince, now).compareTo(TEARDOWN_GRACE) >= 0) {
            long ms = Duration.between(disconnectedSince, now).toMillis();
            lostBeforeEnding = Failure.of(Layer.MEDIA, Cause.ICE_FAILED, "the media path was lost (ICE disconnected "
                    + String.format("%.1f", ms / 1000.0) + " s before the call ended)");
        }
        if (connectTimer != null) {
            connectTimer.cancel();
        }
        Thread t = new Thread(() -> {
            nat.stopSending();
            StatsSampler.Sample x = null;
            try {
                x = nat.sample().get(1, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // keep the last periodic sample
            }
            StatsSampler.Sample got = x;
            loop.execute(() -> ended(now, got)); // what the sample says is the loop's to write
        }, "media-ending");
        t.setDaemon(true);
        t.start();
        loop.schedule(END_WAIT, () -> ended(now, null)); // a thread that never got back: the last periodic sample
        return outcome;
    }

    /** The outcome comes within this of {@link #end()}, with the last periodic sample when the last one is not in. */
    static final Duration END_WAIT = Duration.ofSeconds(2);

    /** Takes the last sample (null: none) into the figures and completes the outcome, once. On the loop. */
    private void ended(Instant at, StatsSampler.Sample got) {
        if (outcome.isDone()) {
            return;
        }
        if (got != null && got.path() != null) {
            lastPath = got.path();
        }
        if (got != null) {
            last = got.media();
        }
        presence.finish(at.toEpochMilli(), got == null ? null : got.counters());
        publishOutages(); // the last ones: the one the end cut short included
        outcome.complete(new Outcome(last, verdict(last), presence));
    }

    /**
     * What the media of an answered call says at its end: lost before the end, never connected, or no RTP at all
     * (a call that carried no audio never passes, whatever --duration says); null when the media did its job.
     * Failures seen during the call were reported when they happened.
     */
    private Failure verdict(MediaStats s) {
        for (dialtone.media.MediaPresence.Outage o : presence.outages()) {
            if (o.fails()) {
                return Failure.of(Layer.MEDIA, Cause.MEDIA_OUTAGE, dialtone.media.MediaPresence.describe(o));
            }
        }
        if (lostBeforeEnding != null) {
            return lostBeforeEnding;
        }
        if (!everConnected) {
            return Failure.of(Layer.MEDIA, Cause.ICE_FAILED, "ICE never connected: the call was answered but had no"
                    + " media path (firewall, an unusable TURN server, or a far end that sent no usable candidate)");
        }
        // libwebrtc reports no inbound-rtp at all (-1 here) until the first packet arrives; a far end whose SDP
        // says it will not send (recvonly, inactive) is taken at its word
        String farEndSends = Sdp.audioDirection(nat.remoteDescription());
        boolean silentByDesign = "recvonly".equals(farEndSends) || "inactive".equals(farEndSends);
        if (s != null && s.packetsReceived() <= 0 && !silentByDesign) {
            return Failure.of(Layer.AUDIO, Cause.NO_MEDIA, "no RTP packet was received during the call");
        }
        String rate = presence.failure();
        if (rate != null) {
            return Failure.of(Layer.MEDIA, presence.failsOnGlitches() ? Cause.MEDIA_OUTAGE : Cause.LOW_PACKET_RATE, rate);
        }
        return null;
    }

    /** Stops the timers (on the loop) and releases the native session (bounded). Off the loop. */
    @Override
    public boolean close() {
        CompletableFuture<Void> timersStopped = new CompletableFuture<>();
        loop.execute(() -> {
            stopped = true;
            if (statsTimer != null) {
                statsTimer.cancel();
            }
            if (connectTimer != null) {
                connectTimer.cancel();
            }
            timersStopped.complete(null);
        });
        try {
            timersStopped.get(1, java.util.concurrent.TimeUnit.SECONDS); // no sample is asked of a session being closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the loop is gone (a head start no call took): its timers with it
        }
        return nat.close(Duration.ofSeconds(5));
    }

    // ---- native callbacks: enqueue only ---------------------------------------------------------------------------

    @Override
    public void onGathering(String state) {
        Instant at = loop.now(); // when it happened, not when the loop got to it
        loop.execute(() -> publish.accept(new MediaEvent.Gathering(at, scenario, state)));
    }

    @Override
    public void onIceState(String state) {
        Instant at = loop.now();
        loop.execute(() -> {
            publish.accept(new MediaEvent.IceState(at, scenario, state));
            if (!ending && !stopped) {
                presence.iceState(at.toEpochMilli(), state);
            }
            if ((state.equals("connected") || state.equals("completed")) && !connected) {
                connected = true;
                everConnected = true;
            } else if (state.equals("failed") && connected && lastPath != null && "relay".equals(lastPath.localType())) {
                // a relayed path: ask its TURN server before saying whose fault it is (about a second, off the loop)
                relayCheck(lastPath.relayProtocol(), ok -> {
                    if (Boolean.FALSE.equals(ok)) {
                        relayLost = true;
                    }
                    fail(Failure.of(Layer.MEDIA, Cause.ICE_FAILED, "the media path was lost (ICE failed"
                            + (Boolean.FALSE.equals(ok) ? ": the TURN relay of the path stopped answering, relay lost)" : ")")));
                });
            } else if (state.equals("failed")) {
                fail(Failure.of(Layer.MEDIA, Cause.ICE_FAILED, connected ? "the media path was lost (ICE failed)"
                        : "ICE failed: no candidate pair worked (firewall? try --ice-server with TURN, or --relay-only)"));
            }
            if (state.equals("disconnected") && connected) {
                // libwebrtc takes ~30 s to call a dead path "failed"; a call tester should say so sooner
                Instant since = loop.now();
                disconnectedSince = since;
                loop.schedule(ICE_LOST_AFTER, () -> {
                    if (since.equals(disconnectedSince) && !stopped) {
                        fail(Failure.of(Layer.MEDIA, Cause.ICE_FAILED, "the media path was lost: ICE disconnected for "
                                + ICE_LOST_AFTER.toSeconds() + " s (" + (relayLost
                                ? "the TURN relay of the path stopped answering: relay lost)"
                                : "the far end stopped answering, or the network between went away)")));
                    }
                });
            } else if (state.equals("connected") || state.equals("completed")) {
                disconnectedSince = null;
            }
        });
    }

    @Override
    public void onConnectionState(String state) {
        Instant at = loop.now();
        loop.execute(() -> {
            publish.accept(new MediaEvent.ConnectionState(at, scenario, state));
            if (state.equals("connected") && dtlsConnectedAt == null) {
                dtlsConnectedAt = at; // the peer connection is connected when DTLS is: the dtls event carries this time
            }
            // The peer connection state combines ICE and DTLS: failed while ICE had connected means DTLS failed.
            if (state.equals("failed") && connected && dtlsConnectedAt == null) {
                fail(Failure.of(Layer.MEDIA, Cause.DTLS_FAILED, "the DTLS handshake failed (ICE had connected)"));
            } else if (state.equals("connecting") && connected && !dtlsConnecting) {
                dtlsConnecting = true;
                publish.accept(new MediaEvent.Dtls(at, scenario, "connecting", null, null, null, null, null, null));
            } else if (state.equals("connected")) {
                // DTLS is up: the session activates its sender itself (MediaSession.activate)
                sampleSoon();
            }
        });
    }

    private void sampleSoon() {
        loop.schedule(Duration.ZERO, () -> nat.sample().whenComplete((s, e) -> loop.execute(() -> {
            if (s != null && s.path() != null && !stopped) {
                lastPath = s.path();
                showPath(s.path());
            }
        })));
    }

    @Override
    public void onFirstAudio() {
        Instant at = loop.now();
        loop.execute(() -> publish.accept(new MediaEvent.FirstAudio(at, scenario,
                answeredAt == null ? 0 : Math.max(0, Duration.between(answeredAt, at).toMillis()))));
    }

    @Override
    public void onDtmf(String digit) {
        Instant at = loop.now();
        loop.execute(() -> publish.accept(new dialtone.event.CallEvent.DtmfReceived(at, scenario, digit, "audio")));
    }

    @Override
    public CompletableFuture<String> offer() {
        return session.offer();
    }
}
