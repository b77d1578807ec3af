package dialtone.engine;

import dialtone.event.MediaStats;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code --assert} on the final figures: {@code mos>=4.0}, {@code loss<1%}, {@code rtt<150ms},
 * {@code jitter<30ms}, {@code setup<3s}, {@code bitrate>20} (kbit/s in), {@code packets>100} (received).
 */
public record Check(String text, String metric, String op, double value) {
    private static final Pattern P = Pattern.compile("\\s*([a-z]+(?:-[a-z]+)?)\\s*(<=|>=|<|>|==|=)\\s*([0-9.]+)\\s*(%|ms|s|kbps)?\\s*");

    public static Check parse(String text) {
        Matcher m = P.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not METRIC OP VALUE (e.g. mos>=4.0, loss<1%, rtt<150ms)");
        }
        String metric = m.group(1);
        if (!java.util.Set.of("mos", "loss", "rtt", "jitter", "setup", "bitrate", "packets").contains(metric)
                && !SPEECH.contains(metric)) {
            throw new IllegalArgumentException("unknown metric '" + metric + "' in '" + text
                    + "' (mos, loss, rtt, jitter, setup, bitrate, packets, latency, greeting, dead-air, overrun)");
        }
        double v = Double.parseDouble(m.group(3));
        String unit = m.group(4);
        if ("s".equals(unit)) {
            v *= 1000;
        }
        if ((metric.equals("setup") || SPEECH.contains(metric)) && unit == null) {
            v *= 1000;
        }
        if (SPEECH.contains(metric) && "%".equals(unit) || SPEECH.contains(metric) && "kbps".equals(unit)) {
            throw new IllegalArgumentException("'" + text + "': " + metric + " is a time (ms or s)");
        }
        return new Check(text.trim(), metric, m.group(2).equals("=") ? "==" : m.group(2), v);
    }

    /** The measured value in the metric's unit (ms for times, percent for loss), or NaN if unknown. */
    public double measure(MediaStats s, long setupMs, double mos) {
        return switch (metric) {
            case "mos" -> mos < 0 ? Double.NaN : mos;
            case "setup" -> setupMs;
            case "loss" -> s == null || s.packetsReceived() < 0 ? Double.NaN
                    : 100.0 * Math.max(0, s.packetsLost()) / Math.max(1, s.packetsReceived() + Math.max(0, s.packetsLost()));
            case "rtt" -> s == null || s.rttMs() < 0 ? Double.NaN : s.rttMs();
            case "jitter" -> s == null || s.jitterMs() < 0 ? Double.NaN : s.jitterMs();
            case "bitrate" -> s == null || s.bitrateInKbps() < 0 ? Double.NaN : s.bitrateInKbps();
            case "packets" -> s == null ? Double.NaN : s.packetsReceived();
            default -> Double.NaN;
        };
    }

    /**
     * The conversation metrics ({@code latency}: the largest response latency; {@code greeting}: answer to the first
     * far-end speech; {@code dead-air}: the longest silence; {@code overrun}: the largest barge-in overrun), in ms.
     */
    static final java.util.Set<String> SPEECH = java.util.Set.of("latency", "greeting", "dead-air", "overrun");

    public boolean speech() {
        return SPEECH.contains(metric);
    }

    /** A conversation metric from the call's summary, or NaN when it was not measured. */
    public double measure(dialtone.event.SpeechEvent.Summary s) {
        if (s == null) {
            return Double.NaN;
        }
        Long v = switch (metric) {
            case "latency" -> s.latencyMaxMs();
            case "greeting" -> s.greetingMs();
            case "dead-air" -> s.longestDeadAirMs();
            case "overrun" -> s.overrunMaxMs();
            default -> null;
        };
        return v == null ? Double.NaN : v;
    }

    public boolean holds(double measured) {
        if (Double.isNaN(measured)) {
            return false;
        }
        return switch (op) {
            case "<" -> measured < value;
            case "<=" -> measured <= value;
            case ">" -> measured > value;
            case ">=" -> measured >= value;
            default -> Math.abs(measured - value) < 1e-9;
        };
    }

    /**
     * An estimated MOS from the simplified ITU-T G.107 E-model: effective latency = RTT/2 + 2 x jitter + 10 ms,
     * R = 93.2 - delay impairment - 2.5 x loss%, MOS = 1 + 0.035 R + 7e-6 R (R - 60)(100 - R).
     */
    public static double mos(MediaStats s) {
        return s == null ? -1 : MediaStats.mos(s.rttMs(), s.jitterMs(), s.packetsLost(), s.packetsReceived());
    }

    /**
     * The MOS counting what did not come: the packets the far end's packet time makes that never arrived (a far end
     * that paused sends no sequence-number gap, so "lost" alone cannot see it; outages count as missing packets) count
     * as lost when they are more than the lost ones.
     */
    public static double mos(MediaStats s, dialtone.media.MediaPresence.Figures f) {
        if (s == null) {
            return -1;
        }
        long lost = Math.max(s.packetsLost(), f == null ? 0 : f.packetsMissing());
        return MediaStats.mos(s.rttMs(), s.jitterMs(), lost, s.packetsReceived());
    }
}
