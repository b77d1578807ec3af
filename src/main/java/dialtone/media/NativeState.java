package dialtone.media;

/**
 * Whether this process loaded the WebRTC native library, readable without loading any webrtc-java class (so that
 * the light commands, asking at exit, stay light).
 */
public final class NativeState {
    private static volatile boolean loaded;

    private NativeState() {
    }

    static void markLoaded() {
        loaded = true;
    }

    public static boolean loaded() {
        return loaded;
    }
}
