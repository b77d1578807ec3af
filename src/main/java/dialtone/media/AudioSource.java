package dialtone.media;

/**
 * What dialtone sends: 10 ms frames of 48 kHz mono 16-bit PCM, pulled by the pump every 10 ms.
 */
public sealed interface AudioSource permits ToneSource, SilenceSource, WavSource, EchoSource, MicSource {
    int RATE = 48_000;
    int FRAME = RATE / 100;

    /** Fills {@code frame} (length {@link #FRAME}); false when the source has ended (a WAV played once). */
    boolean next(short[] frame);

    /** What it is, for the timeline. */
    String describe();
}
