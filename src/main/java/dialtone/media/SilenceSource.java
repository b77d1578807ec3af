package dialtone.media;

import java.util.Arrays;

/** Digital silence (comfort for a call that only listens). */
public record SilenceSource() implements AudioSource {
    @Override
    public boolean next(short[] frame) {
        Arrays.fill(frame, (short) 0);
        return true;
    }

    @Override
    public String describe() {
        return "silence";
    }
}
