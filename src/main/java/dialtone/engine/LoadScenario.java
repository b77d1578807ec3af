package dialtone.engine;

import dialtone.config.SipProfile;
import dialtone.config.UserIds;
import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * {@code dialtone load}: many calls from one process, each the same {@link Call} a single {@code call} places. By
 * default every call has its own {@link Session} (its own WSS connection and registration, a userId of its own when
 * the endpoint's is derived), as N browsers running the Click To Call SDK would; with a shared connection one session
 * carries every dialog. Calls start at most {@code rate} per second, at most {@code concurrency} at once.
 */
public final class LoadScenario {
    /** {@code calls} is the run's total; {@code shard} says which of them this process places. */
    public record Options(int calls, int concurrency, double rate, boolean sharedConnection, double maxFailureRate,
                          Shard shard) {
        public Options(int calls, int concurrency, double rate, boolean sharedConnection, double maxFailureRate) {
            this(calls, concurrency, rate, sharedConnection, maxFailureRate, Shard.WHOLE);
        }

        /** The calls this process places. */
        int mine() {
            return shard.calls(calls).size();
        }
    }

    /** The verdict and the summary facts (percentiles, failures by layer and cause). */
    public record Result(Failure failure, Map<String, Object> summary) {
    }

    /** What a progress line shows. */
    public record Progress(int started, int active, int passed, int failed, double callsPerSecond, long setupP50,
                           long setupP95, long audioP50, long audioP95) {
    }

    private final SipProfile base;
    private final SSLContext ssl;
    private final Consumer<Event> publish;
    private final Clock clock;
    private final CallScenario.Options callOptions;
    private final java.util.function.Supplier<CallScenario.Options> perCall;
    private final Options o;
    private final String userAgent;
    private final CallMedia.Factory mediaFactory;
    private final List<Call.Result> results = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private volatile long startNanos;

    /** {@code perCall} gives each call its options (a script is read afresh by each call). */
    public LoadScenario(SipProfile base, SSLContext ssl, Consumer<Event> publish, Clock clock,
                        java.util.function.Supplier<CallScenario.Options> perCall, Options options, String userAgent) {
        this(base, ssl, publish, clock, perCall, options, userAgent, CallMedia.Factory.WEBRTC);
    }

    LoadScenario(SipProfile base, SSLContext ssl, Consumer<Event> publish, Clock clock,
                 java.util.function.Supplier<CallScenario.Options> perCall, Options options, String userAgent,
                 CallMedia.Factory mediaFactory) {
        this.base = base;
        this.ssl = ssl;
        this.publish = publish;
        this.clock = clock;
        this.perCall = perCall;
        this.callOptions = perCall.get();
        this.o = options;
        this.userAgent = userAgent;
        this.mediaFactory = mediaFactory;
    }

    static String name(int i, int of) {
        return String.format(Locale.ROOT, "call#%0" + Math.max(1, String.valueOf(of).length()) + "d", i);
    }

    /**
     * The profile of global call {@code g}: a fresh userId when the endpoint's is derived (each browser has its own),
     * ending in the call's number, so that it is unique across the shards of a run as well.
     */
    private SipProfile profileFor(int g) {
        if (!base.userIdDerived()) {
            return base;
        }
        String id = UserIds.derive(base.endpointName()) + "-c" + g;
        return new SipProfile(base.source(), base.mode(), base.wsUri(), base.realm(), base.authUser(), base.password(),
                id, true, "sip:" + id + "@" + base.realm(), base.target(), base.headers(), base.widgetActive(),
                base.organisationId(), base.projectId(), base.endpointId(), base.endpointName());
    }

    public Result run(CountDownLatch stop) throws InterruptedException {
        startNanos = System.nanoTime();
        Session shared = null;
        if (o.sharedConnection()) {
            shared = new Session(base, ssl, publish, clock, "load", template(base).sessionOptions(), new Session.Listener() {
            }).start();
            Failure f;
            try {
                f = shared.ready().get(40, TimeUnit.SECONDS);
            } catch (Exception e) {
                f = Failure.of(Layer.REGISTRATION, Cause.REQUEST_TIMEOUT, "the shared connection was not ready within 40 s");
            }
            if (f != null) {
                shared.close();
                return new Result(f, Map.of("calls", 0));
            }
        }
        Semaphore slots = new Semaphore(o.concurrency());
        List<CompletableFuture<Void>> running = new ArrayList<>();
        long interval = o.rate() <= 0 ? 0 : (long) (1e9 / o.rate());
        boolean interrupted = false;
        try {
            List<Integer> mine = o.shard().calls(o.calls());
            for (int n = 0; n < mine.size(); n++) {
                int g = mine.get(n);
                long due = startNanos + n * interval;
                while (System.nanoTime() < due) {
                    if (stop.await(Math.min(50, Math.max(1, (due - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS)) {
                        break;
                    }
                }
                while (!slots.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                    if (stop.getCount() == 0) {
                        break;
                    }
                }
                if (stop.getCount() == 0) {
                    interrupted = true;
                    break;
                }
                String scenario = name(g, o.calls());
                started.incrementAndGet();
                active.incrementAndGet();
                CompletableFuture<Void> f = new CompletableFuture<>();
                running.add(f);
                Session s = shared;
                Thread t = new Thread(() -> {
                    try {
                        Call.Result r = s == null ? ownConnection(scenario, g, stop) : onShared(s, scenario, g, stop);
                        if (r != null) {
                            results.add(r);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        results.add(new Call.Result(scenario, Failure.of(Layer.INTERNAL, Cause.INTERNAL_ERROR, "the call failed: "
                                + e), Map.of(), false, -1, -1, 0, -1, null));
                    } finally {
                        active.decrementAndGet();
                        slots.release();
                        f.complete(null);
                    }
                }, "load-" + scenario);
                t.setDaemon(true);
                t.start();
            }
            // every call ends by itself (duration, setup timeout) or on stop; the wait is bounded by the calls' own
            Duration max = callOptions.setupTimeout().plus(callOptions.talk() == null ? Duration.ofHours(24)
                    : callOptions.talk()).plus(Duration.ofSeconds(90));
            long end = System.nanoTime() + max.toNanos();
            CompletableFuture<Void> all = CompletableFuture.allOf(running.toArray(new CompletableFuture[0]));
            while (!all.isDone() && System.nanoTime() < end) {
                if (stop.await(50, TimeUnit.MILLISECONDS)) {
                    interrupted = true;
                    try {
                        all.get(dialtone.support.Signals.stopping() ? 6 : 15, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        // report what ended
                    }
                    break;
                }
            }
        } finally {
            if (shared != null) {
                shared.close();
            }
        }
        return verdict(interrupted);
    }

    private CallScenario template(SipProfile p) {
        return new CallScenario(p, ssl, publish, clock, "load", perCall.get(), userAgent, mediaFactory);
    }

    /** One call on a session of its own (as one browser): connect, register, call, unregister. */
    private Call.Result ownConnection(String scenario, int g, CountDownLatch stop) throws InterruptedException {
        CallScenario.Result r = new CallScenario(profileFor(g), ssl, publish, clock, scenario, perCall.get(), userAgent,
                mediaFactory).callIdPrefix(o.shard().callIdPrefix(g)).run(stop);
        if (r.call() != null && (r.failure() == r.call().failure())) {
            return r.call();
        }
        Map<String, Object> s = r.call() == null ? r.summary() : r.call().summary();
        Call.Result c = r.call();
        return new Call.Result(scenario, r.failure(), s, c != null && c.answered(), c == null ? -1 : c.setupMs(),
                c == null ? -1 : c.firstAudioMs(), c == null ? 0 : c.talkMs(), c == null ? -1 : c.mos(), c == null ? null : c.stats());
    }

    /** One call on the shared session. */
    private Call.Result onShared(Session s, String scenario, int g, CountDownLatch stop) throws InterruptedException {
        CallScenario t = template(s.profile());
        Call call = new Call(s.loop(), s.ua(), publish, scenario, t.spec(), true).callIdPrefix(o.shard().callIdPrefix(g));
        CompletableFuture<CallMedia> media = mediaFactory.open(s.loop(), call.publisher(), scenario, t.mediaOptions(null),
                call::fail);
        String sdp;
        CallMedia m;
        try {
            sdp = media.thenCompose(CallMedia::offer).get(15, TimeUnit.SECONDS);
            m = media.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return new Call.Result(scenario, CallScenario.mediaSetupFailure(e.getCause()), Map.of(), false, -1, -1, 0, -1, null);
        } catch (java.util.concurrent.TimeoutException e) {
            CallScenario.closeMedia(media);
            return new Call.Result(scenario, Failure.of(Layer.MEDIA, Cause.INTERNAL_ERROR, "the WebRTC offer was not ready"
                    + " within 15 s"), Map.of(), false, -1, -1, 0, -1, null);
        }
        s.loop().execute(() -> {
            s.add(call);
            call.dial(t.target(), s.profile().aor(), t.headers(), m, sdp);
        });
        Duration max = callOptions.setupTimeout().plus(callOptions.talk() == null ? Duration.ofHours(24) : callOptions.talk())
                .plus(Duration.ofSeconds(45));
        Call.Result r = CallScenario.awaitEnd(s, call, max, stop);
        return r != null ? r : CallScenario.settle(call);
    }

    /** Where the run is now (for the progress line). */
    public Progress progress() {
        List<Call.Result> done;
        synchronized (results) {
            done = List.copyOf(results);
        }
        int failed = (int) done.stream().filter(r -> r.failure() != null).count();
        double secs = Math.max(0.001, (System.nanoTime() - startNanos) / 1e9);
        long[] setup = done.stream().mapToLong(Call.Result::setupMs).filter(v -> v >= 0).sorted().toArray();
        long[] audio = done.stream().mapToLong(Call.Result::firstAudioMs).filter(v -> v >= 0).sorted().toArray();
        return new Progress(started.get(), active.get(), done.size() - failed, failed, started.get() / secs,
                pct(setup, 50), pct(setup, 95), pct(audio, 50), pct(audio, 95));
    }

    /** With a spoken script: the response latency of every far-end turn of every call, and the time to greeting. */
    static void conversation(List<Call.Result> done, Map<String, Object> s) {
        List<Long> lat = new ArrayList<>();
        List<Long> greet = new ArrayList<>();
        for (Call.Result r : done) {
            if (r.summary().get("latenciesMs") instanceof List<?> l) {
                l.forEach(v -> lat.add(((Number) v).longValue()));
            }
            if (r.summary().get("greetingMs") instanceof Number g) {
                greet.add(g.longValue());
            }
        }
        if (!lat.isEmpty()) {
            long[] a = lat.stream().mapToLong(Long::longValue).sorted().toArray();
            s.put("speechTurns", a.length);
            s.put("latencyMsP50", pct(a, 50));
            s.put("latencyMsP95", pct(a, 95));
            s.put("latencyMsMax", a[a.length - 1]);
        }
        if (!greet.isEmpty()) {
            long[] a = greet.stream().mapToLong(Long::longValue).sorted().toArray();
            s.put("greetingMsP50", pct(a, 50));
            s.put("greetingMsP95", pct(a, 95));
        }
    }

    static long pct(long[] sorted, double p) {
        return dialtone.support.Percentiles.nearestRank(sorted, p);
    }

    private Result verdict(boolean interrupted) {
        List<Call.Result> done;
        synchronized (results) {
            done = new ArrayList<>(results);
        }
        done.sort((a, b) -> a.scenario().compareTo(b.scenario()));
        Map<String, Integer> byCause = new LinkedHashMap<>();
        Map<String, Failure> example = new LinkedHashMap<>();
        for (Call.Result r : done) {
            if (r.failure() != null) {
                String k = r.failure().layer() + "/" + r.failure().cause();
                byCause.merge(k, 1, Integer::sum);
                example.putIfAbsent(k, r.failure());
            }
        }
        int failed = byCause.values().stream().mapToInt(Integer::intValue).sum();
        int total = done.size();
        double rate = total == 0 ? 0 : (double) failed / total;
        double secs = (System.nanoTime() - startNanos) / 1e9;
        long[] setup = done.stream().mapToLong(Call.Result::setupMs).filter(v -> v >= 0).sorted().toArray();
        long[] audio = done.stream().mapToLong(Call.Result::firstAudioMs).filter(v -> v >= 0).sorted().toArray();
        double[] mos = done.stream().filter(Call.Result::answered).mapToDouble(Call.Result::mos).filter(m -> m >= 0).sorted().toArray();
        Map<String, Object> s = new LinkedHashMap<>();
        if (o.shard().sharded()) {
            s.put("shard", o.shard().label());
            s.put("runId", o.shard().runId());
            s.put("callsInRun", o.calls());
        }
        s.put("calls", total);
        s.put("passed", total - failed);
        s.put("failed", failed);
        s.put("failureRate", Math.round(rate * 10000) / 10000.0);
        s.put("answered", done.stream().filter(Call.Result::answered).count());
        s.put("callsPerSecond", Math.round(started.get() / Math.max(0.001, secs) * 100) / 100.0);
        // a figure with no data is left out (docs/events.md: unknown values are absent), never written as -1
        if (setup.length > 0) {
            s.put("setupMsP50", pct(setup, 50));
            s.put("setupMsP95", pct(setup, 95));
            s.put("setupMsMax", setup[setup.length - 1]);
        }
        if (audio.length > 0) {
            s.put("firstAudioMsP50", pct(audio, 50));
            s.put("firstAudioMsP95", pct(audio, 95));
        }
        if (mos.length > 0) {
            s.put("mosMin", mos[0]);
            s.put("mosP50", mos[(mos.length - 1) / 2]);
        }
        conversation(done, s);
        Map<String, Object> failures = new LinkedHashMap<>();
        byCause.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> failures.put(e.getKey(), e.getValue()));
        if (!failures.isEmpty()) {
            s.put("failures", failures);
        }
        Failure f = null;
        if (interrupted) {
            f = Failure.of(Layer.INTERNAL, Cause.CANCELED, "interrupted after " + total + " of " + o.mine() + " calls");
        } else if (total < o.mine()) {
            f = Failure.of(Layer.INTERNAL, Cause.INTERNAL_ERROR, "only " + total + " of " + o.mine() + " calls finished");
        } else if (failed > 0 && rate > o.maxFailureRate()) {
            String top = byCause.entrySet().stream().max((a, b) -> a.getValue() - b.getValue()).orElseThrow().getKey();
            Failure ex = example.get(top);
            f = new Failure(ex.layer(), ex.cause(), ex.originator(), ex.status(), ex.reason(), failed + " of " + total
                    + " calls failed (" + String.format(Locale.ROOT, "%.1f", rate * 100) + " %, allowed "
                    + String.format(Locale.ROOT, "%.1f", o.maxFailureRate() * 100) + " %); most often " + top + ": "
                    + ex.message());
        }
        return new Result(f, s);
    }
}
