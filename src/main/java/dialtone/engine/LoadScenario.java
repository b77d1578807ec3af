package dialtone.engine;

import dialtone.config.SipProfile;
import dialtone.config.UserIds;
import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dialtone.event.RunEvent;
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
                          Shard shard, Ramp ramp) {
        public Options(int calls, int concurrency, double rate, boolean sharedConnection, double maxFailureRate) {
            this(calls, concurrency, rate, sharedConnection, maxFailureRate, Shard.WHOLE, null);
        }

        public Options(int calls, int concurrency, double rate, boolean sharedConnection, double maxFailureRate,
                       Shard shard) {
            this(calls, concurrency, rate, sharedConnection, maxFailureRate, shard, null);
        }

        /** The calls this process places. */
        int mine() {
            return shard.calls(calls).size();
        }
    }

    /** What a progress line shows. */
    public record Progress(int started, int active, int passed, int failed, double callsPerSecond, long setupP50,
                           long setupP95, long audioP50, long audioP95, boolean behind, int heldBack) {
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
    private final AtomicInteger heldBackTotal = new AtomicInteger();
    private Overload overload;
    private volatile Overload monitorInUse;
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

    /** Judges dialtone's pacing with {@code o} (a test's, fed by hand) instead of the process's pump. */
    LoadScenario withOverload(Overload o) {
        this.overload = o;
        return this;
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

    /** How long a new call waits at most while dialtone is behind; then the calls not yet placed are given up. */
    static final Duration HOLD_BACK_MAX = Duration.ofSeconds(20);

    /** A call placed: when it started and ended (to set its failure beside dialtone's pacing), and its result. */
    private record Placed(Instant start, Instant end, Call.Result result) {
    }

    /** The calls of one batch (the whole run, or one step of a ramp). */
    private static final class Batch {
        final List<Placed> placed = Collections.synchronizedList(new ArrayList<>());
        final int planned;
        Instant start;
        Instant end;
        int heldBack;
        long heldBackMs;
        int notPlaced;
        boolean interrupted;

        Batch(int planned) {
            this.planned = planned;
        }
    }

    public ScenarioResult run(CountDownLatch stop) throws InterruptedException {
        startNanos = System.nanoTime();
        Overload own = overload == null ? new Overload(publish, clock, "load").calls(active::get).start() : null;
        Overload monitor = overload != null ? overload : own;
        monitorInUse = monitor;
        Session shared = null;
        try {
            if (o.sharedConnection()) {
                Session.Options so = template(base).sessionOptions();
                shared = new Session(base, ssl, publish, clock, "load", so, new Session.Listener() {
                }).start();
                Failure f = Readiness.await(shared.ready(), Readiness.timeout(so), null, s -> Failure.of(Layer.REGISTRATION,
                        Cause.REQUEST_TIMEOUT, "the shared connection was not ready within " + s + " s"), null);
                if (f != null) {
                    return new ScenarioResult(f, Map.of("calls", 0));
                }
            }
            if (o.ramp() == null) {
                Batch b = place(o.shard().calls(o.calls()), o.concurrency(), shared, stop, monitor, null);
                return verdict(b, monitor, o.mine());
            }
            return ramp(shared, stop, monitor);
        } finally {
            if (own != null) {
                own.close();
            }
            if (shared != null) {
                shared.close();
            }
        }
    }

    /** The steps of {@code --ramp}, one after the other, until one fails. */
    private ScenarioResult ramp(Session shared, CountDownLatch stop, Overload monitor) throws InterruptedException {
        Ramp ramp = o.ramp();
        List<Map<String, Object>> steps = new ArrayList<>();
        ScenarioResult failed = null;
        int next = 1;
        int n = 0;
        List<Integer> levels = ramp.levels();
        for (int c : levels) {
            n++;
            List<Integer> numbers = new ArrayList<>();
            for (int i = 0; i < c; i++) {
                numbers.add(next++);
            }
            int base = numbers.get(0);
            Batch b = place(numbers, c, shared, stop, monitor, g -> ramp.talk(g - base, c, o.rate()));
            ScenarioResult r = verdict(b, monitor, c);
            @SuppressWarnings("unchecked")
            Map<String, Integer> failures = (Map<String, Integer>) r.summary().getOrDefault("failures", Map.of());
            Failure over = monitor.failure(b.start, b.end, failedWhileBehind(b, monitor));
            Ramp.StepVerdict v = b.interrupted ? new Ramp.StepVerdict(false, null, "interrupted")
                    : Ramp.judge(over, failures, c, b.placed.size());
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("step", n);
            step.put("concurrency", c);
            step.put("passed", v.passed());
            step.put("calls", r.summary().get("calls"));
            step.put("callsPassed", r.summary().get("passed"));
            for (String k : List.of("overloadedSeconds", "frameLateMsP95Max", "cpuCoresMax", "mosMin", "setupMsP95",
                    "heldBack")) {
                if (r.summary().containsKey(k)) {
                    step.put(k, r.summary().get(k));
                }
            }
            if (!v.passed()) {
                step.put("saturated", v.saturated());
                step.put("reason", v.reason());
            }
            steps.add(step);
            publish.accept(new RunEvent.LoadStep(clock.instant(), "load", n, c, ((Number) r.summary().get("calls")).intValue(),
                    ((Number) r.summary().get("passed")).intValue(), ((Number) r.summary().get("failed")).intValue(),
                    over != null, v.passed(), v.saturated(), v.reason(), step));
            if (b.interrupted) {
                failed = r;
                break;
            }
            if (!v.passed()) {
                failed = over != null ? new ScenarioResult(over, r.summary()) : r.failure() != null ? r
                        : new ScenarioResult(Failure.of(Layer.INTERNAL, Cause.INTERNAL_ERROR, v.reason()), r.summary());
                break;
            }
        }
        Map<String, Object> s = new LinkedHashMap<>(Ramp.summary(steps));
        s.put("steps", steps.size());
        s.put("stepsPlanned", levels.size());
        s.put("table", table(steps));
        if (failed == null) {
            return new ScenarioResult(null, s);
        }
        Failure f = failed.failure();
        String side = (String) steps.get(steps.size() - 1).getOrDefault("saturated", "");
        String msg = f.layer() == Layer.INTERNAL && f.cause() == Cause.CANCELED ? f.message()
                : "ramp stopped at " + steps.get(steps.size() - 1).get("concurrency") + " calls (capacity "
                        + s.get("capacity") + "; " + side + " saturated first): " + f.message();
        return new ScenarioResult(new Failure(f.layer(), f.cause(), f.originator(), f.status(), f.reason(), msg), s);
    }

    /** The steps as one line each, for people: "50 pass | 100 pass | 150 FAIL dialtone". */
    static String table(List<Map<String, Object>> steps) {
        StringBuilder b = new StringBuilder();
        for (Map<String, Object> st : steps) {
            if (b.length() > 0) {
                b.append(" | ");
            }
            b.append(st.get("concurrency")).append(Boolean.TRUE.equals(st.get("passed")) ? " pass" : " FAIL "
                    + st.getOrDefault("saturated", ""));
        }
        return b.toString();
    }

    /** Calls that failed at the media or audio layer while dialtone was behind. */
    private static int failedWhileBehind(Batch b, Overload monitor) {
        int n = 0;
        synchronized (b.placed) {
            for (Placed p : b.placed) {
                Failure f = p.result().failure();
                if (f != null && (f.layer() == Layer.MEDIA || f.layer() == Layer.AUDIO)
                        && monitor.behindBetween(p.start(), p.end())) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Places the calls numbered {@code numbers} (global numbers), at most {@code concurrency} at once and {@code rate}
     * new ones a second, holding back while dialtone is behind; {@code talkOf} gives a call's talk time (null: the
     * options' own). Returns when every call placed has ended (or on stop).
     */
    private Batch place(List<Integer> numbers, int concurrency, Session shared, CountDownLatch stop, Overload monitor,
                        java.util.function.IntFunction<Duration> talkOf) throws InterruptedException {
        Batch b = new Batch(numbers.size());
        b.start = clock.instant();
        long t0 = System.nanoTime();
        Semaphore slots = new Semaphore(concurrency);
        List<CompletableFuture<Void>> running = new ArrayList<>();
        long interval = o.rate() <= 0 ? 0 : (long) (1e9 / o.rate());
        long shift = 0; // time held back moves the later calls' due times
        boolean interrupted = false;
        int total = ramp() ? o.ramp().totalCalls() : o.calls();
        for (int n = 0; n < numbers.size(); n++) {
            int g = numbers.get(n);
            long due = t0 + shift + n * interval;
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
            if (monitor.behind()) { // degrade, never collapse: no new call while dialtone cannot carry those it has
                long held = System.nanoTime();
                b.heldBack++;
                heldBackTotal.incrementAndGet();
                publish.accept(new RunEvent.Warning(clock.instant(), "load", "load-held-back", "holding back call "
                        + name(g, total) + ": dialtone is behind with " + active.get() + " calls up"));
                while (monitor.behind() && stop.getCount() > 0 && System.nanoTime() - held < HOLD_BACK_MAX.toNanos()) {
                    stop.await(100, TimeUnit.MILLISECONDS);
                }
                long waited = System.nanoTime() - held;
                b.heldBackMs += waited / 1_000_000;
                shift += waited;
                if (monitor.behind() && stop.getCount() > 0) {
                    b.notPlaced = numbers.size() - n;
                    slots.release();
                    publish.accept(new RunEvent.Warning(clock.instant(), "load", "load-given-up", "gave up the last "
                            + b.notPlaced + " calls: dialtone was still behind after " + HOLD_BACK_MAX.toSeconds() + " s"));
                    break;
                }
                if (stop.getCount() == 0) {
                    interrupted = true;
                    slots.release();
                    break;
                }
            }
            String scenario = name(g, total);
            started.incrementAndGet();
            active.incrementAndGet();
            CompletableFuture<Void> f = new CompletableFuture<>();
            running.add(f);
            Session s = shared;
            Duration talk = talkOf == null ? null : talkOf.apply(g);
            Thread t = new Thread(() -> {
                Instant from = clock.instant();
                Call.Result r = null;
                try {
                    r = s == null ? ownConnection(scenario, g, stop, talk) : onShared(s, scenario, g, stop, talk);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    r = new Call.Result(scenario, Failure.of(Layer.INTERNAL, Cause.INTERNAL_ERROR, "the call failed: "
                            + e), Map.of(), false, -1, -1, 0, -1, null);
                } finally {
                    if (r != null) {
                        results.add(r);
                        b.placed.add(new Placed(from, clock.instant(), r));
                    }
                    active.decrementAndGet();
                    slots.release();
                    f.complete(null);
                }
            }, "load-" + scenario);
            t.setDaemon(true);
            t.start();
        }
        // every call ends by itself (duration, setup timeout) or on stop; the wait is bounded by the calls' own
        Duration longest = callOptions.talk() == null ? Duration.ofHours(24) : callOptions.talk();
        if (talkOf != null && !numbers.isEmpty()) {
            longest = talkOf.apply(numbers.get(0));
        }
        Duration max = callOptions.setupTimeout().plus(longest).plus(Duration.ofSeconds(90));
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
        b.interrupted = interrupted;
        b.end = clock.instant();
        return b;
    }

    private boolean ramp() {
        return o.ramp() != null;
    }

    /** The options of a call that talks for {@code talk} (null: as given). */
    private CallScenario.Options options(Duration talk) {
        CallScenario.Options x = perCall.get();
        return talk == null ? x : x.withTalk(talk);
    }

    private CallScenario template(SipProfile p) {
        return template(p, null);
    }

    private CallScenario template(SipProfile p, Duration talk) {
        return new CallScenario(p, ssl, publish, clock, "load", options(talk), userAgent, mediaFactory);
    }

    /** One call on a session of its own (as one browser): connect, register, call, unregister. */
    private Call.Result ownConnection(String scenario, int g, CountDownLatch stop, Duration talk) throws InterruptedException {
        CallScenario cs = new CallScenario(profileFor(g), ssl, publish, clock, scenario, options(talk), userAgent,
                mediaFactory).callIdPrefix(o.shard().callIdPrefix(g));
        ScenarioResult r = cs.run(stop);
        Call.Result c = cs.placed();
        if (c != null && (r.failure() == c.failure())) {
            return c;
        }
        Map<String, Object> s = c == null ? r.summary() : c.summary();
        return new Call.Result(scenario, r.failure(), s, c != null && c.answered(), c == null ? -1 : c.setupMs(),
                c == null ? -1 : c.firstAudioMs(), c == null ? 0 : c.talkMs(), c == null ? -1 : c.mos(), c == null ? null : c.stats(),
                c == null ? null : c.presence());
    }

    /** One call on the shared session. */
    private Call.Result onShared(Session s, String scenario, int g, CountDownLatch stop, Duration talk)
            throws InterruptedException {
        CallScenario t = template(s.profile(), talk);
        Call call = new Call(s.loop(), s.ua(), publish, scenario, t.spec(), true).callIdPrefix(o.shard().callIdPrefix(g));
        CompletableFuture<CallMedia> media = mediaFactory.open(s.loop(), call.publisher(), scenario, t.mediaOptions(null),
                call.failures());
        Failure f = CallScenario.place(s, call, media, media.thenCompose(CallMedia::offer), t.target(), s.profile().aor(),
                t.headers());
        if (f != null) {
            CallScenario.closeMedia(media);
            return new Call.Result(scenario, f, Map.of(), false, -1, -1, 0, -1, null);
        }
        Duration longest = talk != null ? talk : callOptions.talk() == null ? Duration.ofHours(24) : callOptions.talk();
        Duration max = callOptions.setupTimeout().plus(longest).plus(Duration.ofSeconds(45));
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
        Overload m = monitorInUse;
        return new Progress(started.get(), active.get(), done.size() - failed, failed, started.get() / secs,
                pct(setup, 50), pct(setup, 95), pct(audio, 50), pct(audio, 95), m != null && m.behind(), heldBackTotal.get());
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

    private ScenarioResult verdict(Batch batch, Overload monitor, int planned) {
        Batch bt = batch;
        boolean interrupted = bt.interrupted;
        List<Call.Result> done = new ArrayList<>();
        synchronized (bt.placed) {
            for (Placed p : bt.placed) {
                done.add(p.result());
            }
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
        double secs = Math.max(0.001, java.time.Duration.between(bt.start, bt.end).toMillis() / 1000.0);
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
        s.put("callsPerSecond", Math.round((total + bt.notPlaced) / Math.max(0.001, secs) * 100) / 100.0);
        dialtone.support.Percentiles.putCallFigures(s, setup, audio, mos, false);
        conversation(done, s);
        Map<String, Object> failures = new LinkedHashMap<>();
        byCause.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> failures.put(e.getKey(), e.getValue()));
        if (!failures.isEmpty()) {
            s.put("failures", failures);
        }
        int whileBehind = failedWhileBehind(bt, monitor);
        s.putAll(monitor.summary(bt.start, bt.end));
        s.put("overloaded", false);
        if (whileBehind > 0) {
            s.put("failedWhileOverloaded", whileBehind);
        }
        s.put("heldBack", bt.heldBack);
        if (bt.heldBack > 0) {
            s.put("heldBackMs", bt.heldBackMs);
        }
        if (bt.notPlaced > 0) {
            s.put("notPlaced", bt.notPlaced);
        }
        Failure over = monitor.failure(bt.start, bt.end, whileBehind);
        Failure f = null;
        if (interrupted) {
            f = Failure.of(Layer.INTERNAL, Cause.CANCELED, "interrupted after " + total + " of " + planned + " calls");
        } else if (over != null) { // dialtone's own limit comes first: the calls' failures meanwhile are not the far end's
            s.put("overloaded", true);
            f = bt.notPlaced > 0 ? new Failure(over.layer(), over.cause(), over.originator(), 0, null, over.message()
                    + "; " + bt.notPlaced + " calls not placed") : over;
        } else if (total < planned) {
            f = Failure.of(Layer.INTERNAL, Cause.INTERNAL_ERROR, "only " + total + " of " + planned + " calls finished");
        } else if (failed > 0 && rate > o.maxFailureRate()) {
            String top = byCause.entrySet().stream().max((a, b) -> a.getValue() - b.getValue()).orElseThrow().getKey();
            Failure ex = example.get(top);
            f = new Failure(ex.layer(), ex.cause(), ex.originator(), ex.status(), ex.reason(), failed + " of " + total
                    + " calls failed (" + String.format(Locale.ROOT, "%.1f", rate * 100) + " %, allowed "
                    + String.format(Locale.ROOT, "%.1f", o.maxFailureRate() * 100) + " %); most often " + top + ": "
                    + ex.message());
        }
        return new ScenarioResult(f, s);
    }
}
