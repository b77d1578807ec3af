package dialtone.cli;

import dialtone.event.Layer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one exit-code table. Each failing layer has its own code; SIP status codes never become exit codes (they
 * are truncated to 8 bits and collide), they go in the output. Printed by {@code --help} and copied in README.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int USAGE = 2;
    public static final int CONFIG = 3;
    public static final int TRANSPORT = 4;
    public static final int REGISTRATION = 5;
    public static final int CALL = 6;
    public static final int MEDIA = 7;
    public static final int AUDIO = 8;
    public static final int PROBE = 9;
    public static final int OVERLOADED = 10;
    public static final int INTERNAL = 70;
    public static final int INTERRUPTED = 130;
    public static final int TERMINATED = 143;

    private ExitCodes() {
    }

    public static int of(Layer layer) {
        return switch (layer) {
            case CONFIG -> CONFIG;
            case TRANSPORT -> TRANSPORT;
            case REGISTRATION -> REGISTRATION;
            case CALL -> CALL;
            case MEDIA -> MEDIA;
            case AUDIO -> AUDIO;
            case PROBE -> PROBE;
            case OVERLOAD -> OVERLOADED;
            case INTERNAL -> INTERNAL;
        };
    }

    /** code → description, in the order shown by --help. */
    public static Map<String, String> table() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Integer.toString(OK), "success: every check passed");
        m.put(Integer.toString(USAGE), "usage: unknown or invalid flags or arguments");
        m.put(Integer.toString(CONFIG), "configuration: endpoint fetch (DNS, TCP, TLS, HTTP), JSON, validation, inactive widget, local files");
        m.put(Integer.toString(TRANSPORT), "transport: TLS or WebSocket to the SIP server failed or was lost");
        m.put(Integer.toString(REGISTRATION), "registration: REGISTER rejected, digest authentication failed, no answer");
        m.put(Integer.toString(CALL), "call setup: INVITE rejected (4xx-6xx), unanswered, timed out or cancelled");
        m.put(Integer.toString(MEDIA), "media path: ICE or DTLS failed");
        m.put(Integer.toString(AUDIO), "audio: no media, expected audio or tone missing, an --assert failed");
        m.put(Integer.toString(PROBE), "probe: a network check failed");
        m.put(Integer.toString(OVERLOADED), "dialtone overloaded: its own audio frames were late or skipped (CPU), "
                + "so the calls' results say nothing about the far end");
        m.put(Integer.toString(INTERNAL), "internal error: a bug in dialtone (details with -v)");
        m.put(Integer.toString(INTERRUPTED), "interrupted by Ctrl-C (SIGINT) before the run completed");
        m.put(Integer.toString(TERMINATED), "stopped by SIGTERM before the run completed");
        return m;
    }
}
