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

    /** The call's final figures. */
    @JsonTypeName("call.summary")
    record Summary(Instant at, String scenario, long setupMs, long talkMs, double mos, MediaStats stats)
            implements CallEvent {}
}
