package dialtone.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dialtone.event.MediaStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A call's media over time (per-second charts with event markers and outage spans) and a recording's view. */
final class Charts extends HtmlPage {
    Charts(HtmlPage page) {
        super(page);
    }

    // ---- charts ---------------------------------------------------------------------------------------------

    record Marker(double t, String label) {
    }

    /** A span of a chart (seconds since the run started): an outage, shaded; {@code failing} ones in red. */
    record Span(double t0, double t1, String label, boolean failing) {
    }

    /** The media.outage events of a call as spans: their ISO start and end placed on the run's clock by the event's t. */
    static List<Span> outageSpans(List<ObjectNode> evs) {
        List<Span> out = new ArrayList<>();
        for (ObjectNode e : of(evs, "media.outage")) {
            try {
                java.time.Instant at = java.time.Instant.parse(e.path("at").asText());
                java.time.Instant start = java.time.Instant.parse(e.path("start").asText());
                java.time.Instant end = java.time.Instant.parse(e.path("end").asText());
                double t = e.path("t").asLong() / 1000.0;
                double t0 = t - java.time.Duration.between(start, at).toNanos() / 1e9;
                double t1 = t - java.time.Duration.between(end, at).toNanos() / 1e9;
                out.add(new Span(t0, t1, String.format(Locale.ROOT, "outage %.2f s (%s)", e.path("lengthMs").asLong() / 1000.0,
                        text(e, "cause")), e.path("failing").asBoolean()));
            } catch (RuntimeException x) {
                // an event without its times is left off the charts (the timeline still has it)
            }
        }
        return out;
    }

