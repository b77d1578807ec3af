package dialtone.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Durations as people type them: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, or a bare number of seconds; at
 * most a week. Zero is allowed here (an --answer-after of 0 answers at once, a --keepalive of 0 turns it off); a
 * timeout or a talk time takes {@link Positive}, which refuses it.
 */
public class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern P = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        Matcher m = P.matcher(value.trim());
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (examples: 500ms, 5s, 2m)");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double ms = switch (unit) {
            case "ms" -> n;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 1000;
        };
        if (ms > 7 * 24 * 3_600_000.0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is longer than a week");
        }
        return Duration.ofMillis(Math.round(ms));
    }

    /** A duration that must be more than zero: a timeout, a deadline, a talk time. */
    public static final class Positive extends DurationConverter {
        @Override
        public Duration convert(String value) {
            Duration d = parse(value);
            if (d.isZero()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is no time at all: give more than 0 (e.g. 500ms, 5s)");
            }
            return d;
        }
    }
}
