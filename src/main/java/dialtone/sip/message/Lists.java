package dialtone.sip.message;

import java.util.ArrayList;
import java.util.List;

/** Splits header values on separators that are outside quoted strings and angle brackets. */
public final class Lists {
    private Lists() {
    }

    /** Top-level comma split; elements trimmed; empty elements kept (so callers can reject {@code ,,}). */
    public static List<String> split(String value) {
        return split(value, ',');
    }

    public static List<String> split(String value, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean escaped = false;
        int angle = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                cur.append(c);
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            if (c == '"') {
                quoted = true;
            } else if (c == '<') {
                angle++;
            } else if (c == '>' && angle > 0) {
                angle--;
            } else if (c == sep && angle == 0) {
                out.add(cur.toString().trim());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        out.add(cur.toString().trim());
        return out;
    }
}
