package dialtone.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dialtone.event.Layer;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one probe measured, folded from the child's JSON lines as they arrive (nothing else is kept), and the metrics
 * a scrape answers with. A run that was stopped (the module's timeout, the scrape's) or that died before its
 * {@code run.finished} still answers with every phase it reached, and its failure is put on the layer it was in.
 */
public final class ProbeRun {
    /** The cause of a run the exporter stopped at its deadline. */
    public static final String TIMEOUT_CAUSE = "PROBE_TIMEOUT";
    /** The cause of a run that ended without its verdict (killed from outside, crashed). */
    public static final String NO_VERDICT_CAUSE = "NO_VERDICT";

    private final String command;
    private boolean finished;
    private boolean passed;
    private Integer finishedExit;
    private long runMs = -1;
    private String failLayer;
    private String failCause;
    private String failMessage;
    private String lastFailedLayer;
    private String lastFailedCause;
    private final Map<String, Double> phases = new LinkedHashMap<>();
    private long regSendingT = -1;
    private long dialT = -1;
    private long regSendingUs = -1;
    private long dialUs = -1;
    private boolean configFetched;
    private boolean configResolved;
    private boolean transportConnected;
    private boolean registered;
    private boolean dialing;
    private boolean answered;
    private boolean mediaConnected;
    private Double mos;
    private JsonNode stats;
    private Double talkSeconds;
    private Instant earliestExpiry;
    private final List<Check> checks = new ArrayList<>();
    private int events;

    /** One probe check ({@code probe.check}). */
    record Check(String check, String target, String transport, boolean passed, double seconds) {
    }

    public ProbeRun(String command) {
        this.command = command;
    }

