package dialtone.engine;

/** Process-wide facts of the engine that the CLI may ask about. */
public final class Engine {
    private Engine() {
    }

    /** Releases the process's native media objects (bounded); call once, at exit. */
    public static void releaseMedia() {
        dialtone.media.PeerFactory.shutdown(1000);
    }

    /** At exit: stops the WebSocket client's selector threads (bounded), so that the JVM's exit need not wait for them. */
    public static void releaseSignalling() {
        dialtone.sip.transport.WebSocketTransport.stopSharedTransport(200);
    }

    /** Starts loading the native media library on a background thread (errors surface when the call needs it). */
    public static void preloadMedia(boolean microphone) {
        Thread t = new Thread(() -> {
            try {
                dialtone.media.PeerFactory.shared(microphone);
            } catch (RuntimeException | LinkageError e) {
                // reported by the call itself, with its fix
            }
        }, "media-preload");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Head starts on other threads while the command line is read and the configuration fetched: the JDK trust
     * store and a TLS engine, the WebSocket client's classes (both needed by every command that connects).
     */
    public static void prewarmSignalling() {
        Thread t = new Thread(() -> {
            dialtone.config.TrustMaterial.prewarm();
            dialtone.sip.transport.WebSocketTransport.prewarm();
        }, "signalling-prewarm");
        t.setDaemon(true);
        t.start();
    }

    /** A WAV file's samples and rate (any format the call can play), as {@code as} makes them; MediaException if none. */
    public static <T> T readWav(java.nio.file.Path file, java.util.function.BiFunction<short[], Integer, T> as) {
        dialtone.media.WavReader.Pcm pcm = dialtone.media.WavReader.read(file);
        return as.apply(pcm.samples(), pcm.rate());
    }

    /** True once a scenario loaded the WebRTC native library in this process. */
    public static boolean mediaLoaded() {
        return dialtone.media.NativeState.loaded();
    }
}
