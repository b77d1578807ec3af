package dialtone.media;

/** Media that cannot start: the native library, an unreadable WAV, a bad ICE server. The message is one line. */
public final class MediaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MediaException(String message) {
        super(message);
    }

    public MediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
