package dialtone.support;

/**
 * Makes text from untrusted sources (the config server, the SIP server, files, the user's own flags) safe to show on
 * a terminal and to put in an XML report: C0 and C1 control characters, DEL, bidirectional overrides and isolates,
 * line and paragraph separators, lone surrogates and the XML non-characters are written as visible escapes
 * ({@code \e}, {@code \r}, {@code \n}, {@code \t}, {@code \0}, {@code \\u202e}). Everything else, including
 * non-ASCII letters, is kept. A backslash is kept as it is: the escapes are for people, not for a parser.
 */
public final class Printable {
    private Printable() {
    }

    /** The text with every unsafe character escaped; null stays null. */
    public static String escape(String s) {
        if (s == null) {
            return null;
        }
        int n = s.length();
        int i = 0;
        while (i < n && safe(s, i)) {
            i++;
        }
        if (i == n) {
            return s;
        }
        StringBuilder sb = new StringBuilder(n + 16);
        sb.append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (safe(s, i)) {
                sb.append(c);
                continue;
            }
            switch (c) {
                case 0x1b -> sb.append("\\e");
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case 0 -> sb.append("\\0");
                default -> sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.toString();
    }

    /** True when the text needs no escaping. */
    public static boolean isClean(String s) {
        return s == null || escape(s) == s;
    }

    private static boolean safe(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
            return false;
        }
        if (c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x2028 || c == 0x2029 || c == 0xfffe || c == 0xffff) {
            return false;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        }
        return true;
    }
}
