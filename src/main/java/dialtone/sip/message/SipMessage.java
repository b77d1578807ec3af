package dialtone.sip.message;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A SIP request or response: immutable, with the body as octets (RFC 3261 §7). */
public sealed interface SipMessage permits SipRequest, SipResponse {
    Headers headers();

    byte[] body();

    default Optional<String> header(String name) {
        return headers().first(name);
    }

    default String callId() {
        return headers().first("Call-ID").orElse("");
    }

    /** Parsed CSeq; the parser has already validated it when present. */
    default Optional<CSeq> cseq() {
        return headers().first("CSeq").flatMap(v -> {
            try {
                return Optional.of(CSeq.parse(v));
            } catch (SyntaxError e) {
                return Optional.empty();
            }
        });
    }

    default Optional<NameAddr> from() {
        return nameAddr("From");
    }

    default Optional<NameAddr> to() {
        return nameAddr("To");
    }

    default Optional<NameAddr> nameAddr(String header) {
        return headers().first(header).flatMap(v -> {
            try {
                return Optional.of(NameAddr.parse(v));
            } catch (SyntaxError e) {
                return Optional.empty();
            }
        });
    }

    default Optional<Via> topVia() {
        return headers().values("Via").stream().findFirst().flatMap(v -> {
            try {
                return Optional.of(Via.parse(v));
            } catch (SyntaxError e) {
                return Optional.empty();
            }
        });
    }

    default String bodyText() {
        return new String(body(), StandardCharsets.UTF_8);
    }

    /** The start line, e.g. {@code INVITE sip:x@y SIP/2.0} or {@code SIP/2.0 200 OK}. */
    String startLine();
}
