package dialtone.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/** REGISTER (RFC 3261 §10) and its outcomes. */
public sealed interface RegistrationEvent extends Event {
    @JsonTypeName("registration.sending")
    record Sending(Instant at, String scenario, String aor, int expires, boolean refresh) implements RegistrationEvent {}

    /** A 401/407 challenge that dialtone answers. */
    @JsonTypeName("registration.challenged")
    record Challenged(Instant at, String scenario, int status, String realm, String algorithm, boolean stale)
            implements RegistrationEvent {}

    @JsonTypeName("registration.registered")
    record Registered(Instant at, String scenario, String aor, int expires, int contacts, boolean refresh)
            implements RegistrationEvent {}

    @JsonTypeName("registration.unregistered")
    record Unregistered(Instant at, String scenario, String aor, int status) implements RegistrationEvent {}

    @JsonTypeName("registration.failed")
    record Failed(Instant at, String scenario, Failure failure) implements RegistrationEvent {}

    /** A runtime endpoint: the SDK does not register, nor does dialtone. */
    @JsonTypeName("registration.not-needed")
    record NotNeeded(Instant at, String scenario, String reason) implements RegistrationEvent {}
}
