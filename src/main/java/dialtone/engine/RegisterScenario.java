package dialtone.engine;

import dialtone.config.MediaSetup;
import dialtone.config.SipProfile;
import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * {@code dialtone register}: connect, REGISTER (legacy and direct profiles; a runtime endpoint needs none), stay
 * registered through refreshes and reconnects until the duration ends or the user stops it, then unregister and
 * close, in bounded time. The verdict: the first registration succeeded and the registration was up at the end.
 */
public final class RegisterScenario {
    /**
     * @param duration  how long to stay registered; null = until stopped
     * @param expires   the Expires to ask for (JsSIP's default is 600)
     * @param keepAlive WebSocket ping interval (zero: none)
     */
    public record Options(Duration duration, int expires, Duration keepAlive, Duration handshakeTimeout,
                          AnswerMode answer, MediaSetup media, java.nio.file.Path recordDir, List<String> script,
                          int maxCalls, Duration requestTimeout, SpeechTools speech) {
        public Options(Duration duration, int expires, Duration keepAlive, Duration handshakeTimeout,
                       AnswerMode answer, MediaSetup media, java.nio.file.Path recordDir, List<String> script,
                       int maxCalls, Duration requestTimeout) {
            this(duration, expires, keepAlive, handshakeTimeout, answer, media, recordDir, script, maxCalls, requestTimeout,
                    null);
        }

        public Options(Duration duration, int expires, Duration keepAlive, Duration handshakeTimeout) {
            this(duration, expires, keepAlive, handshakeTimeout, null, null, null, null, 1, Duration.ofSeconds(32));
        }
    }

    private static final Duration TEARDOWN = Duration.ofSeconds(5);

    private final SipProfile profile;
    private final SSLContext ssl;
    private final Consumer<Event> publish;
    private final Clock clock;
    private final String scenario;
    private final Options options;
    private final String userAgent;
    private volatile Failure problem;
    private final AtomicInteger registrations = new AtomicInteger();
    private final AtomicInteger refreshes = new AtomicInteger();
    private final AtomicInteger reconnects = new AtomicInteger();
    private final AtomicInteger grantedExpires = new AtomicInteger(-1);
    private volatile boolean unregistered;
    private Answerer answerer;
    private Overload overload;

    public RegisterScenario(SipProfile profile, SSLContext ssl, Consumer<Event> publish, Clock clock, String scenario,
                            Options options, String userAgent) {
        this.profile = profile;
        this.ssl = ssl;
        this.publish = publish;
        this.clock = clock;
        this.scenario = scenario;
        this.options = options;
        this.userAgent = userAgent;
    }

