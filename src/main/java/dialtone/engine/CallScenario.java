package dialtone.engine;

import dialtone.config.SipProfile;
import dialtone.event.CallEvent;
import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.MediaEvent;
import dialtone.event.MediaStats;
import dialtone.event.Originator;
import dialtone.event.RunEvent;
import dialtone.media.IceServer;
import dialtone.media.MediaException;
import dialtone.media.MediaOptions;
import dialtone.media.Sdp;
import dialtone.media.WavRecorder;
import dialtone.sip.auth.DigestCredentials;
import dialtone.sip.message.Header;
import dialtone.sip.message.SipResponse;
import dialtone.sip.transport.WebSocketTransport;
import dialtone.sip.ua.Identity;
import dialtone.sip.ua.InviteSession;
import dialtone.sip.ua.Registration;
import dialtone.sip.ua.UserAgent;
import dialtone.support.UaLoop;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * {@code dialtone call}: what the Click To Call SDK's connectAndCall() does, headless. Connect, REGISTER (legacy
 * and direct profiles), INVITE with a complete WebRTC offer and the SDK's headers, ACK the 2xx, check the answer is
 * DTLS-SRTP, run ICE and DTLS, send the chosen audio, record and analyse what comes back, end with BYE (or CANCEL
 * while ringing), then check the expectations. Media is prepared while the socket connects.
 */
public final class CallScenario {
    /** Everything the call command decided. */
    public record Options(String target, List<Header> headers, Duration talk, Duration setupTimeout, Play play,
                          Path record, List<IceServer> iceServers, boolean relayOnly, String iceBind, int minPort,
                          int maxPort, boolean noUdp, boolean noTcp, Duration expectAudio, Double expectTone,
                          List<Check> checks, int expires, Duration keepAlive, InCall inCall, Duration requestTimeout) {
    }

    /**
     * In-call actions: DTMF and an INFO sent {@code delay} after the answer, and a command source (script or
     * console). Any of them may be null.
     */
    public record InCall(String dtmf, String dtmfMode, Duration delay, String infoText, String infoData,
                         CommandSource commands) {
        public static InCall none() {
            return new InCall(null, "info", Duration.ofSeconds(1), null, null, null);
        }
    }

    public record Result(Failure failure, Map<String, Object> summary) {
    }

    private final SipProfile profile;
    private final SSLContext ssl;
    private final Consumer<Event> publish;
    private final java.util.concurrent.CopyOnWriteArrayList<Consumer<Event>> taps = ScriptRunner.newTaps();
    private final Clock clock;
    private final String scenario;
    private final Options o;
    private final String userAgent;
    private final CompletableFuture<Failure> done = new CompletableFuture<>();
    private volatile InviteSession call;
    private volatile CallMedia media;
    private volatile Instant invitedAt;
    private volatile Instant answeredAt;
    private volatile Instant endedAt;
    private volatile String endReason;
    private volatile Originator endedBy;
    private volatile boolean timedOut;
    private volatile CallControl control;

    public CallScenario(SipProfile profile, SSLContext ssl, Consumer<Event> publish, Clock clock, String scenario,
                        Options options, String userAgent) {
        this.profile = profile;
        this.ssl = ssl;
        this.publish = e -> {
            publish.accept(e);
            for (Consumer<Event> t : taps) {
                t.accept(e);
            }
        };
        this.clock = clock;
        this.scenario = scenario;
        this.o = options;
        this.userAgent = userAgent;
    }

