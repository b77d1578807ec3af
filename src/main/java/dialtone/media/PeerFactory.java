package dialtone.media;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioDeviceModuleBase;
import dev.onvoid.webrtc.media.audio.AudioLayer;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The one {@link PeerConnectionFactory} of the process, on a {@link HeadlessAudioDeviceModule} (no sound card).
 * Loading it loads the native library (about 180 ms); commands that need no media never touch this class.
 * It lives until the process ends (webrtc-java's factory cannot be recreated cheaply, and disposing it while a
 * native thread still runs is the classic crash).
 *
 * <p>Many calls share it, and its audio module, safely (docs/media-engine.md): libwebrtc restarts the headless
 * module's recording whenever a send stream starts, and that recording thread racing our pushes aborts the process.
 * So every native step that can start a send stream (setting a description, activating a sender) runs under the
 * write side of {@link #exclusive}, which stops the module's recording before it lets go; the one
 * {@link AudioPump} pushes every call's frames under the read side. No per-frame native call takes a lock.
 */
public final class PeerFactory {
    private static PeerFactory shared;

    private final AudioDeviceModuleBase adm;
    private final PeerConnectionFactory factory;
    private final boolean device;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final AudioPump pump = new AudioPump(lock.readLock());
    /** Longest time the write side was held, in ns (reported by the stress benchmark). */
    private volatile long longestExclusiveNanos;

    private PeerFactory(boolean device) {
        this.device = device;
        if (device) {
            AudioDeviceModule real = new AudioDeviceModule(AudioLayer.kLinuxPulseAudio);
            if (real.getRecordingDevices().isEmpty()) {
                real.dispose();
                throw new MediaException("no audio input device: is PulseAudio running (PULSE_SERVER) with a source?");
            }
            this.adm = real;
        } else {
            this.adm = new HeadlessAudioDeviceModule();
        }
        this.factory = new PeerConnectionFactory(adm);
    }

    /** The process's factory on the headless audio module (no sound card). */
    public static PeerFactory shared() {
        return shared(false);
    }

    /**
     * The process's factory; {@code device} selects the PulseAudio module (for {@code --play mic}). One kind per
     * process. A native library that cannot load is a {@link MediaException} with the fix.
     */
    public static synchronized PeerFactory shared(boolean device) {
        if (shared != null && shared.device != device) {
            throw new MediaException("this process already uses the " + (shared.device ? "PulseAudio" : "headless")
                    + " audio module; the microphone and generated audio cannot be mixed in one process");
        }
        if (shared == null) {
            try {
                shared = new PeerFactory(device);
                NativeState.markLoaded();
            } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
                String m = String.valueOf(e.getMessage());
                String hint = m.contains("libpulse") ? " (install the Debian package libpulse0)" : "";
                throw new MediaException("cannot load the WebRTC native library" + hint + ": "
                        + m.lines().findFirst().orElse(e.getClass().getSimpleName()), e);
            }
        }
        return shared;
    }

    /**
     * At process end: dispose the audio module, then the factory (webrtc-java's TestBase order), on a thread of its
     * own, for at most {@code maxMillis}. Returns whether it finished.
     */
    public static boolean shutdown(long maxMillis) {
        PeerFactory f;
        synchronized (PeerFactory.class) {
            f = shared;
            shared = null;
        }
        if (f == null) {
            return true;
        }
        f.pump.stop();
        Thread t = new Thread(() -> {
            f.adm.dispose();
            f.factory.dispose();
        }, "media-dispose");
        t.setDaemon(true);
        t.start();
        try {
            t.join(maxMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    public static synchronized boolean loaded() {
        return shared != null;
    }

    PeerConnectionFactory factory() {
        return factory;
    }

    /**
     * Runs a native step that may start a send stream (set a description, change a sender's parameters) while no
     * frame is being pushed, then stops the audio module's own recording, which libwebrtc restarts whenever a send
     * stream starts (two producers on one send stream abort the process: audio_send_stream.cc's race check). Never
     * call it from a native callback thread: the step may wait for libwebrtc's signalling thread.
     */
    <T> T exclusive(Supplier<T> step) {
        lock.writeLock().lock();
        long t0 = System.nanoTime();
        try {
            return step.get();
        } finally {
            if (!device) {
                adm.stopRecording();
            }
            long held = System.nanoTime() - t0;
            if (held > longestExclusiveNanos) {
                longestExclusiveNanos = held;
            }
            lock.writeLock().unlock();
        }
    }

    /** Waits until no push is in progress (the pump holds the read side while it pushes). */
    void barrier() {
        lock.writeLock().lock();
        lock.writeLock().unlock();
    }

    AudioPump pump() {
        return pump;
    }

    /** The longest time a negotiation or activation held the pump off, in ms (for the benchmarks). */
    public static synchronized double longestExclusiveMillis() {
        PeerFactory f = shared;
        return f == null ? 0 : f.longestExclusiveNanos / 1e6;
    }

    boolean device() {
        return device;
    }
}
