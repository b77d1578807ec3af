package dialtone.engine;

import dialtone.config.MediaSetup;
import dialtone.media.AudioSource;
import dialtone.media.EchoSource;
import dialtone.media.MediaException;
import dialtone.media.MediaOptions;
import dialtone.media.MicSource;
import dialtone.media.SilenceSource;
import dialtone.media.ToneSource;
import dialtone.media.WavReader;
import dialtone.media.WavSource;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What to send, as the user wrote it: {@code tone:440}, {@code silence}, {@code echo}, or a WAV path (with
 * {@code --play-once}). The source itself is made only when the native library is loaded (the WAV resampler).
 */
public record Play(String kind, double hz, Path wav, boolean loop) {
    public static Play parse(String spec, boolean once) {
        String s = spec.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("silence")) {
            return new Play("silence", 0, null, false);
        }
        if (lower.equals("echo")) {
            return new Play("echo", 0, null, false);
        }
        if (lower.startsWith("tone:") || lower.equals("tone")) {
            double hz = 440;
            if (lower.startsWith("tone:")) {
                try {
                    hz = Double.parseDouble(s.substring(5));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + spec + "' is not tone:HZ (e.g. tone:440)");
                }
            }
            if (!(hz >= 20 && hz <= 20_000)) {
                throw new IllegalArgumentException("a tone must be between 20 and 20000 Hz (got " + spec + ")");
            }
            return new Play("tone", hz, null, false);
        }
        if (lower.equals("mic")) {
            return new Play("mic", 0, null, false);
        }
        return new Play("wav", 0, Path.of(s), !once);
    }

    /** Why {@code wav} cannot be played (the reader's own words), read and decoded once; null when it can. */
    public static String wavProblem(Path wav) {
        try {
            WavReader.read(wav);
            return null;
        } catch (MediaException e) {
            return e.getMessage();
        }
    }

    /** The media options of a call that plays this, with the media settings {@code setup}. */
    MediaOptions options(MediaSetup setup, Path record, double[] toneFreqs) {
        return new MediaOptions(setup, source(), record, toneFreqs);
    }

    AudioSource source() {
        return switch (kind) {
            case "tone" -> ToneSource.of(hz);
            case "echo" -> EchoSource.create();
            case "wav" -> WavSource.load(wav, loop);
            case "mic" -> new MicSource();
            default -> new SilenceSource();
        };
    }
}
