package dialtone.config;

import dialtone.support.Secret;
import java.util.List;
import java.util.Objects;

/**
 * An ICE server as a call uses it: its {@link IceUrl}, and for a TURN server the username and credential (a
 * {@link Secret}); {@code tlsInsecure} skips the certificate check of a turns: server (libwebrtc checks against its
 * own roots and cannot take a private CA). {@link #toString()} never shows the credential.
 */
public record IceServer(IceUrl url, String username, Secret credential, boolean tlsInsecure) {
    public IceServer {
        Objects.requireNonNull(url, "url");
    }

    /** The URLs as RTCIceServer takes them: this server's one canonical URL. */
    public List<String> urls() {
        return List.of(url.canonical());
    }

    @Override
    public String toString() {
        return "IceServer[" + url + (username == null ? "" : ", user " + username)
                + (credential == null ? "" : ", credential ***") + (tlsInsecure ? ", tls-insecure" : "") + "]";
    }
}