    public Result run(CountDownLatch stop) throws InterruptedException {
        UaLoop loop = new UaLoop(clock, bug -> publish.accept(new RunEvent.InternalError(clock.instant(), scenario,
                "ua loop", bug.getClass().getSimpleName() + ": " + bug.getMessage())));
        DigestCredentials creds = profile.password() == null ? null : new DigestCredentials(profile.authUser(), profile.password());
        Identity id = Identity.of(profile.aor(), profile.realm(), creds, userAgent);
        UserAgent ua = new UserAgent(loop, id, l -> new WebSocketTransport(profile.wsUri(), ssl, loop, l,
                Duration.ofSeconds(10), o.keepAlive()), publish, scenario, profile.wsUri().toString());
        ua.setRequestHandler(st -> {
            InviteSession c = call;
            if (c != null && c.owns(st.request())) {
                c.onRequest(st);
                return true;
            }
            return false;
        });
        // media in parallel with the connection: loading the native library and gathering take the longest
        CompletableFuture<CallMedia> mediaReady = CompletableFuture.supplyAsync(() -> new CallMedia(loop, publish,
                scenario, mediaOptions(), this::mediaFailed));
        CompletableFuture<String> offer = mediaReady.thenCompose(CallMedia::offer);
        CompletableFuture<Failure> connected = new CompletableFuture<>();
        Registration reg = !profile.needsRegister() ? null : new Registration(ua, o.expires(), publish, scenario,
                new Registration.Listener() {
                    @Override
                    public void onRegistered(int expires, boolean refresh) {
                        connected.complete(null);
                    }

                    @Override
                    public void onFailed(Failure f) {
                        if (!connected.complete(f) && call != null && !call.established()) {
                            finish(f);
                        }
                    }
                });
        ua.setListener(new ConnectThenRegister(reg, publish, clock, scenario,
                "runtime endpoint: the SDK calls without registering", connected) {
            @Override
            public void onDisconnected(int code, String reason) {
                if (reg != null) {
                    reg.connectionLost();
                }
                Failure f = Failure.of(Layer.TRANSPORT, Cause.CONNECTION_ERROR, "the WebSocket to " + profile.wsUri()
                        + " was lost (" + CloseReasons.describe(code, reason) + ")"
                        + (call == null ? " before the call" : call.established() ? " during the call" : " while calling"));
                connected.complete(f);
                finish(f);
            }
        });
        agent = ua;
        ua.setRequestTimeout(o.requestTimeout());
        loop.execute(ua::start);
        Failure result;
        try {
            result = setUp(loop, ua, connected, mediaReady, offer, stop);
            if (result == null) {
                result = awaitEnd(loop, stop);
            }
        } finally {
            teardown(loop, ua, reg, mediaReady);
        }
        return finishChecks(result);
    }

    private MediaOptions mediaOptions() {
        double[] freqs = o.expectTone() == null ? new double[0] : new double[] {o.expectTone()};
        return new MediaOptions(o.iceServers(), o.relayOnly(), o.iceBind(), o.minPort(), o.maxPort(), o.noUdp(),
                o.noTcp(), o.play().source(), o.record(), freqs,
                o.iceServers().isEmpty() ? Duration.ofSeconds(2) : Duration.ofSeconds(5));
    }

