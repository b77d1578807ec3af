package dialtone.engine;

/** WebSocket close codes (RFC 6455 §7.4.1) as people read them. */
final class CloseReasons {
    private CloseReasons() {
    }

    static String describe(int code, String reason) {
        String r = reason == null ? "" : reason.strip();
        String base = "closed " + code + (r.isEmpty() ? "" : " " + r);
        if (code == 1009 || r.toLowerCase(java.util.Locale.ROOT).contains("buffer overflow")) {
            return base + ": a message larger than 256 KiB arrived";
        }
        if (code == 1006) {
            return base + ": the connection dropped without a close frame";
        }
        if (code == 1002 || code == 1007) {
            return base + ": protocol error";
        }
        return base;
    }
}
