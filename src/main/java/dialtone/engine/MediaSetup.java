package dialtone.engine;

import dialtone.config.IceServer;
import dialtone.media.MediaOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The network side of media, as the flags set it (ICE servers, interfaces, ports). */
public record MediaSetup(List<IceServer> iceServers, boolean relayOnly, String iceBind, int minPort, int maxPort,
                         boolean noUdp, boolean noTcp) {

    MediaOptions options(Play play, Path record, double[] toneFreqs) {
        return new MediaOptions(iceServers, relayOnly, iceBind, minPort, maxPort, noUdp, noTcp, play.source(), record,
                toneFreqs, iceServers.isEmpty() ? Duration.ofSeconds(2) : Duration.ofSeconds(5));
    }
}
