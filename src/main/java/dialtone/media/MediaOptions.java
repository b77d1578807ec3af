package dialtone.media;

import dialtone.config.IceServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to set up the media of one call.
 *
 * @param iceBind    rewrite host candidates to this address (sockets bound to the wildcard), or null
 * @param minPort    UDP port range start, 0 = any
 * @param record     where to write the received audio, or null
 * @param toneFreqs  frequencies the analyser watches (for --expect-tone)
 * @param gathering  how long to wait for ICE gathering before sending the SDP anyway
 */
public record MediaOptions(List<IceServer> iceServers, boolean relayOnly, String iceBind, int minPort, int maxPort,
                           boolean noUdp, boolean noTcp, AudioSource source, Path record, double[] toneFreqs,
                           Duration gathering) {
}
