package dialtone.engine;

import dialtone.config.IceServer;
import dialtone.media.MediaOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The media settings of every call the engine places or answers (call, load, register --answer, probe's ICE
 * loopback): the network side as the flags set it (ICE servers, relay only, interface, ports, protocols). It is the
 * only maker of the media layer's {@link MediaOptions}, which adds what one call plays, records and listens for.
 */
public record MediaSetup(List<IceServer> iceServers, boolean relayOnly, String iceBind, int minPort, int maxPort,
                         boolean noUdp, boolean noTcp) {
    /** How long ICE gathering may take before the offer goes anyway: host candidates only, else STUN/TURN too. */
    static final Duration GATHERING_HOST = Duration.ofSeconds(2);
    static final Duration GATHERING_SERVERS = Duration.ofSeconds(5);

    public MediaSetup {
        iceServers = List.copyOf(iceServers);
    }

    MediaOptions options(Play play, Path record, double[] toneFreqs) {
        return new MediaOptions(iceServers, relayOnly, iceBind, minPort, maxPort, noUdp, noTcp, play.source(), record,
                toneFreqs, iceServers.isEmpty() ? GATHERING_HOST : GATHERING_SERVERS);
    }
}
