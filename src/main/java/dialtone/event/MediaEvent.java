package dialtone.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/** ICE, DTLS and the audio stream of a call. State names are the W3C wire strings. */
public sealed interface MediaEvent extends Event {
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

    @JsonTypeName("media.recording-saved")
    record RecordingSaved(Instant at, String scenario, String path, double seconds, int sampleRate, int channels)
            implements MediaEvent {}
}
