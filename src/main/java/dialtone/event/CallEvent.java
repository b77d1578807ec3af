package dialtone.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/** An INVITE session (RFC 3261 §13), outbound or inbound, and the checks run on it. */
public sealed interface CallEvent extends Event {
    @JsonTypeName("call.dialing")
    record Dialing(Instant at, String scenario, String target, String codecs) implements CallEvent {}

    /** A provisional response (180 ringing, 183 session progress). */
    @JsonTypeName("call.progress")
    record Progress(Instant at, String scenario, int status, String reason, boolean earlyMedia) implements CallEvent {}

    @JsonTypeName("call.incoming")
    record Incoming(Instant at, String scenario, String from, String callId) implements CallEvent {}

    @JsonTypeName("call.answered")
    record Answered(Instant at, String scenario, long setupMs, String codec) implements CallEvent {}

    /** CANCEL sent (stopped or timed out while ringing). */
    @JsonTypeName("call.cancelling")
    record Cancelling(Instant at, String scenario, String why) implements CallEvent {}

    @JsonTypeName("call.ended")
    record Ended(Instant at, String scenario, Originator by, String reason, long talkMs) implements CallEvent {}

    @JsonTypeName("call.failed")
    record Failed(Instant at, String scenario, Failure failure) implements CallEvent {}

    /** One check (--expect-audio, --expect-tone, --assert): a JUnit test case of its own. */
    @JsonTypeName("call.check")
    record Check(Instant at, String scenario, String name, boolean passed, String detail) implements CallEvent {}

    /** DTMF sent: by SIP INFO (application/dtmf-relay) or RFC 4733 telephone-events. */
    @JsonTypeName("call.dtmf-sent")
    record DtmfSent(Instant at, String scenario, String digits, String mode) implements CallEvent {}

    /** A DTMF digit received: by INFO, or heard in the audio (RFC 4733 events are played out by the jitter buffer). */
    @JsonTypeName("call.dtmf-received")
    record DtmfReceived(Instant at, String scenario, String digit, String via) implements CallEvent {}

    /** A SIP INFO we sent (the SDK's sendInfo: application/json {"text", "data"}) and its answer. */
    @JsonTypeName("call.info-sent")
    record InfoSent(Instant at, String scenario, String contentType, String body, int status) implements CallEvent {}

    /** A SIP INFO from the far end (the SDK's infoReceived). */
    @JsonTypeName("call.info-received")
    record InfoReceived(Instant at, String scenario, String contentType, String body) implements CallEvent {}

    /** A transcript line carried by an INFO with {@code _transcription} (the SDK's transcription event). */
    @JsonTypeName("call.transcript")
    record Transcript(Instant at, String scenario, String originator, String text) implements CallEvent {}

    /** Our outgoing audio muted or unmuted. */
    @JsonTypeName("call.muted")
    record Muted(Instant at, String scenario, boolean muted) implements CallEvent {}

    /** The far end re-INVITEd or UPDATEd: {@code direction} is its SDP direction (sendonly/inactive = hold). */
    @JsonTypeName("call.refreshed")
    record Refreshed(Instant at, String scenario, String method, String direction, boolean hold) implements CallEvent {}

    /** One step of a --script or console command, and its outcome. */
    @JsonTypeName("call.step")
    record Step(Instant at, String scenario, int line, String command, boolean passed, String detail)
            implements CallEvent {}

    /** The call's final figures. */
    @JsonTypeName("call.summary")
    record Summary(Instant at, String scenario, long setupMs, long talkMs, double mos, MediaStats stats)
            implements CallEvent {}
}
