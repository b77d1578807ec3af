package dialtone.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/**
 * SIP messages on the wire. {@code raw} is the message text with credentials already masked by the sender of
 * the event; reporters mask again at the edge. {@code summary} is the start line.
 */
public sealed interface SipEvent extends Event {
    @JsonTypeName("sip.sent")
    record Sent(Instant at, String scenario, String summary, String raw) implements SipEvent {}

    @JsonTypeName("sip.received")
    record Received(Instant at, String scenario, String summary, String raw) implements SipEvent {}

    /** An inbound message that did not parse; it was dropped. */
    @JsonTypeName("sip.unparseable")
    record Unparseable(Instant at, String scenario, String error, int bytes) implements SipEvent {}

    /** An inbound request dialtone answered on its own (OPTIONS, an unexpected INVITE, ...). */
    @JsonTypeName("sip.answered")
    record Answered(Instant at, String scenario, String method, int status, String reason) implements SipEvent {}
}
