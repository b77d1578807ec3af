package dialtone.event;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * Everything dialtone observes, as immutable records. Events flow one way: engine, SIP and media publish them on
 * the {@code EventBus}; reporters render them and never call back.
 *
 * <p>Every leaf carries a stable JSON name ({@code @JsonTypeName}); {@code EventTypes} registers them by walking
 * the permitted subclasses, and a test checks that every leaf has a unique name and a human rendering.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
public sealed interface Event
        permits RunEvent, ConfigEvent, TransportEvent, SipEvent, RegistrationEvent, CallEvent, MediaEvent, ProbeEvent,
                SpeechEvent {
    /** When it happened, from the injected clock. */
    Instant at();

    /** Correlation id of the scenario, e.g. {@code register#1}. */
    String scenario();
}
