package dialtone.sip.message;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Header parameters ({@code ;name=value}), names lower-cased, LWS around {@code =} allowed (RFC 3261 §25.1). */
public final class Params {
    private Params() {
    }

    /** Parses {@code ;a=1;b;c="x"}; text before the first {@code ;} must be empty. */
    public static Map<String, String> parse(String text) throws SyntaxError {
        String t = text.trim();
        if (t.isEmpty()) {
            return Map.of();
        }
        if (t.charAt(0) != ';') {
            throw new SyntaxError("unexpected text \"" + abbreviate(t) + "\" where parameters should be");
        }
        List<String> parts = Lists.split(t.substring(1), ';');
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : parts) {
            if (p.isEmpty()) {
                throw new SyntaxError("empty parameter (;;)");
            }
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).trim();
            String value = eq < 0 ? null : p.substring(eq + 1).trim();
            if (!Grammar.isToken(name)) {
                throw new SyntaxError("parameter name \"" + abbreviate(name) + "\" is not a token");
            }
            if (value != null) {
                if (value.isEmpty()) {
                    throw new SyntaxError("parameter " + name + " has an empty value");
                }
                if (value.startsWith("\"")) {
                    if (value.length() < 2 || !value.endsWith("\"")) {
                        throw new SyntaxError("unterminated quoted parameter value");
                    }
                } else if (Grammar.hasWhitespace(value)) {
                    throw new SyntaxError("parameter " + name + " has white space in its value");
                }
            }
            out.put(name.toLowerCase(Locale.ROOT), value);
        }
        return Collections.unmodifiableMap(out);
    }

    static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
