package dialtone.media;

/**
 * The default audio input device, through the platform audio layer (PulseAudio on Linux): the audio module records
 * it itself, so there is no pump. Selecting it makes the process's factory use the PulseAudio module instead of the
 * headless one.
 */
public record MicSource() implements AudioSource {
    @Override
    public boolean next(short[] frame) {
        throw new IllegalStateException("the microphone is read by the audio module, not pumped");
    }

    @Override
    public String describe() {
        return "the default input device (PulseAudio)";
    }
}
