package dialtone.media;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.PortAllocatorConfig;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceConnectionState;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCIceTransportPolicy;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioOptions;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One audio call's WebRTC side: an RTCPeerConnection with one sendrecv audio transceiver fed by a
 * {@link CustomAudioSource}, the remote track's frames going to the analyser (and the recorder, and the echo).
 * Offers and answers are complete (ICE candidates gathered first, as JsSIP does for SIP), DTLS-SRTP only (libwebrtc
 * offers no SDES). Native objects are released in one place, in one order that works ({@link #close()}).
 */
public final class MediaSession {
    private final PeerFactory peers;
    private final MediaOptions options;
    private final MediaListener listener;
    private final RTCPeerConnection pc;
    private final CustomAudioSource source;
    private final boolean mic;
    private final AudioTrack track;
    private final RTCRtpSender sender;
    private final AudioAnalyzer analyzer;
    private final WavRecorder recorder;
    private final CompletableFuture<Void> gathered = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean firstAudio = new AtomicBoolean();
    private final ScheduledExecutorService pump;
    private final StatsSampler stats;
    private volatile AudioTrack remote;
    private volatile boolean muted;
    private ScheduledFuture<?> pumping;

    private MediaSession(PeerFactory peers, MediaOptions options, MediaListener listener) {
        this.peers = peers;
        this.options = options;
        this.listener = listener;
        this.analyzer = new AudioAnalyzer(options.toneFreqs() == null ? new double[0] : options.toneFreqs());
        this.recorder = options.record() == null ? null : new WavRecorder(options.record());
        this.pc = peers.factory().createPeerConnection(configuration(options), new Observer());
        this.mic = options.source() instanceof MicSource;
        this.source = mic ? null : new CustomAudioSource();
        this.track = peers.factory().createAudioTrack("dialtone-audio",
                mic ? peers.factory().createAudioSource(new AudioOptions()) : source);
        this.sender = pc.addTrack(track, List.of("dialtone"));
        this.pump = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "audio-pump");
            t.setDaemon(true);
            return t;
        });
        this.stats = new StatsSampler(pc, analyzer);
    }

    public static MediaSession create(MediaOptions options, MediaListener listener) {
        return new MediaSession(PeerFactory.shared(options.source() instanceof MicSource), options, listener);
    }

    static RTCConfiguration configuration(MediaOptions o) {
        RTCConfiguration c = new RTCConfiguration();
        List<RTCIceServer> servers = new ArrayList<>();
        for (IceServer s : o.iceServers()) {
            RTCIceServer r = new RTCIceServer();
            r.urls = s.urls();
            r.username = s.username();
            r.password = s.credential() == null ? null : s.credential().reveal();
            if (s.tlsInsecure()) {
                r.tlsCertPolicy = dev.onvoid.webrtc.TlsCertPolicy.INSECURE_NO_CHECK;
            }
            servers.add(r);
        }
        c.iceServers = servers;
        c.iceTransportPolicy = o.relayOnly() ? RTCIceTransportPolicy.RELAY : RTCIceTransportPolicy.ALL;
        PortAllocatorConfig p = new PortAllocatorConfig();
        if (o.iceBind() != null) {
            // sockets on the wildcard address; the host candidates are rewritten to the chosen address
            p.setDisableAdapterEnumeration(true);
        }
        if (o.minPort() > 0) {
            p.minPort = o.minPort();
            p.maxPort = o.maxPort();
        }
        p.setDisableUdp(o.noUdp());
        p.setDisableTcp(o.noTcp());
        c.portAllocatorConfig = p;
        return c;
    }

    // ---- offer / answer ----------------------------------------------------------------------------------------

    /** Creates the offer, gathers candidates, and returns the complete local SDP. */
    public CompletableFuture<String> offer() {
        CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
        pc.createOffer(new RTCOfferOptions(), observer(f));
        return f.thenCompose(this::setLocal).thenCompose(v -> localSdp());
    }

    /** Applies the far end's answer. */
    public CompletableFuture<Void> acceptAnswer(String sdp) {
        return setRemote(new RTCSessionDescription(RTCSdpType.ANSWER, sdp));
    }

    /** Applies the far end's offer and returns the complete local answer. */
    public CompletableFuture<String> answer(String offerSdp) {
        return setRemote(new RTCSessionDescription(RTCSdpType.OFFER, offerSdp)).thenCompose(v -> {
            CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
            pc.createAnswer(new RTCAnswerOptions(), observer(f));
            return f;
        }).thenCompose(this::setLocal).thenCompose(v -> localSdp());
    }

    private CompletableFuture<Void> setLocal(RTCSessionDescription d) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        pc.setLocalDescription(d, setObserver(f));
        return f;
    }

    private CompletableFuture<Void> setRemote(RTCSessionDescription d) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        f.thenRun(() -> remoteSdp = d.sdp);
        pc.setRemoteDescription(d, setObserver(f));
        return f;
    }

    private CompletableFuture<String> localSdp() {
        Duration max = options.gathering();
        return gathered.completeOnTimeout(null, max.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(v -> Sdp.rewriteHostCandidates(pc.getLocalDescription().sdp, options.iceBind()));
    }

    private static CreateSessionDescriptionObserver observer(CompletableFuture<RTCSessionDescription> f) {
        return new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription d) {
                f.complete(d);
            }

            @Override
            public void onFailure(String error) {
                f.completeExceptionally(new MediaException(error));
            }
        };
    }

    private static SetSessionDescriptionObserver setObserver(CompletableFuture<Void> f) {
        return new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                f.complete(null);
            }

            @Override
            public void onFailure(String error) {
                f.completeExceptionally(new MediaException(error));
            }
        };
    }

    // ---- audio --------------------------------------------------------------------------------------------------

    /** Starts sending: stops the module's own recording first (see {@link PeerFactory#stopRecording()}). */
    public synchronized void startSending() {
        if (pumping != null || closed.get() || mic || pump.isShutdown()) {
            return; // the microphone is sent by the audio module itself
        }
        peers.stopRecording();
        short[] frame = new short[AudioSource.FRAME];
        byte[] bytes = new byte[AudioSource.FRAME * 2];
        AudioSource src = options.source();
        pumping = pump.scheduleAtFixedRate(() -> {
            if (closed.get()) {
                return;
            }
            // Before every push: libwebrtc restarts the module's recording whenever the send stream is (re)started
            // (DTLS connected, a new candidate pair, a renegotiation), and a push concurrent with that recording
            // thread aborts the process. Stopping is a no-op when it is already stopped.
            peers.stopRecording();
            boolean more = src.next(frame);
            for (int i = 0; i < frame.length; i++) {
                short s = muted || !more ? 0 : frame[i];
                bytes[2 * i] = (byte) s;
                bytes[2 * i + 1] = (byte) (s >> 8);
            }
            source.pushAudio(bytes, 16, AudioSource.RATE, 1, AudioSource.FRAME);
        }, 0, 10, TimeUnit.MILLISECONDS);
    }

    /**
     * Sends RFC 4733 telephone-events through libwebrtc's DTMF sender.
     *
     * @return false when the far end did not accept telephone-event
     */
    public boolean insertDtmf(String tones, int durationMs, int gapMs) {
        dev.onvoid.webrtc.RTCDtmfSender d = sender.getDtmfSender();
        return d != null && d.canInsertDtmf() && d.insertDtmf(tones, durationMs, gapMs);
    }

    /** Answers a new offer inside the call (a re-INVITE or UPDATE): ICE is up, so no gathering wait. */
    public CompletableFuture<String> reanswer(String offerSdp) {
        return setRemote(new RTCSessionDescription(RTCSdpType.OFFER, offerSdp)).thenCompose(v -> {
            CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
            pc.createAnswer(new RTCAnswerOptions(), observer(f));
            return f;
        }).thenCompose(this::setLocal).thenApply(v -> Sdp.rewriteHostCandidates(pc.getLocalDescription().sdp,
                options.iceBind()));
    }

    public void setMuted(boolean m) {
        muted = m;
        if (mic) {
            track.setEnabled(!m);
        }
    }

    public AudioAnalyzer analyzer() {
        return analyzer;
    }

    public StatsSampler stats() {
        return stats;
    }

    public String localDescription() {
        RTCSessionDescription d = pc.getLocalDescription();
        return d == null ? null : d.sdp;
    }

    /** The far end's SDP as we applied it (kept here: no native call, and still there after close). */
    public String remoteDescription() {
        return remoteSdp;
    }

    private volatile String remoteSdp;

    private final class RemoteSink implements AudioTrackSink {
        private DtmfDetector dtmf;

        @Override
        public void onData(byte[] data, int bits, int rate, int channels, int frames) {
            analyzer.accept(data, bits, rate, channels, frames);
            if (bits == 16) {
                for (AudioTap t : taps) {
                    t.onAudio(data, rate, channels, frames);
                }
                if (dtmf == null) {
                    dtmf = new DtmfDetector(rate, listener::onDtmf);
                }
                dtmf.accept(data, channels, frames);
            }
            if (analyzer.firstAudioNanos() > 0 && firstAudio.compareAndSet(false, true)) {
                listener.onFirstAudio();
            }
            if (recorder != null) {
                recorder.accept(data, bits, rate, channels, frames);
            }
            if (options.source() instanceof EchoSource echo && bits == 16 && rate == AudioSource.RATE
                    && frames == AudioSource.FRAME) {
                short[] mono = new short[frames];
                for (int i = 0; i < frames; i++) {
                    int o = i * channels * 2;
                    mono[i] = (short) ((data[o] & 0xff) | (data[o + 1] << 8));
                }
                echo.offer(mono);
            }
        }
    }

    private final RemoteSink sink = new RemoteSink();
    private final java.util.concurrent.CopyOnWriteArrayList<AudioTap> taps = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A listener of the received audio (16-bit PCM frames), called on the audio thread: copy, never block. */
    public interface AudioTap {
        void onAudio(byte[] data, int rate, int channels, int frames);
    }

    public void addTap(AudioTap t) {
        taps.add(t);
    }

    public void removeTap(AudioTap t) {
        taps.remove(t);
    }

    private final class Observer implements PeerConnectionObserver {
        @Override
        public void onIceCandidate(RTCIceCandidate candidate) {
            // non-trickle: candidates are read from the complete local description
        }

        @Override
        public void onIceGatheringChange(RTCIceGatheringState state) {
            listener.onGathering(state.name().toLowerCase(Locale.ROOT));
            if (state == RTCIceGatheringState.COMPLETE) {
                gathered.complete(null);
            }
        }

        @Override
        public void onIceConnectionChange(RTCIceConnectionState state) {
            listener.onIceState(state.name().toLowerCase(Locale.ROOT));
        }

        @Override
        public void onConnectionChange(dev.onvoid.webrtc.RTCPeerConnectionState state) {
            listener.onConnectionState(state.name().toLowerCase(Locale.ROOT));
        }

        @Override
        public void onTrack(RTCRtpTransceiver transceiver) {
            MediaStreamTrack t = transceiver.getReceiver().getTrack();
            if (t instanceof AudioTrack a && remote == null) {
                remote = a;
                a.addSink(sink);
            }
        }
    }

    /**
     * Releases everything, in the order that works with webrtc-java 0.14 (webrtc-java-notes.md item 7): stop the
     * pump, remove the sender's track, close the peer connection, then dispose the track and the source. Runs on
     * a {@code media-close} thread with a watchdog: a native close that hangs (webrtc-java #234) is abandoned after
     * {@code max} and the caller goes on.
     *
     * @return true when everything was released in time
     */
    public boolean close(Duration max) {
        if (!closed.compareAndSet(false, true)) {
            // closing already (the call ended): wait for that one, within the same bound
            try {
                closing.get(max.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        }
        pump.shutdownNow();
        CompletableFuture<Void> done = closing;
        Thread t = new Thread(() -> {
            try {
                try {
                    pump.awaitTermination(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                AudioTrack r = remote;
                if (r != null) {
                    r.removeSink(sink);
                }
                pc.removeTrack(sender);
                pc.close();
                track.dispose();
                if (source != null) {
                    source.dispose();
                }
                if (recorder != null) {
                    recorder.close();
                }
                done.complete(null);
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
            }
        }, "media-close");
        t.setDaemon(true);
        t.start();
        try {
            done.get(max.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private final CompletableFuture<Void> closing = new CompletableFuture<>();

    /** Stops sending at once (the call is ending); the rest is released by {@link #close}. */
    public void stopSending() {
        pump.shutdownNow();
    }

    public WavRecorder recorder() {
        return recorder;
    }
}