    private Failure setUp(UaLoop loop, UserAgent ua, CompletableFuture<Failure> connected,
                          CompletableFuture<CallMedia> mediaReady, CompletableFuture<String> offer, CountDownLatch stop)
            throws InterruptedException {
        Failure f = waitFor(connected, Duration.ofSeconds(15).plus(o.requestTimeout().multipliedBy(2)), stop, "connecting");
        if (f != null) {
            return f;
        }
        String sdp;
        try {
            sdp = offer.get(15, TimeUnit.SECONDS);
            media = mediaReady.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof MediaException m) {
                return Failure.of(c.getMessage().startsWith("cannot load") || c.getMessage().startsWith("cannot play")
                        || c.getMessage().startsWith("cannot write") ? Layer.CONFIG : Layer.MEDIA,
                        c.getMessage().startsWith("cannot") ? Cause.SETUP_FAILED : Cause.INTERNAL_ERROR, m.getMessage());
            }
            if (c instanceof LinkageError) {
                return Failure.of(Layer.CONFIG, Cause.SETUP_FAILED, "the WebRTC native library is incomplete: " + c.getMessage());
            }
            return Failure.of(Layer.INTERNAL, Cause.INTERNAL_ERROR, "media setup failed: " + c);
        } catch (java.util.concurrent.TimeoutException e) {
            return Failure.of(Layer.MEDIA, Cause.INTERNAL_ERROR, "the WebRTC offer was not ready within 15 s");
        }
        String target = o.target() != null ? o.target() : profile.target();
        List<Header> headers = new ArrayList<>();
        for (Map.Entry<String, String> h : profile.headers().entrySet()) {
            headers.add(new Header(h.getKey(), h.getValue()));
        }
        headers.addAll(o.headers());
        loop.execute(() -> {
            media.showCandidates(sdp);
            publish.accept(new CallEvent.Dialing(loop.now(), scenario, target, Sdp.audioCodecs(sdp)));
            invitedAt = loop.now();
            call = InviteSession.dial(ua, target, profile.aor(), headers, sdp, new Listener(loop));
            loop.schedule(o.setupTimeout(), () -> {
                InviteSession c = call;
                if (c != null && c.isRinging()) {
                    publish.accept(new CallEvent.Cancelling(loop.now(), scenario, "no answer within "
                            + o.setupTimeout().toSeconds() + " s (--setup-timeout)"));
                    timedOut = true;
                    c.cancel();
                    loop.schedule(Duration.ofSeconds(5), () -> finish(noAnswer()));
                }
            });
        });
        return null;
    }

    private Failure noAnswer() {
        return Failure.of(Layer.CALL, Cause.NO_ANSWER, "no answer within " + o.setupTimeout().toSeconds()
                + " s (--setup-timeout); the call was cancelled");
    }

    private final class Listener implements InviteSession.Listener {
        private final UaLoop loop;

        Listener(UaLoop loop) {
            this.loop = loop;
        }

        @Override
        public void onProgress(SipResponse r) {
            publish.accept(new CallEvent.Progress(loop.now(), scenario, r.status(), r.reason(),
                    r.body().length > 0 && r.header("Content-Type").orElse("").contains("sdp")));
        }

        @Override
        public void onAnswered(String remoteSdp) {
            answeredAt = loop.now();
            String problem = Sdp.checkAnswer(remoteSdp);
            if (problem != null) {
                call.bye("unacceptable answer");
                finish(Failure.of(Layer.CALL, Cause.INCOMPATIBLE_SDP, problem));
                return;
            }
            publish.accept(new CallEvent.Answered(loop.now(), scenario, Duration.between(invitedAt, answeredAt).toMillis(),
                    Sdp.audioCodecs(remoteSdp).split(",")[0]));
            media.session().acceptAnswer(remoteSdp).whenComplete((v, e) -> loop.execute(() -> {
                if (e != null) {
                    call.bye("bad answer SDP");
                    finish(Failure.of(Layer.CALL, Cause.INCOMPATIBLE_SDP, "the answer SDP was not accepted: "
                            + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage())));
                    return;
                }
                media.negotiated();
                control = new CallControl(ua(), publish, scenario, call, media, null);
                startInCall(loop);
                if (o.talk() != null) {
                    loop.schedule(o.talk(), () -> {
                        if (call.established()) {
                            endReason = "--duration reached";
                            call.bye("--duration reached");
                        }
                    });
                }
            }));
        }

        @Override
        public boolean onDialogRequest(InviteSession s, dialtone.sip.transaction.ServerTransaction st) {
            CallControl c = control;
            return c != null && c.onDialogRequest(st);
        }

        @Override
        public void onFailed(Failure f) {
            publish.accept(new CallEvent.Failed(loop.now(), scenario, f));
            finish(f);
        }

        @Override
        public void onEnding(Originator by) {
            if (endedAt == null) {
                endedAt = loop.now();
            }
            CallMedia.ending(media, runner);
            if (by == Originator.LOCAL && answeredAt != null) {
                // a BYE that gets no answer must not hold the verdict for Timer F: media has stopped already
                loop.schedule(BYE_WAIT, () -> {
                    if (!done.isDone() && endedBy == null) {
                        publish.accept(new RunEvent.Warning(loop.now(), scenario, "bye-unanswered", "no answer to our BYE within "
                                + BYE_WAIT.toSeconds() + " s; the call is over on our side"));
                        endedBy = Originator.LOCAL;
                        finish(null);
                    }
                });
            }
        }

        @Override
        public void onEnded(Originator by, String reason) {
            if (endedAt == null) {
                endedAt = loop.now();
            }
            boolean warned = endedBy != null;
            endedBy = by;
            endReason = reason;
            long talk = answeredAt == null ? 0 : Duration.between(answeredAt, endedAt).toMillis();
            publish.accept(new CallEvent.Ended(loop.now(), scenario, by, reason, talk));
            if (reason.endsWith("(no answer to BYE)") && !warned) {
                publish.accept(new RunEvent.Warning(loop.now(), scenario, "bye-unanswered", "the far end never answered our BYE"));
            }
            if (answeredAt == null && timedOut) {
                finish(noAnswer());
            } else if (answeredAt == null && by == Originator.LOCAL) {
                finish(Failure.of(Layer.INTERNAL, Cause.CANCELED, "interrupted while ringing; the call was cancelled"));
            } else {
                // the media verdict (lost before the end, never connected, no RTP) is taken with the final figures
                finish(null);
            }
        }
    }

    private UserAgent agent;
    private static final Duration BYE_WAIT = Duration.ofSeconds(4);
    private volatile ScriptRunner runner;

    private UserAgent ua() {
        return agent;
    }

    /** DTMF/INFO from the flags after the delay; the script or console on its own thread. */
    private void startInCall(UaLoop loop) {
        InCall in = o.inCall() == null ? InCall.none() : o.inCall();
        if (in.dtmf() != null || in.infoText() != null) {
            loop.schedule(in.delay(), () -> {
                if (!call.established()) {
                    return;
                }
                if (in.dtmf() != null) {
                    control.dtmf(in.dtmf(), in.dtmfMode(), 100, 70);
                }
                if (in.infoText() != null) {
                    com.fasterxml.jackson.databind.JsonNode data = null;
                    try {
                        data = in.infoData() == null ? null : new com.fasterxml.jackson.databind.ObjectMapper().readTree(in.infoData());
                    } catch (java.io.IOException e) {
                        // validated by the command before the call
                    }
                    control.info(in.infoText(), data);
                }
            });
        }
        if (in.commands() != null) {
            ScriptRunner r = new ScriptRunner(loop, publish, scenario, call, media, control, taps, in.dtmfMode());
            runner = r;
            Thread t = new Thread(() -> {
                Failure f = r.runAll(in.commands(), o.talk() == null);
                if (f != null) {
                    scriptFailure = f;
                }
            }, "script");
            t.setDaemon(true);
            scriptThread = t;
            t.start();
        }
    }

    private volatile Thread scriptThread;

    private volatile Failure scriptFailure;

    private void mediaFailed(Failure f) {
        InviteSession c = call;
        if (c != null && c.established()) {
            c.bye(f.message());
        }
        finish(f);
    }

    private void finish(Failure f) {
        done.complete(f);
    }

    private Failure awaitEnd(UaLoop loop, CountDownLatch stop) throws InterruptedException {
        Duration max = o.setupTimeout().plus(o.talk() == null ? Duration.ofHours(24) : o.talk()).plus(Duration.ofSeconds(45));
        long end = System.nanoTime() + max.toNanos();
        while (!done.isDone() && System.nanoTime() < end) {
            if (stop.await(50, TimeUnit.MILLISECONDS)) {
                CompletableFuture<Void> sent = new CompletableFuture<>();
                loop.execute(() -> {
                    InviteSession c = call;
                    if (c != null && c.isRinging()) {
                        publish.accept(new CallEvent.Cancelling(loop.now(), scenario, "interrupted (" + dialtone.support.Signals.describe() + ")"));
                        c.cancel();
                    } else if (c != null && c.established()) {
                        endReason = "interrupted";
                        c.bye("interrupted (" + dialtone.support.Signals.describe() + ")");
                    }
                    sent.complete(null);
                });
                try {
                    sent.get(1, TimeUnit.SECONDS);
                    done.get(dialtone.support.Signals.stopping() ? 1 : 4, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // go on to teardown
                }
                return Failure.of(Layer.INTERNAL, Cause.CANCELED, "interrupted");
            }
        }
        try {
            return done.isDone() ? done.get() : Failure.of(Layer.CALL, Cause.REQUEST_TIMEOUT, "the call did not end in time");
        } catch (java.util.concurrent.ExecutionException e) {
            return Failure.of(Layer.INTERNAL, Cause.INTERNAL_ERROR, String.valueOf(e.getCause()));
        }
    }

    private Failure waitFor(CompletableFuture<Failure> f, Duration max, CountDownLatch stop, String what)
            throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (f.isDone()) {
                return f.getNow(null);
            }
            if (stop.await(20, TimeUnit.MILLISECONDS)) {
                return Failure.of(Layer.INTERNAL, Cause.CANCELED, "interrupted while " + what);
            }
        }
        return Failure.of(Layer.REGISTRATION, Cause.REQUEST_TIMEOUT, "no outcome within " + max.toSeconds() + " s while " + what);
    }

    private MediaStats finalStats;
    private Path recorded;

    private void teardown(UaLoop loop, UserAgent ua, Registration reg, CompletableFuture<CallMedia> mediaReady) {
        CallMedia m = media;
        if (m == null && mediaReady.isDone() && !mediaReady.isCompletedExceptionally()) {
            m = mediaReady.getNow(null);
        }
        if (m != null) {
            finalStats = m.finalStats();
            boolean clean = m.close();
            if (!clean) {
                publish.accept(new RunEvent.Warning(clock.instant(), scenario, "media-close-slow",
                        "closing the WebRTC session took longer than 5 s; going on without waiting"));
            }
            WavRecorder r = m.session().recorder();
            if (r != null) {
                recorded = r.path();
                publish.accept(new MediaEvent.RecordingSaved(clock.instant(), scenario, r.path().toString(),
                        Math.round(r.seconds() * 100) / 100.0, r.rate(), r.channels()));
            }
        }
        Teardown.unregisterAndClose(loop, ua, reg);
    }

    /** Runs the expectations and assertions on the final figures; each is a call.check event. */
    private Result finishChecks(Failure failure) {
        CallMedia m = media;
        Thread st = scriptThread;
        if (st != null) {
            try {
                st.join(3000); // a pending expectation fails as soon as the call ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long setupMs = invitedAt == null || answeredAt == null ? -1 : Duration.between(invitedAt, answeredAt).toMillis();
        long talkMs = answeredAt == null ? 0 : Duration.between(answeredAt, endedAt == null ? clock.instant() : endedAt).toMillis();
        finalStats = averaged(finalStats, talkMs);
        double mos = Check.mos(finalStats);
        Failure checkFailure = null;
        if (answeredAt != null && m != null) {
            if (o.expectAudio() != null) {
                long first = m.session().analyzer().firstAudioNanos();
                boolean ok = first > 0;
                String detail = ok ? "remote audio heard" : "no remote audio above -50 dBFS";
                check("expect-audio", ok, detail);
                if (!ok && checkFailure == null) {
                    checkFailure = Failure.of(Layer.AUDIO, Cause.NO_MEDIA, "--expect-audio: " + detail);
                }
            }
            if (o.expectTone() != null) {
                double share = m.session().analyzer().toneShare(0);
                long frames = m.session().analyzer().audibleFrames();
                boolean ok = share >= 0.5 && frames >= 30;
                String detail = String.format("%.0f Hz carries %.0f%% of the received power over %.1f s of audio",
                        o.expectTone(), share * 100, frames / 100.0);
                check("expect-tone " + Math.round(o.expectTone()), ok, detail);
                if (!ok && checkFailure == null) {
                    checkFailure = Failure.of(Layer.AUDIO, Cause.ASSERTION_FAILED, "--expect-tone " + Math.round(o.expectTone())
                            + ": " + detail);
                }
            }
            for (Check c : o.checks()) {
                double v = c.measure(finalStats, setupMs, mos);
                boolean ok = c.holds(v);
                String detail = Double.isNaN(v) ? "not measured" : "measured " + Math.round(v * 100) / 100.0;
                check("assert " + c.text(), ok, detail);
                if (!ok && checkFailure == null) {
                    checkFailure = Failure.of(Layer.AUDIO, Cause.ASSERTION_FAILED, "--assert " + c.text() + " failed: " + detail);
                }
            }
            publish.accept(new CallEvent.Summary(clock.instant(), scenario, setupMs, talkMs, mos, finalStats));
        }
        Failure mediaFailure = answeredAt != null && m != null ? m.verdict(finalStats) : null;
        Failure controlFailure = control == null ? null : control.failure();
        Failure f = failure != null ? failure : mediaFailure != null ? mediaFailure
                : scriptFailure != null ? scriptFailure : controlFailure != null ? controlFailure : checkFailure;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("answered", answeredAt != null);
        if (setupMs >= 0) {
            s.put("setupMs", setupMs);
        }
        s.put("talkMs", talkMs);
        if (answeredAt != null) {
            s.put("mos", mos);
        }
        if (endedBy != null) {
            s.put("endedBy", endedBy.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (recorded != null) {
            s.put("recording", recorded.toString());
        }
        return new Result(f, s);
    }

    /** The summary's bitrates are the call's averages (the last interval may be the silence after BYE). */
    private static MediaStats averaged(MediaStats s, long talkMs) {
        if (s == null || talkMs <= 0) {
            return s;
        }
        double in = s.bytesReceived() < 0 ? -1 : Math.round(s.bytesReceived() * 8.0 / talkMs * 100) / 100.0;
        double out = s.bytesSent() < 0 ? -1 : Math.round(s.bytesSent() * 8.0 / talkMs * 100) / 100.0;
        return new MediaStats(s.packetsReceived(), s.packetsLost(), s.packetsSent(), s.bytesReceived(), s.bytesSent(),
                in, out, s.jitterMs(), s.rttMs(), s.audioLevel(), s.codec());
    }

    private void check(String name, boolean passed, String detail) {
        publish.accept(new CallEvent.Check(clock.instant(), scenario, name, passed, detail));
    }
}
