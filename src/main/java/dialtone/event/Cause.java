package dialtone.event;

/**
 * Why something failed. Merges JsSIP's causes ({@code JsSIP.C.causes}), the Click To Call SDK's end causes and
 * dialtone's own configuration, media and probe causes. The JSON form is the constant's name.
 */
public enum Cause {
    CONFIG_FETCH_FAILED,
    CONFIG_INVALID,
    WIDGET_INACTIVE,
    SETUP_FAILED,
    TLS_FAILED,
    CONNECTION_ERROR,
    REQUEST_TIMEOUT,
    AUTHENTICATION_ERROR,
    REGISTRATION_FAILED,
    BUSY,
    REJECTED,
    REDIRECTED,
    UNAVAILABLE,
    NOT_FOUND,
    ADDRESS_INCOMPLETE,
    INCOMPATIBLE_SDP,
    BAD_MEDIA_DESCRIPTION,
    DIALOG_ERROR,
    SIP_FAILURE_CODE,
    NO_ANSWER,
    CANCELED,
    ICE_FAILED,
    DTLS_FAILED,
    NO_MEDIA,
    /** The far end's media was missing for 1 s or more (no packets, silence, ICE disconnected, relay lost). */
    MEDIA_OUTAGE,
    /** Fewer packets sent or received than the packet time makes (under 95 % over the call, or 80 % in a second). */
    LOW_PACKET_RATE,
    ASSERTION_FAILED,
    STUN_TIMEOUT,
    TURN_REJECTED,
    OVERLOADED,
    INTERNAL_ERROR;

    /**
     * JsSIP's {@code SIP_ERROR_CAUSES} table (Constants.js): a final SIP status to a cause. Statuses that the table
     * does not name fall back to {@link #SIP_FAILURE_CODE}; 3xx to {@link #REDIRECTED}.
     */
    public static Cause fromStatus(int status) {
        switch (status) {
            case 486: case 600:
                return BUSY;
            case 403: case 603:
                return REJECTED;
            case 404: case 604:
                return NOT_FOUND;
            case 410: case 408: case 430: case 480:
                return UNAVAILABLE;
            case 484:
                return ADDRESS_INCOMPLETE;
            case 488: case 606:
                return INCOMPATIBLE_SDP;
            case 401: case 407:
                return AUTHENTICATION_ERROR;
            case 481:
                return DIALOG_ERROR;
            default:
                if (status >= 300 && status < 400) {
                    return REDIRECTED;
                }
                return SIP_FAILURE_CODE;
        }
    }
}
