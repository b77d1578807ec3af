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
}
