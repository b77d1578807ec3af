package dialtone.event;

/**
 * One stats sample of the audio stream, W3C webrtc-stats names. Values that were not reported are -1.
 *
 * @param bitrateInKbps  received audio bitrate over the last interval
 * @param bitrateOutKbps sent audio bitrate over the last interval
 * @param jitterMs       inbound-rtp jitter
 * @param rttMs          remote-inbound-rtp roundTripTime, else candidate-pair currentRoundTripTime
 * @param audioLevel     received audio level, 0..1 (dialtone's own RMS measure of the decoded audio)
 */
public record MediaStats(long packetsReceived, long packetsLost, long packetsSent, long bytesReceived, long bytesSent,
                         double bitrateInKbps, double bitrateOutKbps, double jitterMs, double rttMs,
                         double audioLevel, String codec) {
    /**
     * An estimated MOS (1 to 4.5, two decimals) from the simplified ITU-T G.107 E-model: one-way delay from the
     * round-trip time and jitter, and the loss ratio; -1 when nothing was received (a score of 1.0 would claim a
     * measurement). Used for the call's summary and, over each stats interval, for the report's MOS chart.
     */
    public static double mos(double rttMs, double jitterMs, long lost, long received) {
        if (received <= 0) {
            return -1;
        }
        double latency = Math.max(0, rttMs) / 2 + 2 * Math.max(0, jitterMs) + 10;
        double r = 93.2 - (latency < 160 ? latency / 40 : (latency - 120) / 10);
        double loss = 100.0 * Math.max(0, lost) / Math.max(1, received + Math.max(0, lost));
        r -= 2.5 * loss;
        r = Math.max(0, Math.min(100, r));
        double mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
        return Math.round(Math.max(1, Math.min(4.5, mos)) * 100) / 100.0;
    }
}
