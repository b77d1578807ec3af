package dialtone.config;

/** How an endpoint is reached, as its endpoint configuration says. */
public enum Mode {
    /** Credentials, realm and applicationSid: REGISTER, then INVITE {@code app-<applicationSid>}. */
    LEGACY,
    /** endpointId and no realm/applicationSid: no REGISTER, INVITE the endpointId with {@code X-Endpoint-Id}. */
    RUNTIME,
    /** No endpoint: the facts come from flags, for any SIP-over-WebSocket server. */
    DIRECT;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
