package dialtone.config;

import java.util.List;

/**
 * The media settings of every call the engine places or answers (call, load, register --answer, probe's ICE
 * loopback), as the flags set them: ICE servers, relay only, the interface host candidates name, the port range, the
 * protocols. The media layer's options carry it whole, beside what one call plays, records and listens for.
 *
 * @param iceBind rewrite host candidates to this address (sockets bound to the wildcard), or null
 * @param minPort UDP port range start, 0 = any
 * @param recordStereo recordings in two channels: left what the far end sent, right what dialtone sent
 */
public record MediaSetup(List<IceServer> iceServers, boolean relayOnly, String iceBind, int minPort, int maxPort,
                         boolean noUdp, boolean noTcp, boolean recordStereo) {
    public MediaSetup {
        iceServers = List.copyOf(iceServers);
    }
}
