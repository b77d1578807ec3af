package dialtone.media;

import dialtone.support.Secret;
import java.util.List;

/**
 * A STUN/TURN server as RTCIceServer takes it; the credential is a {@link Secret}. {@code tlsInsecure} skips the
 * certificate check of a turns: server (libwebrtc checks against its own roots and cannot take a private CA).
 */
public record IceServer(List<String> urls, String username, Secret credential, boolean tlsInsecure) {
    public IceServer(List<String> urls, String username, Secret credential) {
        this(urls, username, credential, false);
    }
}
