package dialtone.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * ICE, DTLS and the audio stream of a call. State names are the W3C wire strings. The permits clause keeps the
 * declaration order (docs/events.md's): without it javac lists the records in the order it completes them, which a
 * reference from another class can change.
 */
public sealed interface MediaEvent extends Event permits MediaEvent.Gathering, MediaEvent.Candidate, MediaEvent.IceState,
        MediaEvent.ConnectionState, MediaEvent.SelectedPair, MediaEvent.Dtls, MediaEvent.FirstAudio, MediaEvent.Stats,
        MediaEvent.Outage, MediaEvent.Presence, MediaEvent.RecordingSaved {
    @JsonTypeName("media.gathering")
    record Gathering(Instant at, String scenario, String state) implements MediaEvent {}

    /** One local candidate, as offered in the SDP (after any --ice-bind rewrite). */
    @JsonTypeName("media.candidate")
    record Candidate(Instant at, String scenario, String candidateType, String protocol, String address, int port,
                     String relayProtocol) implements MediaEvent {}

    @JsonTypeName("media.ice-state")
    record IceState(Instant at, String scenario, String state) implements MediaEvent {}

    @JsonTypeName("media.connection-state")
    record ConnectionState(Instant at, String scenario, String state) implements MediaEvent {}

    /** The candidate pair ICE selected. */
    @JsonTypeName("media.selected-pair")
    record SelectedPair(Instant at, String scenario, String localType, String localProtocol, String localAddress,
                        String remoteType, String remoteAddress, String relayProtocol, double rttMs)
            implements MediaEvent {}

    /**
     * DTLS state, and once connected: TLS version, cipher suite, SRTP profile, role, and whether the remote
     * certificate's fingerprint matched the one in the SDP.
     */
    @JsonTypeName("media.dtls")
    record Dtls(Instant at, String scenario, String state, String role, String tlsVersion, String cipher,
                String srtpProfile, String remoteFingerprint, Boolean fingerprintMatches) implements MediaEvent {}

    /** The first decoded remote audio frame above the silence threshold. */
    @JsonTypeName("media.first-audio")
    record FirstAudio(Instant at, String scenario, long sinceAnswerMs) implements MediaEvent {}

    @JsonTypeName("media.stats")
    record Stats(Instant at, String scenario, MediaStats stats) implements MediaEvent {}

    /**
     * A span without the far end's media (no packets, silence where it had sent audio, ICE disconnected, relay lost),
     * published when it ends (or when the call ends inside it). {@code failing}: 1 s or longer, a media failure; shorter
     * spans are warnings.
     */
    @JsonTypeName("media.outage")
    record Outage(Instant at, String scenario, Instant start, Instant end, long lengthMs, String cause, boolean failing,
                  boolean untilEnd, long iceDisconnectedMs, String message) implements MediaEvent {}

    /**
     * The call's media presence at its end: the packets received and sent against what the packet time makes (over the
     * call, and in the worst second), and the outages. Percentages are -1 where a direction is not judged
     * ({@code notJudged} says why).
     */
    @JsonTypeName("media.presence")
    record Presence(Instant at, String scenario, double expectedPerSecondIn, double expectedPerSecondOut,
                    double receivedPct, double sentPct, double worstSecondReceivedPct, double worstSecondSentPct,
                    int secondsJudged, long packetsExpected, long packetsMissing, int outages, long outageMs,
                    long longestOutageMs, String notJudged, boolean passed) implements MediaEvent {}

    @JsonTypeName("media.recording-saved")
    record RecordingSaved(Instant at, String scenario, String path, double seconds, int sampleRate, int channels)
            implements MediaEvent {}
}