    /**
     * Runs to the end; {@code stop} ends it early (Ctrl-C). The verdict, and the summary facts: registered,
     * registrations, refreshes, reconnects, unregistered.
     */
    public ScenarioResult run(CountDownLatch stop) throws InterruptedException {
        java.time.Instant began = clock.instant();
        Failure f;
        try {
            f = drive(stop);
        } finally {
            if (overload != null) {
                overload.close();
            }
        }
        java.time.Instant ended = clock.instant();
        Failure over = null;
        if (overload != null) { // dialtone's own limit comes first (its calls' media failures meanwhile are its own)
            int whileBehind = (int) answerer.timedFailures().stream().filter(t -> (t.failure().layer() == Layer.MEDIA
                    || t.failure().layer() == Layer.AUDIO) && overload.behindBetween(t.start(), t.end())).count();
            over = overload.failure(began, ended, whileBehind);
            if (over == null && answerer.refusedOverloaded() > 0) {
                // it shed calls for its own limit before it fell behind for long: still its limit, never a pass
                Map<String, Object> pace = overload.summary(began, ended);
                over = new Failure(Layer.OVERLOAD, Cause.OVERLOADED, dialtone.event.Originator.LOCAL, 0, null,
                        "dialtone refused " + answerer.refusedOverloaded() + " of " + answerer.calls()
                        + " calls it could not carry (503 Service Unavailable) at " + answerer.answered() + " answered"
                        + (pace.containsKey("cpuCoresMax") && pace.containsKey("coresAvailable") ? ": "
                        + pace.get("cpuCoresMax") + " of " + pace.get("coresAvailable") + " cores" : "")
                        + " (fewer calls per process, or more CPU)");
            }
        }
        if (answerer != null && !answerer.failures().isEmpty()
                && (f == null || (f.layer() == Layer.INTERNAL && f.cause() == Cause.CANCELED))) {
            // the answering side's verdict is its calls', as the caller's is: a failed inbound call fails the run
            Failure first = answerer.failures().get(0);
            int n = answerer.failures().size();
            f = new Failure(first.layer(), first.cause(), first.originator(), first.status(), first.reason(),
                    (n == 1 ? "an inbound call failed: " : n + " inbound calls failed; the first: ") + first.message());
        }
        if (over != null && (f == null || f.layer() == Layer.MEDIA || f.layer() == Layer.AUDIO || f.layer() == Layer.CALL
                || f.layer() == Layer.INTERNAL && f.cause() == Cause.CANCELED)) {
            f = over;
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("registered", registrations.get() > 0 || !profile.needsRegister() && f == null);
        if (profile.needsRegister()) {
            summary.put("registrations", registrations.get());
            summary.put("refreshes", refreshes.get());
            if (grantedExpires.get() >= 0) {
                summary.put("expires", grantedExpires.get());
            }
        }
        summary.put("reconnects", reconnects.get());
        if (answerer != null) {
            summary.put("calls", answerer.calls());
            summary.put("answered", answerer.answered());
            summary.put("failed", answerer.failures().size());
            summary.put("refusedBusy", answerer.refusedBusy());
            summary.put("refusedOverloaded", answerer.refusedOverloaded());
            summary.putAll(overload.summary(began, ended));
        }
        if (profile.needsRegister()) {
            summary.put("unregistered", unregistered);
        }
        return new ScenarioResult(f, summary);
    }

    private Failure drive(CountDownLatch stop) throws InterruptedException {
        Session.Options so = new Session.Options(options.handshakeTimeout(), options.keepAlive(), options.expires(),
                options.requestTimeout(), userAgent, "runtime endpoint: the SDK does not REGISTER (no credentials)");
        Session session = new Session(profile, ssl, publish, clock, scenario, so, new Session.Listener() {
                    @Override
                    public void onRegistered(int expires, boolean refresh) {
                        problem = null;
                        (refresh ? refreshes : registrations).incrementAndGet();
                        grantedExpires.set(expires);
                    }

                    @Override
                    public void onRegistrationFailed(Failure f) {
                        problem = f;
                    }

                    @Override
                    public void onUnregistered() {
                        unregistered = true;
                    }

                    @Override
                    public void onDisconnected(String why) {
                        problem = Failure.of(Layer.TRANSPORT, Cause.CONNECTION_ERROR,
                                "the WebSocket to " + profile.wsUri() + " was lost (" + why + ") and not recovered");
                    }

                    @Override
                    public void onReconnected() {
                        reconnects.incrementAndGet();
                        if (!profile.needsRegister()) {
                            problem = null;
                        }
                    }
                });
        if (options.answer() != null) {
            overload = new Overload(publish, clock, scenario);
            Overload o = overload;
            answerer = new Answerer(session, publish, options.answer(), (play, n) -> play.options(options.media(),
                    options.recordDir() == null ? null : dialtone.media.WavRecorder.fresh(options.recordDir(), "inbound-" + n),
                    new double[0]), CallMedia.Factory.WEBRTC, options.script(), options.maxCalls(), () -> o.sustained() || o.noHeadroom(),
                    System::nanoTime)
                    .speech(options.speech());
            Answerer a = answerer;
            o.calls(a::pendingVerdicts).start();
            session.setInboundHandler(answerer);
        }
        session.start();
        try {
            Failure f = Readiness.await(session.ready(), Readiness.timeout(so), null, s -> Failure.of(Layer.REGISTRATION,
                    Cause.REQUEST_TIMEOUT, "no registration outcome within " + s + " s"), null);
            if (f != null) {
                return f;
            }
            boolean stopped = options.duration() == null ? awaitForever(stop)
                    : stop.await(options.duration().toMillis(), TimeUnit.MILLISECONDS);
            Failure end = problem;
            if (stopped) {
                end = Failure.of(Layer.INTERNAL, Cause.CANCELED, "interrupted"
                        + (options.duration() == null ? " (" + dialtone.support.Signals.describe() + ")" : " before --duration ended"));
            }
            return end;
        } finally {
            teardown(session);
        }
    }

    private static boolean awaitForever(CountDownLatch stop) throws InterruptedException {
        stop.await();
        return true;
    }

    /** Hang up the calls in progress, take their verdicts (bounded), then REGISTER expires 0 and close. */
    private void teardown(Session session) {
        if (answerer != null) {
            session.loop().execute(answerer::hangUp);
            long until = System.nanoTime() + (dialtone.support.Signals.stopping() ? 3_000_000_000L : 8_000_000_000L);
            while (answerer.pendingVerdicts() > 0 && System.nanoTime() < until) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        session.close();
    }
}