    void charts(String scenario, List<ObjectNode> evs, int index) {
        List<ObjectNode> stats = of(evs, "media.stats");
        if (stats.isEmpty()) {
            return;
        }
        int n = stats.size();
        double[] ts = new double[n];
        double[] in = new double[n];
        double[] out = new double[n];
        double[] loss = new double[n];
        double[] jitter = new double[n];
        double[] rtt = new double[n];
        double[] level = new double[n];
        double[] mos = new double[n];
        double[] recvRate = new double[n];
        double[] sentRate = new double[n];
        double[] expectedRate = new double[n];
        List<Span> spans = outageSpans(evs);
        ObjectNode presence = last(evs, "media.presence");
        double perSecond = presence == null ? -1 : presence.path("expectedPerSecondIn").asDouble(-1);
        double perSecondOut = presence == null ? -1 : presence.path("expectedPerSecondOut").asDouble(-1);
        long prevRecv = 0;
        long prevLost = 0;
        long prevSent = 0;
        for (int i = 0; i < n; i++) {
            JsonNode s = stats.get(i).path("stats");
            ts[i] = stats.get(i).path("t").asLong() / 1000.0;
            in[i] = s.path("bitrateInKbps").asDouble(-1);
            out[i] = s.path("bitrateOutKbps").asDouble(-1);
            long recv = s.path("packetsReceived").asLong();
            long lost = s.path("packetsLost").asLong();
            long dr = Math.max(0, recv - prevRecv);
            long dl = Math.max(0, lost - prevLost);
            loss[i] = dr + dl == 0 ? -1 : 100.0 * dl / (dr + dl);
            jitter[i] = s.path("jitterMs").asDouble(-1);
            rtt[i] = s.path("rttMs").asDouble(-1);
            level[i] = s.path("audioLevel").asDouble(-1);
            long sent = s.path("packetsSent").asLong();
            double dtS = i == 0 ? -1 : ts[i] - ts[i - 1];
            recvRate[i] = dtS <= 0.2 ? -1 : Math.max(0, recv - prevRecv) / dtS;
            sentRate[i] = dtS <= 0.2 ? -1 : Math.max(0, sent - prevSent) / dtS;
            expectedRate[i] = perSecond > 0 ? perSecond : perSecondOut;
            // an interval with an outage has missing packets whether or not sequence numbers said so (a paused sender)
            long missing = 0;
            if (i > 0 && perSecond > 0) {
                for (Span sp : spans) {
                    double overlap = Math.min(sp.t1(), ts[i]) - Math.max(sp.t0(), ts[i - 1]);
                    missing += overlap > 0 ? Math.round(overlap * perSecond) : 0;
                }
            }
            mos[i] = dr == 0 && missing > 0 ? 1.0 // nothing came in an outage: the worst, not "not measured"
                    : MediaStats.mos(s.path("rttMs").asDouble(-1), s.path("jitterMs").asDouble(-1), Math.max(dl, missing), dr);
            prevRecv = recv;
            prevLost = lost;
            prevSent = sent;
        }
        List<Marker> markers = new ArrayList<>();
        for (ObjectNode e : evs) {
            String label = switch (type(e)) {
                case "call.dtmf-sent" -> "DTMF sent " + text(e, "digits");
                case "call.dtmf-received" -> "DTMF heard " + text(e, "digit");
                case "call.info-sent" -> "INFO sent";
                case "call.info-received" -> "INFO received";
                case "call.muted" -> e.path("muted").asBoolean() ? "muted" : "unmuted";
                case "call.refreshed" -> e.path("hold").asBoolean() ? "hold (" + text(e, "direction") + ")" : "re-" + text(e, "method");
                case "call.step" -> "step " + e.path("line").asInt() + ": " + text(e, "command");
                case "media.first-audio" -> "first audio";
                default -> null;
            };
            if (label != null) {
                markers.add(new Marker(e.path("t").asLong() / 1000.0, label));
            }
        }
        String id = "c" + index;
        h.append("<section class=\"charts\" id=\"charts-").append(id).append("\" data-samples=\"").append(n)
                .append("\"><h2>Media over time: ").append(esc(scenario)).append("</h2><p class=\"note\">One point per stats sample (")
                .append(n).append("); dashed lines mark events. Gaps: not measured in that interval.</p><div class=\"grid\">");
        this.spans = spans;
        chart(id + "-bitrate", "Bitrate (kbit/s)", ts, new double[][] {in, out}, new String[] {"in", "out"}, markers, -1);
        chart(id + "-packets", "Packets per second" + (perSecond > 0 ? String.format(Locale.ROOT, " (the packet time makes %.0f/s)", perSecond) : ""),
                ts, new double[][] {recvRate, sentRate, expectedRate}, new String[] {"received", "sent", "expected"}, markers, -1);
        chart(id + "-loss", "Packet loss per interval (%)", ts, new double[][] {loss}, new String[] {"loss"}, markers, -1);
        chart(id + "-jitter", "Jitter (ms)", ts, new double[][] {jitter}, new String[] {"jitter"}, markers, -1);
        chart(id + "-rtt", "Round-trip time (ms)", ts, new double[][] {rtt}, new String[] {"RTT"}, markers, -1);
        chart(id + "-level", "Received audio level (0-1)", ts, new double[][] {level}, new String[] {"level"}, markers, 1);
        chart(id + "-mos", "Estimated MOS per interval (1-4.5, outages count as lost packets)", ts, new double[][] {mos},
                new String[] {"MOS"}, markers, 4.5);
        this.spans = List.of();
        h.append("</div>");
        if (!spans.isEmpty()) {
            h.append("<p class=\"outages\">Outages (shaded on every chart; red: 1 s or more, a media failure): ");
            for (int i = 0; i < spans.size(); i++) {
                Span sp = spans.get(i);
                h.append(i == 0 ? "" : "; ").append("<span class=\"").append(sp.failing() ? "bad" : "warn").append("\">")
                        .append(String.format(Locale.ROOT, "%.2f-%.2f s ", sp.t0(), sp.t1())).append(esc(sp.label())).append("</span>");
            }
            h.append("</p>");
        }
        if (presence != null) {
            h.append("<p class=\"presence\">").append(esc(HumanFormat.presence(presenceEvent(presence)))).append("</p>");
        }
        if (!markers.isEmpty()) {
            h.append("<p class=\"markers\">Markers: ");
            for (int i = 0; i < markers.size(); i++) {
                h.append(i == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%.2f s ", markers.get(i).t())).append(esc(markers.get(i).label()));
            }
            h.append("</p>");
        }
        h.append("</section>\n");
    }

    /** The outage spans the charts being drawn shade (set around one call's charts). */
    List<Span> spans = List.of();

    /** A media.presence line back into its record, to word it as the timeline does. */
    static dialtone.event.MediaEvent.Presence presenceEvent(JsonNode p) {
        return new dialtone.event.MediaEvent.Presence(null, null, p.path("expectedPerSecondIn").asDouble(-1),
                p.path("expectedPerSecondOut").asDouble(-1), p.path("receivedPct").asDouble(-1), p.path("sentPct").asDouble(-1),
                p.path("worstSecondReceivedPct").asDouble(-1), p.path("worstSecondSentPct").asDouble(-1),
                p.path("secondsJudged").asInt(), p.path("packetsExpected").asLong(-1), p.path("packetsMissing").asLong(),
                p.path("outages").asInt(), p.path("outageMs").asLong(), p.path("longestOutageMs").asLong(),
                p.hasNonNull("notJudged") ? p.path("notJudged").asText() : null, p.path("passed").asBoolean(true));
    }

    static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

    /** A line chart: each series one polyline per unbroken run of measured values (-1 is "not measured"). */
    void chart(String id, String title, double[] ts, double[][] series, String[] names, List<Marker> markers,
                       double fixedMax) {
        int w = 460;
        int hh = 170;
        int l = 46;
        int r = 10;
        int t = 24;
        int b = 26;
        double t0 = ts[0];
        double t1 = Math.max(ts[ts.length - 1], t0 + 1);
        for (Marker m : markers) {
            t1 = Math.max(t1, m.t());
            t0 = Math.min(t0, m.t());
        }
        for (Span sp : spans) {
            t1 = Math.max(t1, sp.t1());
        }
        double max = fixedMax;
        if (max <= 0) {
            max = 0;
            for (double[] s : series) {
                for (double v : s) {
                    max = Math.max(max, v);
                }
            }
            max = nice(max);
        }
        final double tMin = t0;
        final double tMax = t1;
        final double yMax = max;
        java.util.function.DoubleUnaryOperator x = v -> l + (v - tMin) / (tMax - tMin) * (w - l - r);
        java.util.function.DoubleUnaryOperator y = v -> t + (1 - Math.min(v, yMax) / yMax) * (hh - t - b);
        int measured = 0;
        for (double v : series[0]) {
            measured += v >= 0 ? 1 : 0;
        }
        h.append("<figure class=\"chart\" id=\"").append(id).append("\"><svg width=\"").append(w).append("\" height=\"").append(hh)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(hh).append("\" role=\"img\" aria-label=\"").append(esc(title))
                .append("\"><text x=\"").append(l).append("\" y=\"14\" class=\"title\">").append(esc(title)).append("</text>");
        for (int k = 0; k <= 4; k++) {
            double v = yMax * k / 4;
            double yy = y.applyAsDouble(v);
            h.append("<line class=\"grid\" x1=\"").append(l).append("\" x2=\"").append(w - r).append("\" y1=\"").append(f(yy))
                    .append("\" y2=\"").append(f(yy)).append("\"/><text class=\"axis\" x=\"").append(l - 4).append("\" y=\"")
                    .append(f(yy + 3)).append("\" text-anchor=\"end\">").append(num(v)).append("</text>");
        }
        for (int k = 0; k <= 4; k++) {
            double v = tMin + (tMax - tMin) * k / 4;
            h.append("<text class=\"axis\" x=\"").append(f(x.applyAsDouble(v))).append("\" y=\"").append(hh - 8)
                    .append("\" text-anchor=\"middle\">").append(num(v)).append(" s</text>");
        }
        for (Span sp : spans) {
            double x0 = x.applyAsDouble(Math.max(tMin, sp.t0()));
            double x1 = x.applyAsDouble(Math.min(tMax, sp.t1()));
            h.append("<rect class=\"outage").append(sp.failing() ? " failing" : "").append("\" x=\"").append(f(x0)).append("\" y=\"")
                    .append(t).append("\" width=\"").append(f(Math.max(1, x1 - x0))).append("\" height=\"").append(hh - t - b)
                    .append("\"><title>").append(esc(sp.label())).append("</title></rect>");
        }
        for (Marker m : markers) {
            double xx = x.applyAsDouble(m.t());
            h.append("<line class=\"marker\" x1=\"").append(f(xx)).append("\" x2=\"").append(f(xx)).append("\" y1=\"").append(t)
                    .append("\" y2=\"").append(hh - b).append("\"><title>").append(esc(m.label())).append(String.format(Locale.ROOT, " at %.2f s", m.t()))
                    .append("</title></line>");
        }
        for (int s = 0; s < series.length; s++) {
            StringBuilder pts = new StringBuilder();
            int count = 0;
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < ts.length; i++) {
                double v = series[s][i];
                if (v < 0 || Double.isNaN(v)) {
                    if (pts.length() > 0) {
                        runs.add(pts.toString());
                        pts.setLength(0);
                    }
                    continue;
                }
                count++;
                pts.append(pts.length() == 0 ? "" : " ").append(f(x.applyAsDouble(ts[i]))).append(',').append(f(y.applyAsDouble(v)));
            }
            if (pts.length() > 0) {
                runs.add(pts.toString());
            }
            h.append("<g class=\"series\" data-name=\"").append(esc(names[s])).append("\" data-points=\"").append(count).append("\">");
            for (String run : runs) {
                String[] p = run.split(" ");
                if (p.length == 1) {
                    String[] xy = p[0].split(",");
                    h.append("<circle class=\"pt\" cx=\"").append(xy[0]).append("\" cy=\"").append(xy[1]).append("\" r=\"2\" fill=\"")
                            .append(COLORS[s % COLORS.length]).append("\"/>");
                } else {
                    h.append("<polyline fill=\"none\" stroke=\"").append(COLORS[s % COLORS.length]).append("\" points=\"").append(run).append("\"/>");
                }
            }
            h.append("</g>");
        }
        h.append("</svg><figcaption>");
        for (int s = 0; s < series.length; s++) {
            h.append("<span style=\"color:").append(COLORS[s % COLORS.length]).append("\">■ ").append(esc(names[s])).append("</span> ");
        }
        if (measured == 0) {
            h.append("not measured");
        }
        h.append("</figcaption></figure>");
    }

