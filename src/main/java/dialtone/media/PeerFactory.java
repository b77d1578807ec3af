package dialtone.media;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.AudioDevice;
import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioDeviceModuleBase;
import dev.onvoid.webrtc.media.audio.AudioLayer;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;

/**
 * The one {@link PeerConnectionFactory} of the process, on a {@link HeadlessAudioDeviceModule} (no sound card).
 * Loading it loads the native library (about 180 ms); commands that need no media never touch this class.
 * It lives until the process ends (webrtc-java's factory cannot be recreated cheaply, and disposing it while a
 * native thread still runs is the classic crash).
 */
public final class PeerFactory {
    private static PeerFactory shared;

    private final AudioDeviceModuleBase adm;
    private final PeerConnectionFactory factory;
    private final boolean device;

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
            HeadlessAudioDeviceModule headless = new HeadlessAudioDeviceModule();
            // Point the module's recording at a device that does not exist, so that libwebrtc's automatic
            // InitRecording/StartRecording (when a send stream starts) finds nothing to record: our CustomAudioSource
            // must be the only producer of the send stream (webrtc-java-notes.md item 4).
            try {
                headless.setRecordingDevice(new AudioDevice("dialtone-no-recording", "dialtone-no-recording") {
                });
            } catch (RuntimeException e) {
                // older native code: the per-push stopRecording() still applies
            }
            this.adm = headless;
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
     * Stops the module's own recording thread. With a CustomAudioSource feeding the send stream, the module's
     * recording and our pushes would both deliver to it and libwebrtc aborts the process (race checker in
     * audio_send_stream.cc): see webrtc-java-notes.md item 4. Called before the first push of every call.
     */
    synchronized void stopRecording() {
        if (!device) {
            adm.stopRecording();
        }
    }

    boolean device() {
        return device;
    }
}