    /** Folds one event of the child's JSON lines in. */
    public void accept(JsonNode e) {
        events++;
        String type = e.path("type").asText("");
        long t = e.path("t").asLong(-1);
        // the same instant in microseconds (a line without it, from an older dialtone: whole milliseconds only)
        long us = e.path("tUs").isIntegralNumber() ? e.path("tUs").asLong() : -1;
        switch (type) {
            case "config.fetched" -> {
                configFetched = true;
                JsonNode tm = e.path("timing");
                if (fetchPhases != null) {
                    // measured in this JVM at full precision (an in-process config probe): the same fetch as the line
                    FetchPhases p = fetchPhases;
                    phaseSeconds("fetch", p.total());
                    phaseSeconds("fetch_resolve", p.resolve());
                    phaseSeconds("fetch_connect", p.connect());
                    phaseSeconds("fetch_tls", p.tls());
                    phaseSeconds("fetch_processing", p.processing());
                    phaseSeconds("fetch_transfer", p.transfer());
                } else if (tm.isObject()) {
                    // a child's JSON line: microseconds from its fetch's own clock (whole milliseconds from a dialtone
                    // that did not write them); no transfer: it is in no field, and the total less the others would
                    // also hold building the HTTP client, not the body
                    timing("fetch", tm, "total");
                    timing("fetch_resolve", tm, "dns");
                    timing("fetch_connect", tm, "connect");
                    timing("fetch_tls", tm, "tls");
                    timing("fetch_processing", tm, "firstByte");
                }
            }
            case "config.tls" -> expiry(e.path("tls"));
            case "config.resolved" -> configResolved = true;
            case "transport.connected" -> {
                transportConnected = true;
                if (!phases.containsKey("wss")) {
                    phase("wss", e.path("handshakeMs").asLong(-1));
                }
                expiry(e.path("tls"));
            }
            case "registration.sending" -> {
                if (regSendingT < 0) {
                    regSendingT = t;
                    regSendingUs = us;
                }
            }
            case "registration.registered", "registration.not-needed" -> {
                registered = true;
                if (type.equals("registration.registered") && regSendingT >= 0 && !phases.containsKey("register")) {
                    between("register", regSendingUs, us, t - regSendingT);
                }
            }
            case "call.dialing" -> {
                dialing = true;
                if (dialT < 0) {
                    dialT = t;
                    dialUs = us;
                }
            }
            case "call.answered" -> {
                answered = true;
                if (!phases.containsKey("invite")) {
                    // whole milliseconds: setupMs runs from just before the INVITE is sent, after call.dialing's line
                    // was written (measured: up to 4 ms later on a loaded machine), an instant no line carries
                    phase("invite", e.path("setupMs").asLong(-1));
                }
            }
            case "media.ice-state" -> {
                if (e.path("state").asText().equals("connected") && dialT >= 0 && !phases.containsKey("ice")) {
                    between("ice", dialUs, us, t - dialT);
                }
            }
            case "media.dtls" -> {
                if (e.path("state").asText().equals("connected") && dialT >= 0 && !phases.containsKey("dtls")) {
                    mediaConnected = true;
                    between("dtls", dialUs, us, t - dialT);
                }
            }
            case "media.first-audio" -> {
                if (!phases.containsKey("first_audio")) {
                    // whole milliseconds: sinceAnswerMs counts from when the media took the answer (after its SDP was
                    // applied), an instant no line carries; from call.answered's tUs it would be a longer span
                    phase("first_audio", e.path("sinceAnswerMs").asLong(-1));
                }
            }
            case "media.stats" -> stats = e.path("stats");
            case "call.summary" -> {
                if (e.path("mos").isNumber() && e.path("mos").asDouble() >= 0) {
                    mos = e.path("mos").asDouble();
                }
                if (e.path("stats").isObject()) {
                    stats = e.path("stats");
                }
                if (e.path("talkMs").isNumber()) {
                    talkSeconds = e.path("talkMs").asLong() / 1000.0;
                }
            }
            case "probe.check" -> {
                if (checks.size() < 64) {
                    checks.add(new Check(e.path("check").asText(""), e.path("target").asText(""),
                            e.path("transport").asText(""), e.path("passed").asBoolean(false), e.path("ms").asLong(0) / 1000.0));
                }
            }
            case "run.finished" -> {
                finished = true;
                passed = e.path("passed").asBoolean(false);
                finishedExit = e.path("exitCode").isInt() ? e.path("exitCode").asInt() : null;
                runMs = e.path("durationMs").asLong(-1);
                JsonNode f = e.path("failure");
                if (f.isObject()) {
                    failLayer = f.path("layer").asText(null);
                    failCause = f.path("cause").asText(null);
                    failMessage = f.path("message").asText(null);
                }
            }
            default -> {
                if (type.endsWith(".failed") && e.path("failure").isObject()) {
                    lastFailedLayer = e.path("failure").path("layer").asText(null);
                    lastFailedCause = e.path("failure").path("cause").asText(null);
                    if (failMessage == null) {
                        failMessage = e.path("failure").path("message").asText(null);
                    }
                }
            }
        }
    }

    /**
     * The configuration fetch's phases in seconds (negative: not seen), as blackbox_exporter's
     * {@code probe_http_duration_seconds} defines them, measured at full precision by a fetch in this JVM.
     */
    public record FetchPhases(double resolve, double connect, double tls, double processing, double transfer, double total) {
    }

    private FetchPhases fetchPhases;

    /** The precise phases of the fetch the next {@code config.fetched} line reports (an in-process probe). */
    public void fetchPhases(FetchPhases p) {
        fetchPhases = p;
    }

    private void phaseSeconds(String name, double s) {
        if (s >= 0) {
            phases.put(name, s);
        }
    }

    /** A phase between two lines: from their microsecond instants when both have one, else the whole milliseconds. */
    private void between(String name, long fromUs, long toUs, long ms) {
        if (fromUs >= 0 && toUs >= fromUs) {
            phases.put(name, (toUs - fromUs) / 1e6);
        } else {
            phase(name, ms);
        }
    }

    /** One phase of a fetch's {@code timing}: its {@code ...Us} field when measured, else its {@code ...Ms}. */
    private void timing(String name, JsonNode tm, String field) {
        long us = tm.path(field + "Us").isIntegralNumber() ? tm.path(field + "Us").asLong() : -1;
        if (us >= 0) {
            phases.put(name, us / 1e6);
        } else {
            phase(name, tm.path(field + "Ms").asLong(-1));
        }
    }

    private void phase(String name, long ms) {
        if (ms >= 0) {
            phases.put(name, ms / 1000.0);
        }
    }

