package dialtone.serve;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dialtone.report.Redactor;
import dialtone.support.Printable;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.net.ssl.SSLParameters;

/**
 * The HTTP side of {@code dialtone serve}: {@code /probe} runs one check (a child process, or for a {@code config}
 * module the command line in this JVM: {@link InProcessProbe}; at most
 * {@code maxInFlight} at once; more are refused with 503, never queued), {@code /metrics} is the exporter's own,
 * {@code /-/healthy} says it is up. SIGHUP reloads the module file (a broken one is refused and the old one kept);
 * SIGTERM and SIGINT refuse new probes, wait for the ones in flight and stop.
 */
public final class Exporter {
    /** How much of the scrape's timeout (X-Prometheus-Scrape-Timeout-Seconds) is kept for the answer to travel. */
    public static final Duration DEFAULT_TIMEOUT_OFFSET = Duration.ofMillis(500);
    static final Duration MIN_BUDGET = Duration.ofMillis(200);

    /** What the exporter runs with. */
    public record Settings(Path configFile, InetSocketAddress listen, WebConfig web, int maxInFlight, Duration timeoutOffset,
                           List<String> launcher, Map<String, String> env, Function<List<String>, String> flags,
                           Redactor redactor, PrintWriter log, boolean verbose, int history, InProcessProbe.Runner inProcess) {
    }

    /** A recent probe, as /logs shows it (blackbox_exporter's "recent probes"): its debug text, redacted. */
    record Recent(long id, String module, String target, boolean success, double seconds, String at, String debug) {
    }

    private final java.util.ArrayDeque<Recent> recent = new java.util.ArrayDeque<>();
    private final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();

