package dialtone.engine;

import dialtone.config.SipProfile;
import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.RunEvent;
import dialtone.sip.auth.DigestCredentials;
import dialtone.sip.transport.WebSocketTransport;
import dialtone.sip.ua.Identity;
import dialtone.sip.ua.Registration;
import dialtone.sip.ua.UserAgent;
import dialtone.support.UaLoop;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
                          int maxCalls, Duration requestTimeout) {
        public Options(Duration duration, int expires, Duration keepAlive, Duration handshakeTimeout) {
            this(duration, expires, keepAlive, handshakeTimeout, null, null, null, null, 1, Duration.ofSeconds(32));
        }
    }

    /** The verdict and the summary facts: registered, registrations, refreshes, reconnects, unregistered. */
    public record Result(Failure failure, Map<String, Object> summary) {
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

    /** Runs to the end; {@code stop} ends it early (Ctrl-C). Returns the failure, or null. */
    public Result run(CountDownLatch stop) throws InterruptedException {
        Failure f = drive(stop);
        if (answerer != null && !answerer.failures().isEmpty()
                && (f == null || (f.layer() == Layer.INTERNAL && f.cause() == Cause.CANCELED))) {
            // the answering side's verdict is its calls', as the caller's is: a failed inbound call fails the run
            Failure first = answerer.failures().get(0);
            int n = answerer.failures().size();
            f = new Failure(first.layer(), first.cause(), first.originator(), first.status(), first.reason(),
                    (n == 1 ? "an inbound call failed: " : n + " inbound calls failed; the first: ") + first.message());
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
        }
        if (profile.needsRegister()) {
            summary.put("unregistered", unregistered);
        }
        return new Result(f, summary);
    }

    private Failure drive(CountDownLatch stop) throws InterruptedException {
        UaLoop loop = new UaLoop(clock, bug -> publish.accept(new RunEvent.InternalError(clock.instant(), scenario,
                "ua loop", bug.getClass().getSimpleName() + ": " + bug.getMessage())));
        DigestCredentials creds = profile.password() == null ? null
                : new DigestCredentials(profile.authUser(), profile.password());
        Identity id = Identity.of(profile.aor(), profile.realm(), creds, userAgent);
        UserAgent ua = new UserAgent(loop, id, l -> new WebSocketTransport(profile.wsUri(), ssl, loop, l,
                options.handshakeTimeout(), options.keepAlive()), publish, scenario, profile.wsUri().toString());
        if (options.answer() != null) {
            answerer = new Answerer(ua, publish, options.answer(), (play, n) -> options.media().options(play,
                    options.recordDir() == null ? null : dialtone.media.WavRecorder.fresh(options.recordDir(), "inbound-" + n), new double[0]), options.script(), options.maxCalls());
            ua.setRequestHandler(answerer);
        }
        CompletableFuture<Failure> first = new CompletableFuture<>();
        Registration reg = !profile.needsRegister() ? null
                : new Registration(ua, options.expires(), publish, scenario, new Registration.Listener() {
                    @Override
                    public void onRegistered(int expires, boolean refresh) {
                        problem = null;
                        (refresh ? refreshes : registrations).incrementAndGet();
                        grantedExpires.set(expires);
                        first.complete(null);
                    }

                    @Override
                    public void onFailed(Failure f) {
                        problem = f;
                        first.complete(f);
                    }

                    @Override
                    public void onUnregistered() {
                        unregistered = true;
                    }
                });
        ua.setListener(new ConnectThenRegister(reg, publish, clock, scenario,
                "runtime endpoint: the SDK does not REGISTER (no credentials)", first) {
            @Override
            public void onDisconnected(int code, String reason) {
                String why = CloseReasons.describe(code, reason);
                problem = Failure.of(Layer.TRANSPORT, Cause.CONNECTION_ERROR,
                        "the WebSocket to " + profile.wsUri() + " was lost (" + why + ") and not recovered");
                if (!first.isDone()) {
                    // before the first registration there is nothing to recover: say so now
                    first.complete(Failure.of(Layer.TRANSPORT, Cause.CONNECTION_ERROR, "the WebSocket closed ("
                            + why + ") before the registration completed"));
                }
                if (reg != null) {
                    reg.connectionLost();
                }
            }

            @Override
            public void onReconnected() {
                reconnects.incrementAndGet();
                if (reg != null) {
                    reg.register();
                } else {
                    problem = null;
                }
            }
        });
        ua.setRequestTimeout(options.requestTimeout());
        loop.execute(ua::start);
        Duration firstOutcome = options.handshakeTimeout().plus(options.requestTimeout().multipliedBy(2)).plusSeconds(5);
        try {
            Failure f;
            try {
                f = first.get(firstOutcome.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                f = Failure.of(Layer.REGISTRATION, Cause.REQUEST_TIMEOUT, "no registration outcome within "
                        + firstOutcome.toSeconds() + " s");
            } catch (ExecutionException e) {
                f = Failure.of(Layer.INTERNAL, Cause.INTERNAL_ERROR, "registration failed: " + e.getCause());
            }
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
            teardown(loop, ua, reg);
        }
    }

    private static boolean awaitForever(CountDownLatch stop) throws InterruptedException {
        stop.await();
        return true;
    }

    /** REGISTER expires 0, then close the socket; bounded even when the server does not answer. */
    private void teardown(UaLoop loop, UserAgent ua, Registration reg) {
        if (answerer != null) {
            loop.execute(answerer::hangUp);
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (CallMedia m : answerer.media()) {
                m.close();
            }
            // the last statistics and verdicts of calls that just ended (bounded)
            long until = System.nanoTime() + 3_000_000_000L;
            while (answerer.pendingVerdicts() > 0 && System.nanoTime() < until) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        Teardown.unregisterAndClose(loop, ua, reg);
    }
}
