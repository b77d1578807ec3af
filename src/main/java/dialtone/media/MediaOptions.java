package dialtone.media;

import dialtone.config.IceServer;
import dialtone.config.MediaSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to set up the media of one call: the media settings ({@link MediaSetup}, as the flags set them) and what this
 * call sends, records and listens for.
 *
 * @param record    where to write the received audio, or null
 * @param toneFreqs frequencies the analyser watches (for --expect-tone)
 */
public record MediaOptions(MediaSetup setup, AudioSource source, Path record, double[] toneFreqs) {
    /** How long ICE gathering may take before the offer goes anyway: host candidates only, else STUN/TURN too. */
    static final Duration GATHERING_HOST = Duration.ofSeconds(2);
    static final Duration GATHERING_SERVERS = Duration.ofSeconds(5);

    public List<IceServer> iceServers() {
        return setup.iceServers();
    }

    public boolean relayOnly() {
        return setup.relayOnly();
    }

    public String iceBind() {
        return setup.iceBind();
    }

    public int minPort() {
        return setup.minPort();
    }

    public int maxPort() {
        return setup.maxPort();
    }

    public boolean noUdp() {
        return setup.noUdp();
    }

    public boolean noTcp() {
        return setup.noTcp();
    }

    /** Whether a recording has two channels: left what the far end sent, right what this call sent. */
    public boolean recordStereo() {
        return setup.recordStereo();
    }

    /** How long to wait for ICE gathering before sending the SDP anyway. */
    public Duration gathering() {
        return setup.iceServers().isEmpty() ? GATHERING_HOST : GATHERING_SERVERS;
    }
}