    static double nice(double max) {
        if (max <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(max)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (max <= m * p) {
                return m * p;
            }
        }
        return 10 * p;
    }

    // ---- recording --------------------------------------------------------------------------------------------

    void recording(RecordingView v) {
        h.append("<section class=\"recording\"><h2>Recording: ").append(esc(v.path())).append("</h2>");
        if (v.error() != null) {
            h.append("<p class=\"bad\">Could not read it: ").append(esc(v.error())).append("</p></section>\n");
            return;
        }
        h.append("<p>").append(String.format(Locale.ROOT, "%.2f s at %d Hz", v.seconds(), v.rate())).append("</p>");
        int w = 600;
        int hh = 120;
        StringBuilder d = new StringBuilder();
        for (int c = 0; c < v.min().length; c++) {
            double x = c * (double) w / v.min().length;
            d.append('M').append(f(x)).append(',').append(f(hh / 2.0 - v.max()[c] * (hh / 2.0 - 2)))
                    .append('V').append(f(hh / 2.0 - v.min()[c] * (hh / 2.0 - 2)));
        }
        h.append("<figure><svg class=\"waveform\" width=\"").append(w).append("\" height=\"").append(hh).append("\" viewBox=\"0 0 ")
                .append(w).append(' ').append(hh).append("\" role=\"img\" aria-label=\"waveform\"><line class=\"grid\" x1=\"0\" x2=\"").append(w)
                .append("\" y1=\"").append(hh / 2).append("\" y2=\"").append(hh / 2).append("\"/><path d=\"").append(d)
                .append("\" stroke=\"#1f77b4\" stroke-width=\"1\"/></svg><figcaption>waveform</figcaption></figure>");
        if (v.spectrogramPng() != null) {
            h.append("<figure><img class=\"spectrogram\" alt=\"spectrogram\" width=\"").append(w).append("\" height=\"").append(v.specHeight() * 2)
                    .append("\" src=\"").append(dataRef("data:image/png;base64," + v.spectrogramPng())).append("\"><figcaption>spectrogram, 0 to ")
                    .append(num(v.maxHz())).append(" Hz (bottom to top), ").append(String.format(Locale.ROOT, "%.1f s", v.seconds()))
                    .append(" left to right</figcaption></figure>");
        }
        if (v.wavBase64() != null) {
            h.append("<audio controls src=\"").append(dataRef("data:audio/wav;base64," + v.wavBase64())).append("\"></audio>");
        }
        h.append("</section>\n");
    }
}
