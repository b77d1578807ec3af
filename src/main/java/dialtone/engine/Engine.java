package dialtone.engine;

/** Process-wide facts of the engine that the CLI may ask about. */
public final class Engine {
    private Engine() {
    }

    /** Releases the process's native media objects (bounded); call once, at exit. */
    public static void releaseMedia() {
        dialtone.media.PeerFactory.shutdown(1000);
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

    /** True once a scenario loaded the WebRTC native library in this process. */
    public static boolean mediaLoaded() {
        return dialtone.media.NativeState.loaded();
    }
}