    private void expiry(JsonNode tls) {
        if (tls.isObject() && tls.hasNonNull("notAfter")) {
            try {
                Instant i = Instant.parse(tls.path("notAfter").asText());
                if (earliestExpiry == null || i.isBefore(earliestExpiry)) {
                    earliestExpiry = i;
                }
            } catch (java.time.format.DateTimeParseException ignored) {
                // not a time: not shown
            }
        }
    }

    public int events() {
        return events;
    }

    public boolean finished() {
        return finished;
    }

    /** The layer the run was in when it stopped: the first one it had not completed. */
    String layerInProgress() {
        if (command.equals("probe")) {
            return Layer.PROBE.name();
        }
        if (!configResolved && !transportConnected) {
            return Layer.CONFIG.name();
        }
        if (command.equals("config")) {
            return Layer.CONFIG.name();
        }
        if (!transportConnected) {
            return Layer.TRANSPORT.name();
        }
        if (!registered && !dialing) {
            return Layer.REGISTRATION.name();
        }
        if (command.equals("register")) {
            return Layer.REGISTRATION.name();
        }
        if (!answered) {
            return Layer.CALL.name();
        }
        if (!mediaConnected) {
            return Layer.MEDIA.name();
        }
        return Layer.AUDIO.name();
    }

    /** The verdict of the probe, given how the child ended. */
    public Verdict verdict(Integer exitCode, boolean timedOut) {
        if (timedOut) {
            return new Verdict(false, exitCode, lastFailedLayer != null ? lastFailedLayer : layerInProgress(), TIMEOUT_CAUSE,
                    "stopped at the probe's deadline" + (failMessage != null ? " after: " + failMessage : ""));
        }
        if (finished) {
            int code = finishedExit != null ? finishedExit : exitCode == null ? -1 : exitCode;
            // the verdict is the child's, and its exit code must agree: a run that says it passed but exits non-zero
            // (its output was cut, a file failed) is a failure
            boolean ok = passed && code == 0 && (exitCode == null || exitCode == 0);
            if (ok) {
                return new Verdict(true, 0, null, null, null);
            }
            String layer = failLayer != null ? failLayer : lastFailedLayer != null ? lastFailedLayer
                    : layerOfExit(exitCode != null && exitCode != 0 ? exitCode : code);
            if (layer == null) {
                layer = layerInProgress();
            }
            String cause = failCause != null ? failCause : lastFailedCause != null ? lastFailedCause : NO_VERDICT_CAUSE;
            return new Verdict(false, exitCode != null ? exitCode : code, layer, cause, failMessage);
        }
        String layer = lastFailedLayer != null ? lastFailedLayer : exitCode != null && layerOfExit(exitCode) != null
                ? layerOfExit(exitCode) : layerInProgress();
        return new Verdict(false, exitCode, layer == null ? layerInProgress() : layer,
                lastFailedCause != null ? lastFailedCause : NO_VERDICT_CAUSE,
                "the run ended without its verdict" + (exitCode != null ? " (exit " + exitCode + ")" : ""));
    }

    static String layerOfExit(int code) {
        return switch (code) {
            case 2 -> "USAGE";
            case 3 -> Layer.CONFIG.name();
            case 4 -> Layer.TRANSPORT.name();
            case 5 -> Layer.REGISTRATION.name();
            case 6 -> Layer.CALL.name();
            case 7 -> Layer.MEDIA.name();
            case 8 -> Layer.AUDIO.name();
            case 9 -> Layer.PROBE.name();
            case 70 -> Layer.INTERNAL.name();
            default -> null;
        };
    }

    /** The probe's result: passed, the exit code (null when the child was killed), and the failure. */
    public record Verdict(boolean success, Integer exitCode, String layer, String cause, String message) {
    }

