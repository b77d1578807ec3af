package dialtone.event;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;

/** Fetching and validating the endpoint configuration (what the SDK's connect() does before SIP). */
public sealed interface ConfigEvent extends Event {
    /** A GET is about to be sent; {@code url} is already redacted. */
    @JsonTypeName("config.fetching")
    record Fetching(Instant at, String scenario, String url) implements ConfigEvent {}

    /** The TLS handshake with the config server completed. */
    @JsonTypeName("config.tls")
    record TlsEstablished(Instant at, String scenario, TlsFacts tls) implements ConfigEvent {}

    /** A response arrived. */
    @JsonTypeName("config.fetched")
    record Fetched(Instant at, String scenario, int status, String contentType, int bytes, HttpTiming timing)
            implements ConfigEvent {}

    /** The configuration is valid; these are the facts dialtone will use. */
    @JsonTypeName("config.resolved")
    record Resolved(Instant at, String scenario, ConfigSummary config) implements ConfigEvent {}

    /** Fetching or validating failed. */
    @JsonTypeName("config.failed")
    record Failed(Instant at, String scenario, Failure failure) implements ConfigEvent {}
}
