package dialtone.media;

import dialtone.support.Secret;
import java.util.List;

/** A STUN/TURN server as RTCIceServer takes it; the credential is a {@link Secret}. */
public record IceServer(List<String> urls, String username, Secret credential) {
}
