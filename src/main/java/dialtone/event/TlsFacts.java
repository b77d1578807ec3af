package dialtone.event;

import java.time.Instant;

/** What a TLS handshake established, as shown to the user. */
public record TlsFacts(String protocol, String cipherSuite, String subject, String issuer, Instant notAfter,
                       String subjectAltNames) {
}
