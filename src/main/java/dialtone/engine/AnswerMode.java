package dialtone.engine;

import java.time.Duration;
import java.util.Locale;

/**
 * How {@code register --answer} treats an inbound call: {@code echo}, {@code tone:HZ}, {@code play:FILE.wav},
 * {@code silence}, {@code reject:CODE}, or {@code ring} (180, never answered).
 */
public record AnswerMode(String kind, Play play, int rejectStatus, Duration after) {
    public static AnswerMode parse(String spec, Duration after) {
        String s = spec.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("ring")) {
            return new AnswerMode("ring", null, 0, after);
        }
        if (lower.startsWith("reject:") || lower.equals("reject")) {
            int code = 486;
            if (lower.startsWith("reject:")) {
                try {
                    code = Integer.parseInt(s.substring(7));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + spec + "' is not reject:CODE (e.g. reject:486)");
                }
            }
            if (code < 300 || code > 699) {
                throw new IllegalArgumentException("reject:CODE needs a final failure status, 300-699 (got " + code + ")");
            }
            return new AnswerMode("reject", null, code, after);
        }
        if (lower.startsWith("play:")) {
            return new AnswerMode("answer", Play.parse(s.substring(5), false), 0, after);
        }
        return new AnswerMode("answer", Play.parse(s, false), 0, after);
    }

    static String reason(int status) {
        return switch (status) {
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 480 -> "Temporarily Unavailable";
            case 486 -> "Busy Here";
            case 488 -> "Not Acceptable Here";
            case 500 -> "Server Internal Error";
            case 503 -> "Service Unavailable";
            case 600 -> "Busy Everywhere";
            case 603 -> "Decline";
            default -> "Rejected";
        };
    }
}
