package dialtone.config;

/**
 * The SIP grammar of each place a configuration field or flag ends up in (RFC 3261 §25.1): a URI user part, a host,
 * a header value, a digest quoted-string. A value that does not fit is refused before anything is sent, with a
 * message that names the field and the kind of character, never the value itself (it may be hostile or secret).
 */
public final class SipFields {
    static final int MAX_LENGTH = 256;

    private SipFields() {
    }

    /** {@code user = 1*( unreserved / escaped / user-unreserved )}; null when fine, else what is wrong. */
    public static String userPart(String v) {
        String base = common(v);
        if (base != null) {
            return base;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '%') {
                if (i + 2 >= v.length() || !hex(v.charAt(i + 1)) || !hex(v.charAt(i + 2))) {
                    return "has a % that is not followed by two hex digits";
                }
                i += 2;
            } else if (!(alnum(c) || "-_.!~*'()&=+$,;?/".indexOf(c) >= 0)) {
                return "contains " + describe(c) + ", which a SIP URI user part cannot carry unescaped";
            }
        }
        return null;
    }

    /** A host name, an IPv4 address or a bracketed IPv6 reference, with an optional :port; null when fine. */
    public static String host(String v) {
        String base = common(v);
        if (base != null) {
            return base;
        }
        int colon = v.lastIndexOf(':');
        if (colon > 0 && v.indexOf(':') == colon || (colon > 0 && v.startsWith("[") && v.charAt(colon - 1) == ']')) {
            String port = v.substring(colon + 1);
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                return "has a port that is not 1-65535";
            }
            v = v.substring(0, colon);
        }
        if (v.startsWith("[")) {
            if (!v.endsWith("]") || v.length() < 4) {
                return "is not a valid IPv6 reference";
            }
            for (int i = 1; i < v.length() - 1; i++) {
                char c = v.charAt(i);
                if (!(hex(c) || c == ':' || c == '.')) {
                    return "contains " + describe(c) + ", which an IPv6 reference cannot carry";
                }
            }
            return null;
        }
        for (String label : v.split("\\.", -1)) {
            if (label.isEmpty() && !v.endsWith(".")) {
                return "has an empty label";
            }
            if (label.length() > 63) {
                return "has a label longer than 63 characters";
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(alnum(c) || c == '-')) {
                    return "contains " + describe(c) + ", which a host name cannot carry";
                }
            }
        }
        return null;
    }

    /** Safe as a header field value: printable text, no control characters; null when fine. */
    public static String headerValue(String v) {
        return common(v);
    }

    /** Safe inside a digest quoted-string (the username): no quote or backslash either; null when fine. */
    public static String quoted(String v) {
        String base = common(v);
        if (base != null) {
            return base;
        }
        if (v.indexOf('"') >= 0 || v.indexOf('\\') >= 0) {
            return "contains a quote or a backslash";
        }
        return null;
    }

    private static String common(String v) {
        if (v == null || v.isEmpty()) {
            return "is empty";
        }
        if (v.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
                return "contains " + describe(c);
            }
        }
        if (!dialtone.support.Printable.isClean(v)) {
            return "contains a bidirectional-override or other invisible control character";
        }
        return null;
    }

    private static String describe(char c) {
        if (c == '\r' || c == '\n') {
            return "a line break (CR/LF)";
        }
        if (c == 0) {
            return "a NUL character";
        }
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
            return String.format("a control character (U+%04X)", (int) c);
        }
        if (c == ' ') {
            return "a space";
        }
        if (c < 0x7f) {
            return "'" + c + "'";
        }
        return String.format("a non-ASCII character (U+%04X)", (int) c);
    }

    private static boolean alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
