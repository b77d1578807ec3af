package dialtone.event;

/**
 * The layer a failure belongs to. Each layer has its own exit code (see {@code dialtone.cli.ExitCodes}),
 * so a CI job can tell "the firewall blocked TURN" from "the bot rejected the call" without parsing output.
 */
public enum Layer {
    /** Endpoint configuration: fetch, TLS to the config server, HTTP status, JSON, validation, local setup. */
    CONFIG,
    /** TLS and WebSocket to the SIP server. */
    TRANSPORT,
    /** REGISTER and digest authentication. */
    REGISTRATION,
    /** INVITE rejected, unanswered or timed out. */
    CALL,
    /** ICE or DTLS. */
    MEDIA,
    /** Audio content and user assertions. */
    AUDIO,
    /** A network probe check. */
    PROBE,
    /**
     * dialtone itself could not keep up (its audio frames late or skipped: its CPU, or a machine too busy): no verdict
     * on the far end can be trusted for that time.
     */
    OVERLOAD,
    /** A bug in dialtone. */
    INTERNAL
}
