package dialtone.engine;

import dialtone.config.MediaSetup;
import dialtone.config.SipProfile;
import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.media.MediaException;
import dialtone.media.MediaOptions;
import dialtone.sip.message.Grammar;
import dialtone.sip.message.Header;
import dialtone.sip.message.SipUri;
import dialtone.sip.parser.SipEncoder;
import dialtone.support.Printable;
import dialtone.support.UaLoop;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
    public record Options(String target, List<ExtraHeader> headers, Duration talk, Duration setupTimeout, Play play,
                          Path record, MediaSetup media, Duration expectAudio, Double expectTone,
                          List<Check> checks, int expires, Duration keepAlive, InCall inCall, Duration requestTimeout) {
        /** The same options calling {@code t} (known once the configuration is). */
        public Options withTarget(String t) {
            return new Options(t, headers, talk, setupTimeout, play, record, media, expectAudio, expectTone, checks,
                    expires, keepAlive, inCall, requestTimeout);
        }

        /** The same options talking for {@code t}. */
        Options withTalk(Duration t) {
            return new Options(target, headers, t, setupTimeout, play, record, media, expectAudio, expectTone, checks,
                    expires, keepAlive, inCall, requestTimeout);
        }
    }

    /**
     * A call's media opened before its configuration is known: nothing of the media depends on it (the Click To Call
     * contract has no ICE server, codec or media field; ICE servers come from flags), and creating the peer
     * connection, the offer and ICE gathering (which libwebrtc runs in 50 ms steps, about 100 ms in all) take longer
     * than the configuration fetch. So they run beside the fetch, on the UA loop the session will take over; the
     * INVITE can then go as soon as the registration is done. Closing a head start that no call took releases both.
     */
    public static final class HeadStart implements AutoCloseable {
        final UaLoop loop;
        final CompletableFuture<CallMedia> media;
        /** The offer, and ICE gathering with it, start at once too. */
        final CompletableFuture<String> offer;
        private Consumer<Failure> failTo;
        private Failure pending;
        private boolean taken;

        private HeadStart(Consumer<Event> publish, Clock clock, String scenario, MediaOptions options,
                          CallMedia.Factory factory) {
            this.loop = Session.newLoop(publish, clock, scenario);
            this.media = factory.open(loop, publish, scenario, options, this::failed);
            this.offer = media.thenCompose(CallMedia::offer);
        }

        private synchronized void failed(Failure f) {
            if (failTo != null) {
                failTo.accept(f);
            } else if (pending == null) {
                pending = f;
            }
        }

        void bind(Consumer<Failure> to) {
            Failure p;
            synchronized (this) {
                taken = true;
                failTo = to;
                p = pending;
                pending = null;
            }
            if (p != null) {
                to.accept(p);
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                if (taken) {
                    return;
                }
                taken = true;
            }
            closeMedia(media);
            loop.close();
        }
    }

    /** Opens a call's media for {@code options} now, before the configuration is resolved (see {@link HeadStart}). */
    public static HeadStart headStart(Consumer<Event> publish, Clock clock, String scenario, Options options) {
        return headStart(publish, clock, scenario, options, CallMedia.Factory.WEBRTC);
    }

    static HeadStart headStart(Consumer<Event> publish, Clock clock, String scenario, Options options,
                               CallMedia.Factory factory) {
        CallScenario forMedia = new CallScenario(null, null, publish, clock, scenario, options, null);
        return new HeadStart(publish, clock, scenario, forMedia.mediaOptions(), factory);
    }

    /**
     * In-call actions: DTMF and an INFO sent {@code delay} after the answer, and a command source (script or
     * console). Any of them may be null.
     */
    public record InCall(String dtmf, String dtmfMode, Duration delay, String infoText, String infoData,
                         CommandSource commands, SpeechTools speech) {
        public InCall(String dtmf, String dtmfMode, Duration delay, String infoText, String infoData, CommandSource commands) {
            this(dtmf, dtmfMode, delay, infoText, infoData, commands, null);
        }

        public static InCall none() {
            return new InCall(null, "info", Duration.ofSeconds(1), null, null, null);
        }
    }

    private final SipProfile profile;
    private final SSLContext ssl;
    private final Consumer<Event> publish;
    private final Clock clock;
    private final String scenario;
    private final Options o;
    private final String userAgent;
    private final CallMedia.Factory mediaFactory;

    public CallScenario(SipProfile profile, SSLContext ssl, Consumer<Event> publish, Clock clock, String scenario,
                        Options options, String userAgent) {
        this(profile, ssl, publish, clock, scenario, options, userAgent, CallMedia.Factory.WEBRTC);
    }

    CallScenario(SipProfile profile, SSLContext ssl, Consumer<Event> publish, Clock clock, String scenario,
                 Options options, String userAgent, CallMedia.Factory mediaFactory) {
        this.profile = profile;
        this.ssl = ssl;
        this.publish = publish;
        this.clock = clock;
        this.scenario = scenario;
        this.o = options;
        this.userAgent = userAgent;
        this.mediaFactory = mediaFactory;
    }

    Session.Options sessionOptions() {
        return new Session.Options(Duration.ofSeconds(10), o.keepAlive(), o.expires(), o.requestTimeout(), userAgent,
                "runtime endpoint: the SDK calls without registering");
    }

    /** The call's spec (what it does and checks), from the command's options. */
    Call.Spec spec() {
        return new Call.Spec(o.talk(), o.setupTimeout(), o.expectAudio(), o.expectTone(), o.checks(), o.inCall(),
                o.talk() == null);
    }

    MediaOptions mediaOptions() {
        return mediaOptions(o.record());
    }

    MediaOptions mediaOptions(Path record) {
        return o.play().options(o.media(), record, o.expectTone() == null ? new double[0] : new double[] {o.expectTone()});
    }

    /** The INVITE's target and headers: the command's, else the endpoint's. */
    String target() {
        return o.target() != null ? o.target() : profile.target();
    }

    List<Header> headers() {
        List<Header> headers = new ArrayList<>();
        for (Map.Entry<String, String> h : profile.headers().entrySet()) {
            headers.add(new Header(h.getKey(), h.getValue()));
        }
        for (ExtraHeader h : o.headers()) {
            headers.add(new Header(h.name(), h.value()));
        }
        return headers;
    }

    /**
     * Why {@code to} cannot be a call's TARGET (it becomes the Request-URI and the To header as written), as one line
     * that starts with "TARGET"; null when it can. A SIP or SIPS URI with nothing that could break a line, no URI
     * headers, and only the URI parameters {@link SipUri#requestTargetProblem} allows. {@code typed} is what the user
     * wrote (shown, unless it carries a password).
     */
    public static String targetProblem(String to, String typed) {
        if (!SipEncoder.lineSafe(to) || !Printable.isClean(to) || Grammar.hasWhitespace(to)) {
            return "TARGET contains white space or control characters";
        }
        if (SipUri.parse(to).isEmpty()) {
            return "TARGET " + (userinfoPassword(typed) ? "(a URI with a password, not shown)" : Printable.escape(typed))
                    + " is not a SIP URI (sip:user@host) or a user name";
        }
        String problem = SipUri.requestTargetProblem(to);
        if (problem != null) {
            // a URI with a password is refused without being shown: the password would be on the terminal
            return "TARGET " + (userinfoPassword(to) ? "(a URI with a password, not shown)" : Printable.escape(typed))
                    + ": " + problem;
        }
        return null;
    }

    /** Whether {@code uri} looks like {@code scheme:user:password@...}: then it is not echoed. */
    static boolean userinfoPassword(String uri) {
        int colon = uri.indexOf(':');
        int at = uri.lastIndexOf('@');
        return colon >= 0 && at > colon && uri.substring(colon + 1, at).indexOf(':') >= 0;
    }

    private String callIdPrefix = "";

    /** The call's Call-ID starts with this (a load run's run, shard and call number); a random part follows. */
    public CallScenario callIdPrefix(String p) {
        this.callIdPrefix = p == null ? "" : p;
        return this;
    }

    /** The call's own result once {@link #run} returned (null when no call was placed). */
    private Call.Result placed;

    public ScenarioResult run(CountDownLatch stop) throws InterruptedException {
        return run(stop, null);
    }

    /** The result of the call {@link #run} placed, null when none was. */
    Call.Result placed() {
        return placed;
    }

    /** Runs the call, on the media of {@code head} when there is one (then this scenario owns it). */
    public ScenarioResult run(CountDownLatch stop, HeadStart head) throws InterruptedException {
        AtomicReference<Call> current = new AtomicReference<>();
        UaLoop loop = head != null ? head.loop : Session.newLoop(publish, clock, scenario);
        Session session = new Session(loop, profile, ssl, publish, clock, scenario, sessionOptions(), new Session.Listener() {
            @Override
            public void onRegistrationFailed(Failure f) {
                Call c = current.get();
                if (c != null && !c.answered()) {
                    c.fail(f);
                }
            }
        });
        Call call = new Call(session.loop(), session.ua(), publish, scenario, spec(), true).callIdPrefix(callIdPrefix);
        current.set(call);
        // media in parallel with the connection (or already since the configuration fetch): loading the native
        // library and gathering take the longest
        CompletableFuture<CallMedia> mediaReady;
        if (head != null) {
            mediaReady = head.media;
            head.bind(call.failures());
        } else {
            mediaReady = mediaFactory.open(session.loop(), call.publisher(), scenario, mediaOptions(), call.failures());
        }
        CompletableFuture<String> offer = head != null ? head.offer : mediaReady.thenCompose(CallMedia::offer);
        session.start();
        Failure interrupted = null;
        Call.Result result = null;
        try {
            Failure f = Readiness.await(session.ready(), Readiness.timeout(sessionOptions()), stop,
                    s -> Failure.of(Layer.REGISTRATION, Cause.REQUEST_TIMEOUT, "no outcome within " + s + " s while connecting"),
                    () -> Failure.of(Layer.INTERNAL, Cause.CANCELED, "interrupted while connecting"));
            if (f == null) {
                f = place(session, call, mediaReady, offer, target(), profile.aor(), headers());
            }
            if (f != null) {
                closeMedia(mediaReady);
                result = new Call.Result(scenario, f, Map.of("answered", false, "talkMs", 0L), false, -1, -1, 0, -1, null);
            } else {
                Duration max = o.setupTimeout().plus(o.talk() == null ? Duration.ofHours(24) : o.talk()).plus(Duration.ofSeconds(45));
                result = awaitEnd(session, call, max, stop);
                if (result == null) {
                    interrupted = Failure.of(Layer.INTERNAL, Cause.CANCELED, "interrupted");
                    result = settle(call);
                }
            }
        } finally {
            session.close();
        }
        Failure f = interrupted != null ? interrupted : result == null
                ? Failure.of(Layer.CALL, Cause.REQUEST_TIMEOUT, "the call did not end in time") : result.failure();
        placed = result;
        return new ScenarioResult(f, result == null ? Map.of() : result.summary());
    }

    /** How long a call waits for its media's offer before it gives up (the media layer's own fault: MEDIA). */
    static final Duration OFFER_WAIT = Duration.ofSeconds(15);

    /**
     * The one way a call is placed (call, and every call of load): waits at most {@link #OFFER_WAIT} for the media's
     * offer, then, on the session's loop, hands the call to the session and sends the INVITE. Returns the failure that
     * prevented it, or null; on a failure the caller closes the media.
     */
    static Failure place(Session session, Call call, CompletableFuture<CallMedia> mediaReady,
                         CompletableFuture<String> offer, String target, String aor, List<Header> headers)
            throws InterruptedException {
        String sdp;
        CallMedia media;
        try {
            sdp = offer.get(OFFER_WAIT.toSeconds(), TimeUnit.SECONDS);
            media = mediaReady.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return mediaSetupFailure(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            return Failure.of(Layer.MEDIA, Cause.INTERNAL_ERROR, "the WebRTC offer was not ready within "
                    + OFFER_WAIT.toSeconds() + " s");
        }
        session.loop().execute(() -> {
            session.add(call);
            call.dial(target, aor, headers, media, sdp);
        });
        return null;
    }

    static Failure mediaSetupFailure(Throwable c) {
        if (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof MediaException m) {
            return Failure.of(c.getMessage().startsWith("cannot load") || c.getMessage().startsWith("cannot play")
                    || c.getMessage().startsWith("cannot write") ? Layer.CONFIG : Layer.MEDIA,
                    c.getMessage().startsWith("cannot") ? Cause.SETUP_FAILED : Cause.INTERNAL_ERROR, m.getMessage());
        }
        if (c instanceof LinkageError) {
            return Failure.of(Layer.CONFIG, Cause.SETUP_FAILED, "the WebRTC native library is incomplete: " + c.getMessage());
        }
        return Failure.of(Layer.INTERNAL, Cause.INTERNAL_ERROR, "media setup failed: " + c);
    }

    private static final Map<CountDownLatch, CompletableFuture<Void>> STOPPED =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** Completes when {@code stop} is counted down: one waiting thread per latch, however many calls wait on it. */
    static CompletableFuture<Void> stopped(CountDownLatch stop) {
        return STOPPED.computeIfAbsent(stop, l -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            java.lang.ref.WeakReference<CountDownLatch> ref = new java.lang.ref.WeakReference<>(l);
            Thread t = new Thread(() -> {
                try {
                    CountDownLatch x = ref.get();
                    while (x != null && !x.await(60, TimeUnit.SECONDS)) { // a latch nobody holds any more lets it go
                        x = null;
                        x = ref.get();
                    }
                    if (x != null) {
                        f.complete(null);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stop-watch");
            t.setDaemon(true);
            t.start();
            return f;
        });
    }

    static void closeMedia(CompletableFuture<CallMedia> mediaReady) {
        mediaReady.thenAccept(m -> {
            Thread t = new Thread(m::close, "media-close-wait");
            t.setDaemon(true);
            t.start();
        });
    }

    /**
     * Waits for the call's verdict; on {@code stop} hangs up (CANCEL or BYE) and returns null after a bounded wait.
     */
    static Call.Result awaitEnd(Session session, Call call, Duration max, CountDownLatch stop) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        CompletableFuture<Object> endOrStop = CompletableFuture.anyOf(call.finished(), stopped(stop));
        while (System.nanoTime() < end) {
            try {
                // woken by the verdict or the stop, not every 50 ms (a load's 50 call threads polling made 1,000
                // context switches a second: README, "Cost per call")
                endOrStop.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (call.finished().isDone()) {
                    return call.finished().get();
                }
            } catch (java.util.concurrent.TimeoutException e) {
                // still running
            } catch (java.util.concurrent.ExecutionException e) {
                return new Call.Result(call.scenario(), Failure.of(Layer.INTERNAL, Cause.INTERNAL_ERROR,
                        String.valueOf(e.getCause())), Map.of(), false, -1, -1, 0, -1, null);
            }
            if (stop.getCount() == 0) {
                session.loop().execute(() -> call.hangUp("interrupted (" + dialtone.support.Signals.describe() + ")"));
                return null;
            }
        }
        session.loop().execute(() -> call.hangUp("the call did not end in time"));
        return settle(call);
    }

    /** The verdict of a call that is being hung up: bounded (1 s after a signal, else 4 s plus the judging). */
    static Call.Result settle(Call call) {
        try {
            return call.finished().get(dialtone.support.Signals.stopping() ? 2 : 8, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

}
