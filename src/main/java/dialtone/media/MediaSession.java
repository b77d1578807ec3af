package dialtone.media;

import dialtone.config.IceServer;
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
import dev.onvoid.webrtc.RTCRtpEncodingParameters;
import dev.onvoid.webrtc.RTCRtpSendParameters;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One audio call's WebRTC side: an RTCPeerConnection with one sendrecv audio transceiver fed by a
 * {@link CustomAudioSource}, the remote track's frames going to the analyser (and the recorder, and the echo).
 * Offers and answers are complete (ICE candidates gathered first, as JsSIP does for SIP), DTLS-SRTP only (libwebrtc
 * offers no SDES). Native objects are released in one place, in one order that works ({@link #close()}).
 *
 * <p>Many of these share one factory (docs/media-engine.md): the sender's encoding stays inactive until the peer
 * connection is connected, so no send stream starts during negotiation; descriptions are set, and the sender
 * activated in the factory's {@link PeerFactory#window}; the frames are pushed by the factory's one {@link AudioPump}.
 * Every native call runs on {@link NativeOps}, never on the caller's thread (the UA loop) and never on a libwebrtc
 * callback thread; the methods return futures.
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
    /** Native steps hold the read side; {@link #close} takes the write side, so nothing touches a released object. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock life = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private final AtomicBoolean firstAudio = new AtomicBoolean();
    private final StatsSampler stats;
    private final AudioPump.Feed feed;
    private volatile AudioTrack remote;
    private final AtomicBoolean activated = new AtomicBoolean();
    private volatile boolean sendingStopped;

    private MediaSession(PeerFactory peers, MediaOptions options, MediaListener listener) {
        this.peers = peers;
        this.options = options;
        this.listener = listener;
        this.analyzer = new AudioAnalyzer(options.toneFreqs() == null ? new double[0] : options.toneFreqs());
        this.recorder = options.record() == null ? null : new WavRecorder(options.record(), false, options.recordStereo());
        this.pc = peers.factory().createPeerConnection(configuration(options), new Observer());
        peers.opened(); // released once its close has run through (a failed constructor keeps it: no dispose at exit)
        this.mic = options.source() instanceof MicSource;
        this.source = mic ? null : new CustomAudioSource();
        this.track = peers.factory().createAudioTrack("dialtone-audio",
                mic ? peers.factory().createAudioSource(new AudioOptions()) : source);
        this.sender = pc.addTrack(track, List.of("dialtone"));
        this.feed = mic ? null : new AudioPump.Feed(options.source(), source);
        if (feed != null && recorder != null && recorder.channels() == 2) {
            feed.sentTap = recorder::sent; // the right channel: what the pump pushes for this call
        }
        // inactive until connected: DTLS becoming writable must not start the send stream (and the module's recording)
        setActive(false);
        this.stats = new StatsSampler(pc, analyzer, this);
        StatsSampler.opened();
    }

    /** Creates a session (and loads the native library the first time) on a native-ops thread. */
    public static CompletableFuture<MediaSession> open(MediaOptions options, MediaListener listener) {
        return NativeOps.supply(() -> new MediaSession(PeerFactory.shared(options.source() instanceof MicSource),
                options, listener));
    }

    /** Creates a session on the calling thread (which must not be a UA loop or a libwebrtc thread). */
    public static MediaSession create(MediaOptions options, MediaListener listener) {
        return new MediaSession(PeerFactory.shared(options.source() instanceof MicSource), options, listener);
    }

    /** Runs a native step unless the session is closed (then returns {@code ifClosed}); close waits for it. */
    <T> T alive(java.util.function.Supplier<T> step, T ifClosed) {
        life.readLock().lock();
        try {
            return closed.get() ? ifClosed : step.get();
        } finally {
            life.readLock().unlock();
        }
    }

    private boolean setActive(boolean active) {
        RTCRtpSendParameters p = sender.getParameters();
        if (p == null || p.encodings == null || p.encodings.isEmpty()) {
            return false;
        }
        for (RTCRtpEncodingParameters e : p.encodings) {
            e.active = active;
        }
        sender.setParameters(p);
        return true;
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
        return NativeOps.supply(() -> {
            CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
            if (alive(() -> {
                pc.createOffer(new RTCOfferOptions(), observer(f));
                return true;
            }, false)) {
                return f;
            }
            return CompletableFuture.<RTCSessionDescription>failedFuture(new MediaException("the media session is closed"));
        }).thenCompose(f -> f).thenComposeAsync(this::setLocal, NativeOps.executor())
                .thenComposeAsync(v -> localSdp(), NativeOps.executor());
    }

    /** Applies the far end's answer. */
    public CompletableFuture<Void> acceptAnswer(String sdp) {
        return setRemote(new RTCSessionDescription(RTCSdpType.ANSWER, sdp));
    }

    /** Applies the far end's offer and returns the complete local answer. */
    public CompletableFuture<String> answer(String offerSdp) {
        return answerOnly(offerSdp).thenComposeAsync(v -> localSdp(), NativeOps.executor());
    }

    private CompletableFuture<Void> answerOnly(String offerSdp) {
        return setRemote(new RTCSessionDescription(RTCSdpType.OFFER, offerSdp)).thenComposeAsync(v -> {
            CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
            if (!alive(() -> {
                pc.createAnswer(new RTCAnswerOptions(), observer(f));
                return true;
            }, false)) {
                f.completeExceptionally(new MediaException("the media session is closed"));
            }
            return f;
        }, NativeOps.executor()).thenComposeAsync(this::setLocal, NativeOps.executor());
    }

    /** On a native-ops thread. */
    private CompletableFuture<Void> setLocal(RTCSessionDescription d) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (d.sdpType == RTCSdpType.ANSWER) {
            f.thenRun(() -> negotiated(d.sdp));
        }
        if (!alive(() -> describe(() -> pc.setLocalDescription(d, setObserver(f)), f), false)) {
            f.completeExceptionally(new MediaException("the media session is closed"));
        }
        return f;
    }

    private CompletableFuture<Void> setRemote(RTCSessionDescription d) {
        return NativeOps.supply(() -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            f.thenRun(() -> {
                remoteSdp = d.sdp;
                if (d.sdpType == RTCSdpType.ANSWER) {
                    negotiated(d.sdp);
                }
            });
            if (!alive(() -> describe(() -> pc.setRemoteDescription(d, setObserver(f)), f), false)) {
                f.completeExceptionally(new MediaException("the media session is closed"));
            }
            return f;
        }).thenCompose(f -> f);
    }

    /**
     * Sets a description and waits (bounded) for libwebrtc to apply it, so the step is over when the lock is let go.
     * Before the sender is active this is a plain negotiation; once it sends, a new description may restart its send
     * stream (a new codec or SSRC), so it runs in the factory's activation window.
     */
    private boolean describe(Runnable set, CompletableFuture<Void> applied) {
        java.util.function.Supplier<Boolean> step = () -> {
            PeerFactory.trace("describing" + (activated.get() ? " (in a window)" : ""));
            set.run();
            try {
                applied.get(SET_DESCRIPTION_MAX.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // the caller sees the failure (or the timeout) through the future itself
            }
            return true;
        };
        return activated.get() ? peers.window(step) : step.get();
    }

    private static final Duration SET_DESCRIPTION_MAX = Duration.ofSeconds(5);

    /** On a native-ops thread: waits for gathering (bounded), then reads the complete local description. */
    private CompletableFuture<String> localSdp() {
        Duration max = options.gathering();
        return gathered.completeOnTimeout(null, max.toMillis(), TimeUnit.MILLISECONDS)
                .thenApplyAsync(v -> localNow(), NativeOps.executor());
    }

    private String localNow() {
        String sdp = alive(() -> {
            RTCSessionDescription d = pc.getLocalDescription();
            return d == null ? null : d.sdp;
        }, null);
        if (sdp == null) {
            throw new MediaException("the media session is closed");
        }
        return Sdp.rewriteHostCandidates(sdp, options.iceBind());
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

    /**
     * Starts sending, once the peer connection is connected: activates the sender's encoding (which starts the send
     * stream, and libwebrtc the module's recording with it) in the factory's {@link PeerFactory#window}, then lets
     * the pump feed it. Idempotent; on a native-ops thread.
     */
    private void activate() {
        alive(() -> {
            if (sendingStopped || !activated.compareAndSet(false, true)) {
                return false;
            }
            PeerFactory.trace("activating");
            peers.window(() -> setActive(true));
            if (feed != null && !sendingStopped) {
                peers.pump().add(feed);
                PeerFactory.trace("feeding the pump");
            }
            return true;
        }, false);
    }

    /**
     * Waits for two stats round trips: libwebrtc lets a send stream start on its worker thread once the transport has
     * been writable, a task the network thread posts there in the same step in which DTLS connected; the peer
     * connection's "connected" is posted to the signalling thread earlier in that step. One stats request may reach the
     * worker before the network thread has finished that step (a preempted network thread), but its own network part
     * runs after the step; so once one round trip is complete the start is queued on the worker, and the second
     * request's worker part runs after it. Activating before that task ran would let the stream (and the module's
     * recording) start later, outside {@link PeerFactory#window} (one path to FirewallIT's capped-call abort, not the only one: docs/media-engine.md item 2).
     * Bounded; on a native-ops thread.
     */
    private void afterPendingWorkerTasks() {
        for (int i = 0; i < 2; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            boolean asked = alive(() -> {
                pc.getStats(r -> f.complete(null));
                return true;
            }, false);
            if (!asked) {
                return;
            }
            try {
                f.get(1, TimeUnit.SECONDS);
                PeerFactory.trace("stats round trip " + (i + 1) + " done");
            } catch (Exception e) {
                return; // activate anyway: a stuck stats call is the watchdog's business
            }
        }
    }

    /**
     * Sends RFC 4733 telephone-events through libwebrtc's DTMF sender, on a native-ops thread.
     *
     * @return completes false when the far end did not accept telephone-event
     */
    public CompletableFuture<Boolean> insertDtmf(String tones, int durationMs, int gapMs) {
        return NativeOps.supply(() -> alive(() -> {
            dev.onvoid.webrtc.RTCDtmfSender d = sender.getDtmfSender();
            return d != null && d.canInsertDtmf() && d.insertDtmf(tones, durationMs, gapMs);
        }, false));
    }

    /** Answers a new offer inside the call (a re-INVITE or UPDATE): ICE is up, so no gathering wait. */
    public CompletableFuture<String> reanswer(String offerSdp) {
        return answerOnly(offerSdp).thenApplyAsync(v -> localNow(), NativeOps.executor());
    }

    /** Mutes by sending zeros (the sender keeps running, as a browser's muted track does); the microphone's track is disabled. */
    public void setMuted(boolean m) {
        if (feed != null) {
            feed.muted = m;
        }
        if (mic) {
            NativeOps.run(() -> alive(() -> {
                track.setEnabled(!m);
                return true;
            }, false));
        }
    }

    public AudioAnalyzer analyzer() {
        return analyzer;
    }

    /**
     * Sends {@code pcm} (48 kHz mono) instead of the source, from the pump's next tick; the source resumes after it.
     * Completes with the {@link System#nanoTime} of its first sample and of its end once the last frame has been
     * pushed; a clip replaced by a newer one, or a session that sends from the microphone, fails.
     */
    public CompletableFuture<long[]> speak(short[] pcm) {
        if (feed == null) {
            return CompletableFuture.failedFuture(new MediaException("speech cannot be sent while --play mic is the source"));
        }
        if (pcm.length == 0) {
            long now = System.nanoTime();
            return CompletableFuture.completedFuture(new long[] {now, now});
        }
        AudioPump.Clip c = new AudioPump.Clip(pcm);
        AudioPump.Clip old = feed.clip;
        feed.clip = c;
        if (old != null) {
            old.done.completeExceptionally(new MediaException("interrupted by the next speech"));
        }
        return c.done;
    }

    public StatsSampler stats() {
        return stats;
    }

    /** The far end's SDP as we applied it (kept here: no native call, and still there after close). */
    public String remoteDescription() {
        return remoteSdp;
    }

    private volatile String remoteSdp;

    /** An answer applied (the far end's or ours): the pump pushes 8 kHz frames while the send codec is G.711. */
    private void negotiated(String answerSdp) {
        if (feed != null) {
            feed.narrowband(sendsAt8k(answerSdp));
        }
    }

    /**
     * Whether an answer's first audio codec (the one libwebrtc sends with) is G.711: PCMU or PCMA at 8000 Hz, by its
     * static payload type (0, 8) or its rtpmap.
     */
    static boolean sendsAt8k(String sdp) {
        if (sdp == null) {
            return false;
        }
        String pt = null;
        for (String line : sdp.split("\r?\n")) {
            if (pt == null && line.startsWith("m=audio ")) {
                String[] f = line.trim().split(" +");
                if (f.length < 4 || f[1].equals("0")) {
                    return false; // no audio format, or a rejected stream
                }
                pt = f[3];
                if (pt.equals("0") || pt.equals("8")) {
                    return true;
                }
            } else if (pt != null && line.startsWith("m=")) {
                return false;
            } else if (pt != null && line.startsWith("a=rtpmap:" + pt + " ")) {
                String enc = line.substring(("a=rtpmap:" + pt + " ").length()).trim().toUpperCase(java.util.Locale.ROOT);
                return enc.startsWith("PCMU/8000") || enc.startsWith("PCMA/8000");
            }
        }
        return false;
    }

    private final class RemoteSink implements AudioTrackSink {
        private DtmfDetector dtmf;

        @Override
        public void onData(byte[] data, int bits, int rate, int channels, int frames) {
            peers.mixing(); // inside libwebrtc's mixer: keeps a recording thread's pull apart from the playout's
            analyzer.accept(data, bits, rate, channels, frames);
            MediaPresence p = presence;
            if (p != null && bits == 16) {
                p.audio(System.currentTimeMillis(), analyzer.level()); // cheap: a few fields under the presence's lock
            }
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
    private volatile MediaPresence presence;

    /** Feeds each decoded 10 ms frame's level to {@code p} (the far end's presence, judged per frame). */
    public void presence(MediaPresence p) {
        this.presence = p;
    }
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
            PeerFactory.trace("ice state " + state);
            listener.onIceState(state.name().toLowerCase(Locale.ROOT));
        }

        @Override
        public void onConnectionChange(dev.onvoid.webrtc.RTCPeerConnectionState state) {
            PeerFactory.trace("connection state " + state);
            if (state == dev.onvoid.webrtc.RTCPeerConnectionState.CONNECTED) {
                NativeOps.run(() -> { // not on this (libwebrtc's signalling) thread
                    afterPendingWorkerTasks();
                    activate();
                });
            }
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
     * Releases everything, in the order that works with webrtc-java 0.14: stop the
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
        StatsSampler.closed();
        CompletableFuture<Void> done = closing;
        Thread t = new Thread(() -> {
            life.writeLock().lock(); // no native step of this session in progress from here on
            try {
                if (feed != null) {
                    peers.pump().remove(feed);
                }
                peers.barrier(); // a push of this source in progress has finished
                AudioTrack r = remote;
                if (r != null) {
                    r.removeSink(sink);
                }
                // removing a sender and closing never start the module's recording (docs/media-engine.md): no window
                pc.removeTrack(sender);
                pc.close();
                track.dispose();
                if (source != null) {
                    source.dispose();
                }
                peers.released();
                if (recorder != null) {
                    recorder.close();
                }
                done.complete(null);
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
            } finally {
                life.writeLock().unlock();
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
        sendingStopped = true;
        if (feed != null) {
            peers.pump().remove(feed);
        }
    }

    public WavRecorder recorder() {
        return recorder;
    }
}