    /** The metrics of this probe, as a scrape answers them. */
    public MetricSnapshots metrics(Verdict v, double wallSeconds, boolean timedOut) {
        PrometheusRegistry r = new PrometheusRegistry();
        gauge(r, "probe_success", "1 when the check passed (the subcommand's verdict and exit code 0), else 0")
                .set(v.success() ? 1 : 0);
        gauge(r, "probe_duration_seconds", "How long the probe took, from starting the check to its verdict", Unit.SECONDS)
                .set(wallSeconds);
        gauge(r, "dialtone_exit_code", "The subcommand's exit code as on the command line (143 or 137: stopped at the deadline by SIGTERM or SIGKILL; -1: unknown)")
                .set(v.exitCode() == null ? -1 : v.exitCode());
        gauge(r, "dialtone_probe_timed_out", "1 when the probe was stopped at its deadline (the module's timeout or the scrape's)")
                .set(timedOut ? 1 : 0);
        if (runMs >= 0) {
            gauge(r, "dialtone_run_duration_seconds", "The run's own duration (run.finished durationMs)", Unit.SECONDS).set(runMs / 1000.0);
        }
        if (!phases.isEmpty()) {
            Gauge g = Gauge.builder().name("dialtone_phase_seconds").unit(Unit.SECONDS)
                    .help("Time of each phase reached: fetch (and fetch_resolve, _connect, _tls, _processing, _transfer: "
                            + "blackbox_exporter's probe_http_duration_seconds phases; _transfer for config probes only), "
                            + "wss (TCP+TLS+upgrade), register (REGISTER to 200), invite (INVITE to 200), ice and dtls "
                            + "(connected, from the INVITE), first_audio (from the answer)")
                    .labelNames("phase").register(r);
            phases.forEach((k, val) -> g.labelValues(k).set(val));
        }
        if (!v.success() && v.layer() != null) {
            Info i = Info.builder().name("dialtone_failure_info")
                    .help("Why the probe failed: the failing layer (its exit code's) and the cause").labelNames("layer", "cause").register(r);
            i.addLabelValues(v.layer(), v.cause() == null ? "" : v.cause());
        }
        if (mos != null) {
            gauge(r, "dialtone_mos", "Estimated MOS of the call (simplified ITU-T G.107 E-model, 1-4.5)").set(mos);
        }
        if (talkSeconds != null) {
            gauge(r, "dialtone_talk_seconds", "Talk time of the call", Unit.SECONDS).set(talkSeconds);
        }
        if (stats != null && stats.isObject()) {
            long rx = stats.path("packetsReceived").asLong(0);
            long lost = stats.path("packetsLost").asLong(0);
            gauge(r, "dialtone_packets_received", "RTP packets received from the far end").set(rx);
            gauge(r, "dialtone_packets_lost", "RTP packets lost on the way from the far end").set(lost);
            gauge(r, "dialtone_loss_ratio", "Inbound packet loss, lost / (received + lost), 0-1").set(rx + lost == 0 ? 0 : (double) lost / (rx + lost));
            if (stats.path("jitterMs").isNumber()) {
                gauge(r, "dialtone_jitter_seconds", "Inbound interarrival jitter", Unit.SECONDS).set(stats.path("jitterMs").asDouble() / 1000.0);
            }
            if (stats.path("rttMs").isNumber()) {
                gauge(r, "dialtone_rtt_seconds", "Round-trip time of the media path (RTCP)", Unit.SECONDS).set(stats.path("rttMs").asDouble() / 1000.0);
            }
        }
        if (earliestExpiry != null) {
            gauge(r, "probe_ssl_earliest_cert_expiry", "Expiry of the earliest server certificate seen (HTTPS, WSS), in seconds since the epoch")
                    .set(earliestExpiry.getEpochSecond());
        }
        if (!checks.isEmpty()) {
            Gauge ok = Gauge.builder().name("dialtone_check_success").help("probe: 1 when this check passed")
                    .labelNames("check", "target", "transport").register(r);
            Gauge d = Gauge.builder().name("dialtone_check_duration_seconds").unit(Unit.SECONDS).help("probe: how long this check took")
                    .labelNames("check", "target", "transport").register(r);
            for (Check c : checks) {
                ok.labelValues(c.check(), c.target(), c.transport()).set(c.passed() ? 1 : 0);
                d.labelValues(c.check(), c.target(), c.transport()).set(c.seconds());
            }
        }
        return r.scrape();
    }

    private static Gauge gauge(PrometheusRegistry r, String name, String help) {
        return Gauge.builder().name(name).help(help).register(r);
    }

    private static Gauge gauge(PrometheusRegistry r, String name, String help, Unit unit) {
        return Gauge.builder().name(name).help(help).unit(unit).register(r);
    }
}
