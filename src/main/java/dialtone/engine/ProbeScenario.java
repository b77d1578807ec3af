package dialtone.engine;

import dialtone.config.IceUrl;
import dialtone.config.SipProfile;
import dialtone.event.Cause;
import dialtone.event.Event;
import dialtone.event.Failure;
import dialtone.event.Layer;
import dialtone.event.ProbeEvent;
import dialtone.event.RunEvent;
import dialtone.probe.NetworkChecks;
import dialtone.sip.message.SipResponse;
import dialtone.sip.ua.OutboundRequest;
import dialtone.sip.ua.ResponseHandler;
import dialtone.support.RandomTokens;
import dialtone.support.Secret;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * {@code dialtone probe}: checks, concurrently and under one deadline, what a click-to-call client needs from the
 * network: the configuration over HTTPS, WSS with a SIP round trip, STUN bindings, TURN allocations per transport
 * with a relay echo. Then a verdict: which ways media can take, whether TURN is required, the first broken layer.
 */
public final class ProbeScenario {
    public record Options(List<IceUrl> iceUrls, String turnUser, Secret turnPassword, Set<String> only, Set<String> skip,
                          Duration deadline, boolean register, int echoPackets, String userAgent, boolean turnsInsecure,
                          dialtone.support.PacketTap tap) {
        boolean wants(String check) {
            return (only.isEmpty() || only.contains(check)) && !skip.contains(check);
        }
    }

    private final Consumer<Event> publish;
    private final Clock clock;
    private final String scenario;
    private final Options o;
    private final List<ProbeEvent.Check> results = new ArrayList<>();

    public ProbeScenario(Consumer<Event> publish, Clock clock, String scenario, Options options) {
        this.publish = publish;
        this.clock = clock;
        this.scenario = scenario;
        this.o = options;
    }

