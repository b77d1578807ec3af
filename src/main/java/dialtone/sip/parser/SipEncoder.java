package dialtone.sip.parser;

import dialtone.sip.message.Grammar;
import dialtone.sip.message.Header;
import dialtone.sip.message.SipMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a message as octets: start line, header fields (Content-Length computed in octets), CRLF, body.
 *
 * <p>The last line of defence against header injection: whoever built the message (a config field, a flag, a script
 * line, a value echoed from the server), a start line or header value that contains CR, LF or NUL, or a header name
 * that is not a token, is refused with {@link UnsafeMessageException} instead of being written. Nothing can add a
 * line to a message this encoder writes.
 */
public final class SipEncoder {
    private SipEncoder() {
    }

    /** A message that would not serialise to what its parts say (an injected line); names the part, never its value. */
    public static final class UnsafeMessageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnsafeMessageException(String what) {
            super("refused to send a SIP message: " + what + " contains CR, LF or NUL");
        }

        UnsafeMessageException(String what, boolean name) {
            super("refused to send a SIP message: the header name " + what + " is not a token");
        }
    }

    public static byte[] encode(SipMessage m) {
        StringBuilder sb = new StringBuilder(512);
        String start = m.startLine();
        if (!lineSafe(start)) {
            throw new UnsafeMessageException("the start line");
        }
        sb.append(start).append("\r\n");
        for (Header h : m.headers().asList()) {
            if (h.name().equals("Content-Length")) {
                continue;
            }
            if (!Grammar.isToken(h.name())) {
                throw new UnsafeMessageException(safeName(h.name()), true);
            }
            if (!lineSafe(h.value())) {
                throw new UnsafeMessageException("the " + h.name() + " header");
            }
            sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        sb.append("Content-Length: ").append(m.body().length).append("\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(sb.length() + m.body().length);
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        out.write(head, 0, head.length);
        out.write(m.body(), 0, m.body().length);
        return out.toByteArray();
    }

    public static String encodeText(SipMessage m) {
        return new String(encode(m), StandardCharsets.UTF_8);
    }

    /** True when the text can stand on one line of a message: no CR, LF or NUL. */
    public static boolean lineSafe(String s) {
        if (s == null) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return false;
            }
        }
        return true;
    }

    private static String safeName(String name) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < name.length() && i < 40; i++) {
            char c = name.charAt(i);
            sb.append(Grammar.isTokenChar(c) ? c : '?');
        }
        return sb.append('"').toString();
    }
}
