package dialtone.sip.parser;

import dialtone.sip.message.Header;
import dialtone.sip.message.SipMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes a message as octets: start line, header fields (Content-Length computed in octets), CRLF, body. */
public final class SipEncoder {
    private SipEncoder() {
    }

    public static byte[] encode(SipMessage m) {
        StringBuilder sb = new StringBuilder(512);
        sb.append(m.startLine()).append("\r\n");
        for (Header h : m.headers().asList()) {
            if (h.name().equals("Content-Length")) {
                continue;
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
}