    /**
     * @param profile resolves the configuration (the https check, or the direct flags); called on a worker thread
     */
    public ScenarioResult run(Supplier<SipProfile> profile, boolean fromEndpoint, SSLContext ssl) throws InterruptedException {
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "probe");
            t.setDaemon(true);
            return t;
        });
        long deadlineNanos = System.nanoTime() + o.deadline().toNanos();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        List<Runnable> iceChecks = new ArrayList<>();
        CompletableFuture<SipProfile> resolved = CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            try {
                SipProfile p = profile.get();
                if (fromEndpoint && o.wants("https")) {
                    record("https", "endpoint configuration", null, true, t0, "fetched and valid (" + p.mode().wire() + ")", Map.of());
                }
                return p;
            } catch (RuntimeException e) {
                if (fromEndpoint && o.wants("https")) {
                    record("https", "endpoint configuration", null, false, t0, e.getMessage(), Map.of());
                }
                throw e;
            }
        }, pool);
        if (fromEndpoint && o.wants("https")) {
            expect("https", "endpoint configuration", null);
        }
        all.add(resolved.handle((p, e) -> null));
        if (o.wants("wss")) {
            expect("wss", "", null);
            all.add(resolved.thenAcceptAsync(p -> wss(p, ssl), pool).handle((v, e) -> {
                if (e != null) {
                    synchronized (this) {
                        pending.remove("wss"); // no configuration, nothing to connect to: the https check says why
                    }
                }
                return null;
            }));
        }
        for (IceUrl url : o.iceUrls()) {
            if (o.wants("stun") && url.transports().contains("udp")) {
                expect("stun", url.hostPort(), "udp");
                all.add(CompletableFuture.runAsync(() -> {
                    long t0 = System.nanoTime();
                    NetworkChecks.Outcome r = NetworkChecks.stunBinding(url, left(deadlineNanos), o.tap());
                    record("stun", url.hostPort(), "udp", r.passed(), t0, r.detail(), r.facts());
                }, pool));
            }
            if (o.wants("ice") && url.turn()) {
                for (String transport : url.transports()) {
                    IceUrl single = url.over(transport);
                    expect("ice", url.hostPort(), transport);
                    CompletableFuture<Boolean> allocated = turnResults.computeIfAbsent(url.hostPort() + "/" + transport,
                            k -> new CompletableFuture<>());
                    iceChecks.add(() -> {
                        if (o.wants("turn")) {
                            try {
                                if (!allocated.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                                    record("ice", url.hostPort(), transport, false, System.nanoTime(),
                                            "not tried: the TURN allocation over " + transport + " failed", Map.of());
                                    return;
                                }
                            } catch (Exception e) {
                                return; // the deadline passed: recorded as unfinished
                            }
                        }
                        long t0 = System.nanoTime();
                        IceLoopback.Outcome r = IceLoopback.run(single, o.turnUser(), o.turnPassword(), o.turnsInsecure(),
                                left(deadlineNanos));
                        record("ice", url.hostPort(), transport, r.passed(), t0, r.detail(), r.facts());
                    });
                }
            }
            if (o.wants("turn") && url.turn()) {
                for (String transport : url.transports()) {
                    expect("turn", url.hostPort(), transport);
                    all.add(CompletableFuture.runAsync(() -> {
                        long t0 = System.nanoTime();
                        NetworkChecks.Outcome r = NetworkChecks.turn(url, transport, o.turnUser(),
                                o.turnPassword() == null ? null : o.turnPassword().reveal(), ssl, left(deadlineNanos),
                                o.wants("echo") ? o.echoPackets() : 0, o.tap());
                        record("turn", url.hostPort(), transport, r.passed(), t0, r.detail(), r.facts());
                        turnResults.computeIfAbsent(url.hostPort() + "/" + transport, k -> new CompletableFuture<>())
                                .complete(r.passed());
                    }, pool));
                }
            }
        }
        // two different servers (or ports) are needed to tell how the NAT maps
        List<IceUrl> udpServers = o.iceUrls().stream().filter(u -> u.transports().contains("udp"))
                .filter(distinctHostPort()).toList();
        if (o.wants("stun") && udpServers.size() >= 2) {
            expect("nat", udpServers.get(0).hostPort() + " + " + udpServers.get(1).hostPort(), "udp");
            all.add(CompletableFuture.runAsync(() -> {
                long t0 = System.nanoTime();
                NetworkChecks.Outcome r = NetworkChecks.mapping(udpServers.get(0), udpServers.get(1), left(deadlineNanos), o.tap());
                record("nat", udpServers.get(0).hostPort() + " + " + udpServers.get(1).hostPort(), "udp", r.passed(), t0,
                        r.detail(), r.facts());
            }, pool));
        }
        // The WebRTC loopbacks run one after another (one audio module per process), beside the other checks.
        if (!iceChecks.isEmpty()) {
            all.add(CompletableFuture.runAsync(() -> iceChecks.forEach(Runnable::run), pool));
        }
        try {
            // the deadline is the user's: every check is bounded by it; a little slack for the last event to land
            CompletableFuture.allOf(all.toArray(new CompletableFuture[0]))
                    .get(Math.max(1, deadlineNanos - System.nanoTime()) + 250_000_000L, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            publish.accept(new RunEvent.Warning(clock.instant(), scenario, "probe-deadline",
                    "some checks did not finish within the deadline of " + o.deadline().toSeconds() + " s"));
        } finally {
            pool.shutdownNow();
        }
        synchronized (this) {
            for (String[] c : List.copyOf(pending.values())) {
                record(c[0], c[1], c[2], false, System.nanoTime() - o.deadline().toNanos(), "no result within the deadline of "
                        + o.deadline().toSeconds() + " s", Map.of());
            }
            done = true;
        }
        return verdict();
    }

    private static java.util.function.Predicate<IceUrl> distinctHostPort() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        return u -> seen.add(u.hostPort());
    }

    private static Duration left(long deadlineNanos) {
        return Duration.ofNanos(Math.max(100_000_000L, deadlineNanos - System.nanoTime() - 100_000_000L));
    }

    private boolean done;
    private final Map<String, CompletableFuture<Boolean>> turnResults = new java.util.concurrent.ConcurrentHashMap<>();
    /** Checks started and not recorded yet: at the deadline each is recorded as failed, never silently dropped. */
    private final Map<String, String[]> pending = new LinkedHashMap<>();

    private static String key(String check, String target, String transport) {
        return check.equals("wss") ? check : check + "|" + (transport == null ? "" : transport) + "|" + target;
    }

    private synchronized void expect(String check, String target, String transport) {
        pending.put(key(check, target, transport), new String[] {check, target, transport});
    }

    private synchronized void record(String check, String target, String transport, boolean passed, long t0,
                                     String detail, Map<String, Object> facts) {
        if (done) {
            return; // past the deadline: the verdict is out
        }
        pending.remove(key(check, target, transport));
        ProbeEvent.Check c = new ProbeEvent.Check(clock.instant(), scenario, check, target, transport, passed,
                (System.nanoTime() - t0) / 1_000_000, detail, new LinkedHashMap<>(facts));
        results.add(c);
        publish.accept(c);
    }

    private static final Failure NO_RESULT = Failure.of(Layer.INTERNAL, Cause.REQUEST_TIMEOUT, "no result within the deadline");

    /** WSS upgrade with sub-protocol sip, then an OPTIONS round trip (any answer counts); REGISTER with --register. */
    private void wss(SipProfile p, SSLContext ssl) {
        long t0 = System.nanoTime();
        CompletableFuture<String> done = new CompletableFuture<>();
        Map<String, Object> facts = new LinkedHashMap<>();
        // the session's own narrative stays out of the probe's; its SIP messages and the connection are facts of the
        // run (the --sip-trace, the --pcap file and the report's ladder show them)
        Consumer<Event> quiet = e -> {
            if (e instanceof dialtone.event.SipEvent.Sent || e instanceof dialtone.event.SipEvent.Received
                    || e instanceof dialtone.event.TransportEvent.Connected) {
                publish.accept(e);
            }
        };
        // the engine's session, quiet, registering only when asked (after the OPTIONS round trip)
        Session.Options so = new Session.Options(o.deadline(), Duration.ZERO, 60, Duration.ofSeconds(32), o.userAgent(), "",
                false);
        Session session = new Session(p, ssl, quiet, clock, scenario, so, new Session.Listener() {
                    @Override
                    public void onRegistered(int expires, boolean refresh) {
                        facts.put("registered", true);
                        done.complete(null);
                    }

                    @Override
                    public void onRegistrationFailed(Failure f) {
                        done.complete("REGISTER failed: " + f.message());
                    }
                });
        session.start();
        // the readiness rule, capped by the probe's one deadline
        Duration max = Readiness.timeout(so).compareTo(o.deadline()) < 0 ? Readiness.timeout(so) : o.deadline();
        String problem;
        try {
            Failure f = Readiness.await(session.ready(), max, null, s -> NO_RESULT, null);
            if (f != null) {
                problem = f == NO_RESULT ? NO_RESULT.message() : f.message();
            } else {
                facts.put("upgradeMs", (System.nanoTime() - t0) / 1_000_000);
                session.loop().execute(() -> options(session, p, facts, done));
                problem = done.get(Math.max(1, t0 + o.deadline().toNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            problem = NO_RESULT.message();
        }
        String detail = problem != null ? problem : "upgraded (sip) in " + facts.get("upgradeMs") + " ms, OPTIONS answered "
                + facts.get("optionsStatus") + " in " + facts.get("optionsRttMs") + " ms"
                + (Boolean.TRUE.equals(facts.get("registered")) ? ", registered" : "");
        record("wss", p.wsUri().toString(), p.wsUri().getScheme(), problem == null, t0, detail, facts);
        session.close();
    }

    /** OPTIONS to the realm (any answer counts), then REGISTER with --register. On the loop. */
    private void options(Session session, SipProfile p, Map<String, Object> facts, CompletableFuture<String> done) {
        long s = System.nanoTime();
        session.ua().send(new OutboundRequest("OPTIONS", "sip:" + p.realm(), "<" + p.aor() + ">;tag=" + RandomTokens.alnum(8),
                "<sip:" + p.realm() + ">", RandomTokens.alnum(16), () -> 1, List.of(), null, null), new ResponseHandler() {
                    @Override
                    public void onFinal(SipResponse r) {
                        facts.put("optionsStatus", r.status());
                        facts.put("optionsRttMs", (System.nanoTime() - s) / 1_000_000);
                        if (o.register() && p.needsRegister()) {
                            session.register();
                        } else {
                            done.complete(null);
                        }
                    }

                    @Override
                    public void onTimeout() {
                        done.complete("no answer to OPTIONS");
                    }

                    @Override
                    public void onTransportError() {
                        done.complete("the socket closed before OPTIONS was answered");
                    }
                });
    }

    private synchronized ScenarioResult verdict() {
        List<String> ways = new ArrayList<>();
        boolean stunRan = false;
        boolean direct = false;
        for (ProbeEvent.Check c : results) {
            if (c.check().equals("stun")) {
                stunRan = true;
                direct |= c.passed();
            }
        }
        if (direct) {
            ways.add("direct UDP");
        }
        for (String t : List.of("udp", "tcp", "tls")) {
            for (ProbeEvent.Check c : results) {
                if (c.check().equals("turn") && c.transport().equals(t) && c.passed()) {
                    String w = t.equals("tls") ? "TURNS" : "TURN/" + t.toUpperCase(java.util.Locale.ROOT);
                    if (!ways.contains(w)) {
                        ways.add(w);
                    }
                }
            }
        }
        boolean anyTurn = ways.stream().anyMatch(w -> w.startsWith("TURN"));
        Boolean turnRequired = null;
        if (stunRan && direct) {
            turnRequired = Boolean.FALSE;
        } else if (stunRan && anyTurn) {
            turnRequired = Boolean.TRUE;
        }
        String firstBroken = null;
        for (String layer : List.of("https", "wss", "stun", "turn", "ice")) {
            for (ProbeEvent.Check c : results) {
                if (c.check().equals(layer) && !c.passed() && firstBroken == null) {
                    firstBroken = layer + " (" + c.target() + (c.transport() == null ? "" : " over " + c.transport()) + "): " + c.detail();
                }
            }
        }
        int passed = (int) results.stream().filter(ProbeEvent.Check::passed).count();
        int failed = results.size() - passed;
        publish.accept(new ProbeEvent.Verdict(clock.instant(), scenario, ways, turnRequired, firstBroken, passed, failed));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("checks", results.size());
        s.put("passed", passed);
        s.put("failed", failed);
        s.put("mediaWays", String.join(", ", ways));
        Failure f = failed == 0 ? null : Failure.of(Layer.PROBE, firstBroken != null && firstBroken.startsWith("turn")
                ? Cause.TURN_REJECTED : Cause.CONNECTION_ERROR, failed + " of " + results.size() + " checks failed; first broken: "
                + firstBroken);
        if (results.isEmpty()) {
            f = Failure.of(Layer.PROBE, Cause.CONFIG_INVALID, "nothing to probe: give --endpoint or --ws-uri, and/or --ice-server");
        }
        return new ScenarioResult(f, s);
    }
}
