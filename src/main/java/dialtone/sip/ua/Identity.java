package dialtone.sip.ua;

import dialtone.sip.auth.DigestCredentials;
import dialtone.support.RandomTokens;
import java.util.UUID;

/**
 * Who this user agent is on the wire. {@code viaHost} is a random {@code .invalid} name (RFC 7118 §5.2: the
 * client cannot know its address), {@code instanceId} the RFC 5626 {@code +sip.instance}.
 *
 * @param credentials null when the endpoint needs none (runtime endpoints)
 */
public record Identity(String aor, String realm, DigestCredentials credentials, String userAgent, String viaHost,
                       String contactUser, String instanceId) {

    public static Identity of(String aor, String realm, DigestCredentials credentials, String userAgent) {
        return new Identity(aor, realm, credentials, userAgent, RandomTokens.lower(12) + ".invalid",
                RandomTokens.lower(8), "<urn:uuid:" + UUID.randomUUID() + ">");
    }

    /** The Contact URI (RFC 7118 §5.2: {@code ;transport=ws}, whether the socket is ws or wss). */
    public String contactUri() {
        return "sip:" + contactUser + "@" + viaHost + ";transport=ws";
    }
}
