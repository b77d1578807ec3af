package dialtone.engine;

/** Process-wide facts of the engine that the CLI may ask about. */
public final class Engine {
    private Engine() {
    }

    /** Releases the process's native media objects (bounded); call once, at exit. */
    public static void releaseMedia() {
        dialtone.media.PeerFactory.shutdown(1000);
    }

    /** True once a scenario loaded the WebRTC native library in this process. */
    public static boolean mediaLoaded() {
        return dialtone.media.PeerFactory.loaded();
    }
}