    private final Settings s;
    private final AtomicReference<ServeConfig> config = new AtomicReference<>();
    private final Semaphore slots;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Probe requests being handled (a probe's answer is still being written after its slot is free). */
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean draining;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private HttpServer server;
    private ExecutorService pool;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter probes;
    private final Counter failures;
    private final Counter refused;
    private final Counter timeouts;
    private final Gauge inFlightGauge;
    private final Histogram durations;
    private final Gauge reloadOk;
    private final Gauge reloadAt;
    private final Gauge modulesGauge;

    public Exporter(Settings s, ServeConfig initial) {
        this.s = s;
        this.slots = new Semaphore(s.maxInFlight());
        config.set(initial);
        probes = Counter.builder().name("dialtone_serve_probes_total").help("Probes run, by module and result (success, failure)")
                .labelNames("module", "result").register(registry);
        failures = Counter.builder().name("dialtone_serve_probe_failures_total").help("Failed probes by module and failing layer")
                .labelNames("module", "layer").register(registry);
        refused = Counter.builder().name("dialtone_serve_probes_refused_total")
                .help("Scrapes refused without running a probe, by reason: module (unknown), target (not allowed), busy (too many in flight), draining (shutting down), request (malformed)")
                .labelNames("reason").register(registry);
        for (String r : List.of("module", "target", "busy", "draining", "request")) {
            refused.labelValues(r);
        }
        timeouts = Counter.builder().name("dialtone_serve_probe_timeouts_total")
                .help("Probes stopped at their deadline (the module's timeout or the scrape's), by module: with the load average, "
                        + "tells a machine too busy to finish in time from a far end that does not answer")
                .labelNames("module").register(registry);
        inFlightGauge = Gauge.builder().name("dialtone_serve_probes_in_flight").help("Probes running now").register(registry);
        Gauge.builder().name("dialtone_serve_max_in_flight").help("The limit on probes in flight (--max-in-flight)").register(registry)
                .set(s.maxInFlight());
        durations = Histogram.builder().name("dialtone_serve_probe_duration_seconds").unit(Unit.SECONDS)
                .help("How long probes took, by module").labelNames("module")
                .classicUpperBounds(0.25, 0.5, 1, 2, 3, 5, 10, 15, 20, 30, 60).register(registry);
        reloadOk = Gauge.builder().name("dialtone_serve_config_last_reload_successful")
                .help("1 when the last load of the module file succeeded, 0 when it was refused (the previous one is in use)").register(registry);
        reloadAt = Gauge.builder().name("dialtone_serve_config_last_reload_success_timestamp_seconds").unit(Unit.SECONDS)
                .help("When the module file was last loaded successfully, in seconds since the epoch").register(registry);
        modulesGauge = Gauge.builder().name("dialtone_serve_modules").help("Modules in the loaded file").register(registry);
        reloadOk.set(1);
        reloadAt.set(System.currentTimeMillis() / 1000.0);
        modulesGauge.set(initial.modules().size());
        JvmMetrics.builder().register(registry);
    }

    /** Starts listening; returns the bound address (port 0 picks a free one). */
    public InetSocketAddress start() throws IOException {
        // a client that sends its request slowly is cut after 10 s, and a request is at most 64 header lines
        System.setProperty("sun.net.httpserver.maxReqTime", "10");
        System.setProperty("sun.net.httpserver.maxReqHeaders", "64");
        if (s.web().ssl() != null) {
            HttpsServer https = HttpsServer.create(s.listen(), 64);
            String[] protocols = s.web().protocols();
            https.setHttpsConfigurator(new HttpsConfigurator(s.web().ssl()) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = getSSLContext().getDefaultSSLParameters();
                    p.setProtocols(protocols);
                    params.setSSLParameters(p);
                }
            });
            server = https;
        } else {
            server = HttpServer.create(s.listen(), 64);
        }
        AtomicInteger n = new AtomicInteger();
        // the probes in flight, plus threads for /metrics and for refusals while every probe slot is taken
        pool = Executors.newFixedThreadPool(s.maxInFlight() + 8, r -> {
            Thread t = new Thread(r, "serve-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        List<HttpContext> contexts = new ArrayList<>();
        contexts.add(server.createContext("/probe", this::probe));
        contexts.add(server.createContext("/metrics", this::metrics));
        contexts.add(server.createContext("/-/healthy", ex -> text(ex, 200, "OK")));
        contexts.add(server.createContext("/logs", this::logs));
        contexts.add(server.createContext("/", this::landing));
        if (s.web().authRequired()) {
            for (HttpContext c : contexts) {
                c.setAuthenticator(new BasicAuthenticator("dialtone") {
                    @Override
                    public boolean checkCredentials(String user, String password) {
                        return s.web().check(user, password);
                    }
                });
            }
        }
        server.start();
        return server.getAddress();
    }

    public ServeConfig config() {
        return config.get();
    }

    /** Re-reads the module file; a broken one is refused and the one in use kept. Returns whether it was taken. */
    public boolean reload() {
        try {
            ServeConfig c = ServeConfig.load(s.configFile(), s.flags(), s.env());
            config.set(c);
            reloadOk.set(1);
            reloadAt.set(System.currentTimeMillis() / 1000.0);
            modulesGauge.set(c.modules().size());
            log("reloaded " + s.configFile() + ": " + c.modules().size() + " modules (" + String.join(", ", c.modules().keySet()) + ")");
            return true;
        } catch (ServeConfig.Invalid e) {
            reloadOk.set(0);
            log("reload refused, the previous modules stay in use: " + e.getMessage());
            return false;
        }
    }

    /** Refuses new probes, waits up to {@code max} for those in flight, stops listening. */
    public void drain(Duration max) {
        draining = true;
        int inflight = inFlight.get();
        if (inflight > 0) {
            log("stopping: waiting for " + inflight + " probe(s) in flight");
        }
        long end = System.nanoTime() + max.toNanos();
        while ((active.get() > 0 || inFlight.get() > 0) && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop(1);
        pool.shutdownNow();
        log("stopped");
        stopped.countDown();
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** The longest a probe can take: the longest module timeout. */
    public Duration longestTimeout() {
        return config.get().modules().values().stream().map(ServeConfig.Module::timeout).max(Duration::compareTo)
                .orElse(ServeConfig.DEFAULT_TIMEOUT);
    }

    private void log(String line) {
        synchronized (s.log()) {
            s.log().println("dialtone serve: " + Printable.escape(line));
            s.log().flush();
        }
    }

    // ---- handlers --------------------------------------------------------------------------------------------

    private void probe(HttpExchange ex) throws IOException {
        active.incrementAndGet();
        try (ex) {
            probeExchange(ex);
        } finally {
            active.decrementAndGet();
        }
    }

    private void probeExchange(HttpExchange ex) throws IOException {
        {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                refused.labelValues("request").inc();
                text(ex, 405, "only GET");
                return;
            }
            Map<String, List<String>> q = query(ex.getRequestURI().getRawQuery());
            if (q == null) {
                refused.labelValues("request").inc();
                text(ex, 400, "the query string is malformed or too long");
                return;
            }
            for (String k : List.of("module", "target", "debug")) {
                if (q.getOrDefault(k, List.of()).size() > 1) {
                    refused.labelValues("request").inc();
                    text(ex, 400, k + "= is given more than once");
                    return;
                }
            }
            String moduleName = first(q, "module");
            String target = first(q, "target");
            boolean debug = "true".equals(first(q, "debug"));
            if (draining) {
                refused.labelValues("draining").inc();
                text(ex, 503, "dialtone serve is stopping: no new probes");
                return;
            }
            ServeConfig cfg = config.get();
            if (moduleName == null || moduleName.isEmpty()) {
                refused.labelValues("module").inc();
                text(ex, 400, "module= is required (one of: " + String.join(", ", cfg.modules().keySet()) + ")");
                return;
            }
            ServeConfig.Module m = cfg.modules().get(moduleName);
            if (m == null) {
                refused.labelValues("module").inc();
                text(ex, 400, "unknown module (known: " + String.join(", ", cfg.modules().keySet()) + ")");
                return;
            }
            String why = m.refuse(target);
            if (why != null) {
                refused.labelValues("target").inc();
                log("refused a probe of module " + m.name() + ": " + why);
                text(ex, 400, why);
                return;
            }
            Duration budget = m.timeout();
            String hdr = ex.getRequestHeaders().getFirst("X-Prometheus-Scrape-Timeout-Seconds");
            if (hdr != null) {
                try {
                    double secs = Double.parseDouble(hdr.trim());
                    if (secs > 0 && secs < 86400) {
                        Duration scrape = Duration.ofMillis((long) (secs * 1000)).minus(s.timeoutOffset());
                        if (scrape.compareTo(budget) < 0) {
                            budget = scrape.compareTo(MIN_BUDGET) < 0 ? MIN_BUDGET : scrape;
                        }
                    }
                } catch (NumberFormatException ignored) {
                    // not a number: the module's timeout
                }
            }
            if (!slots.tryAcquire()) {
                refused.labelValues("busy").inc();
                text(ex, 503, "too many probes in flight (" + s.maxInFlight() + "): try later, or raise --max-in-flight");
                return;
            }
            ChildProbe.Result r;
            inFlightGauge.set(inFlight.incrementAndGet());
            // the slot is given back once: by this thread, or (a run in this JVM) by the run's own thread when it ends
            java.util.concurrent.atomic.AtomicBoolean given = new java.util.concurrent.atomic.AtomicBoolean();
            Runnable release = () -> {
                if (given.compareAndSet(false, true)) {
                    inFlightGauge.set(inFlight.decrementAndGet());
                    slots.release();
                }
            };
            boolean inJvm = s.inProcess() != null && InProcessProbe.applies(m);
            try {
                long deadline = System.nanoTime() + budget.toNanos();
                r = inJvm ? InProcessProbe.run(s.inProcess(), m, target, s.env(), s.redactor(), deadline, release)
                        : ChildProbe.run(s.launcher(), m, target, s.env(), s.redactor(), deadline);
            } catch (IOException e) {
                log("cannot start a probe of module " + m.name() + ": " + e.getMessage());
                text(ex, 500, "cannot start the probe: " + e.getClass().getSimpleName());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                text(ex, 503, "interrupted");
                return;
            } finally {
                if (!inJvm) {
                    release.run();
                }
            }
            ProbeRun.Verdict v = r.verdict();
            probes.labelValues(m.name(), v.success() ? "success" : "failure").inc();
            if (!v.success()) {
                failures.labelValues(m.name(), v.layer() == null ? "UNKNOWN" : v.layer()).inc();
            }
            durations.labelValues(m.name()).observe(r.wallSeconds());
            if (r.timedOut()) {
                timeouts.labelValues(m.name()).inc();
            }
            if (s.verbose()) {
                log("probe " + m.name() + (target == null ? "" : " " + target) + ": " + (v.success() ? "success" : "failure "
                        + v.layer() + "/" + v.cause()) + " in " + String.format(java.util.Locale.ROOT, "%.3f", r.wallSeconds()) + " s");
            }
            MetricSnapshots snaps = r.run().metrics(v, r.wallSeconds(), r.timedOut());
            String debugText = debug || s.history() > 0 ? debugText(m, target, r, snaps) : null;
            if (s.history() > 0) {
                synchronized (recent) {
                    recent.addLast(new Recent(ids.incrementAndGet(), m.name(), m.effectiveTarget(target), v.success(), r.wallSeconds(),
                            java.time.Instant.now().toString(), debugText));
                    while (recent.size() > s.history()) {
                        recent.removeFirst();
                    }
                }
            }
            if (debug) {
                text(ex, 200, debugText);
            } else {
                exposition(ex, snaps);
            }
        }
    }

    private String debugText(ServeConfig.Module m, String target, ChildProbe.Result r, MetricSnapshots snaps) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("Module ").append(m.name()).append(": dialtone");
        for (String a : r.commandLine()) {
            sb.append(' ').append(a);
        }
        sb.append("\ntimeout ").append(m.timeout().toMillis()).append(" ms");
        sb.append(r.timedOut() ? ", stopped at the deadline" : "").append("\n\nLogs for the probe (the run's JSON lines):\n");
        for (String l : r.log()) {
            sb.append(l).append('\n');
        }
        if (!r.stderr().isEmpty()) {
            sb.append("\nstderr:\n").append(r.stderr());
        }
        sb.append("\nMetrics that would have been returned:\n");
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(o, snaps, EscapingScheme.DEFAULT);
        sb.append(o.toString(StandardCharsets.UTF_8));
        // every byte of it passed the redactor line by line already; once more over the whole, for what was joined
        return s.redactor().redact(sb.toString());
    }

    /** {@code /logs}: the recent probes, one a line; {@code /logs?id=N}: that probe's timeline and metrics. */
    private void logs(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, List<String>> q = query(ex.getRequestURI().getRawQuery());
            String id = q == null ? null : first(q, "id");
            List<Recent> l;
            synchronized (recent) {
                l = new ArrayList<>(recent);
            }
            if (id == null) {
                StringBuilder sb = new StringBuilder("id module target success seconds at\n");
                for (Recent r : l) {
                    sb.append(r.id()).append(' ').append(r.module()).append(' ').append(r.target() == null ? "-" : r.target())
                            .append(' ').append(r.success() ? 1 : 0).append(' ').append(r.seconds()).append(' ').append(r.at()).append('\n');
                }
                text(ex, 200, sb.toString());
                return;
            }
            for (Recent r : l) {
                if (Long.toString(r.id()).equals(id)) {
                    text(ex, 200, r.debug());
                    return;
                }
            }
            text(ex, 404, "no such probe among the last " + s.history());
        }
    }

    private void metrics(HttpExchange ex) throws IOException {
        try (ex) {
            exposition(ex, registry.scrape());
        }
    }

    private void landing(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestURI().getPath().equals("/")) {
                text(ex, 404, "not found: /probe?module=M&target=T, /metrics, /-/healthy");
                return;
            }
            StringBuilder sb = new StringBuilder("dialtone serve: synthetic call monitoring for Prometheus\n\n"
                    + "/probe?module=M&target=T   run one check (debug=true: its timeline)\n/metrics                   the exporter's own metrics\n"
                    + "/logs                      the recent probes (/logs?id=N: one's timeline)\n\nmodules:\n");
            for (ServeConfig.Module m : config.get().modules().values()) {
                sb.append("  ").append(m.name()).append(": ").append(m.command())
                        .append(m.targets().isEmpty() ? "" : ", targets " + String.join(" ", m.targets()))
                        .append(", timeout ").append(m.timeout().toMillis()).append(" ms\n");
            }
            text(ex, 200, sb.toString());
        }
    }

    private static void exposition(HttpExchange ex, MetricSnapshots snaps) throws IOException {
        String accept = ex.getRequestHeaders().getFirst("Accept");
        ExpositionFormatWriter w = new OpenMetricsTextFormatWriter(false, false).accepts(accept)
                ? new OpenMetricsTextFormatWriter(false, false) : new PrometheusTextFormatWriter(false);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        w.write(o, snaps, EscapingScheme.fromAcceptHeader(accept));
        byte[] body = o.toByteArray();
        ex.getResponseHeaders().set("Content-Type", w.getContentType());
        send(ex, 200, body);
    }

    private static void text(HttpExchange ex, int status, String body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        send(ex, status, (body.endsWith("\n") ? body : body + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    private static String first(Map<String, List<String>> q, String k) {
        List<String> l = q.get(k);
        return l == null || l.isEmpty() ? null : l.get(0);
    }

    /** The query's parameters, or null when it is malformed or longer than 4 KiB. */
    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        if (raw.length() > 4096) {
            return null;
        }
        try {
            for (String part : raw.split("&")) {
                if (part.isEmpty()) {
                    continue;
                }
                int eq = part.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
                m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return m;
    }

    /** Whether a file exists, for the launcher's search. */
    static boolean executable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    /**
     * The command that runs this same dialtone installation: its launcher (bin/dialtone beside lib/dialtone.jar in
     * an installation; ./dialtone beside target/ in a checkout), which sizes the child's heap for its subcommand and
     * reports a JVM that died in native code; without one, this JVM's java with -jar and this jar.
     */
    public static List<String> launcher() {
        try {
            Path jar = Path.of(Exporter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = jar.getParent();
            if (jar.toString().endsWith(".jar") && dir != null && dir.getParent() != null) {
                Path installed = dir.getParent().resolve("bin/dialtone");
                if (dir.getFileName().toString().equals("lib") && executable(installed)) {
                    return List.of(installed.toString());
                }
                Path checkout = dir.getParent().resolve("dialtone");
                if (dir.getFileName().toString().equals("target") && executable(checkout)) {
                    return List.of(checkout.toString());
                }
            }
            String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            if (jar.toString().endsWith(".jar")) {
                return List.of(java, "-XX:+UseSerialGC", "-Xmx192m", "-jar", jar.toString());
            }
            return List.of(java, "-XX:+UseSerialGC", "-Xmx192m", "-cp", System.getProperty("java.class.path"), "dialtone.Main");
        } catch (java.net.URISyntaxException | SecurityException e) {
            throw new IllegalStateException("cannot find dialtone's own jar", e);
        }
    }

    /** SIGHUP reloads; SIGTERM and SIGINT drain and stop. */
    public void handleSignals() {
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> new Thread(this::reload, "serve-reload").start());
        for (String name : List.of("TERM", "INT")) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                if (!draining) {
                    new Thread(() -> drain(longestTimeout().plusSeconds(5)), "serve-drain").start();
                }
            });
        }
    }
}
