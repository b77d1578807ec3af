package dialtone.sip.message;

/** Character classes of the RFC 3261 grammar (§25.1). */
public final class Grammar {
    private Grammar() {
    }

    /** {@code token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")}. */
    public static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-.!%*_+`'~".indexOf(c) >= 0;
    }

    public static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    public static boolean isDigits(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Collapses linear white space (SP, HT) runs to nothing around a separator: {@code "a ; b"} → {@code "a;b"}. */
    public static String squeeze(String s, char sep) {
        StringBuilder sb = new StringBuilder();
        for (String part : Lists.split(s, sep)) {
            if (sb.length() > 0) {
                sb.append(sep);
            }
            sb.append(part);
        }
        return sb.toString();
    }

    public static boolean hasWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                return true;
            }
        }
        return false;
    }
}
