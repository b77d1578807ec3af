package dialtone.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Reads a WAV file (PCM 8/16/24/32-bit, float, A-law, µ-law; any rate and channel count, through the JDK's
 * javax.sound) into 16-bit mono PCM at the file's own rate, channels averaged. Files longer than
 * {@value #MAX_SECONDS} s are refused.
 */
public final class WavReader {
    public static final int MAX_SECONDS = 15 * 60;

    /** Mono samples at {@code rate}, and what the file was. */
    public record Pcm(short[] samples, int rate, int channels, String format) {
        public double seconds() {
            return samples.length / (double) rate;
        }
    }

    static final long MAX_FILE_BYTES = 256L << 20;
    static final int MAX_CHUNKS = 1000;

    private WavReader() {
    }

    /** A RIFF/WAVE file's chunk list, walked before javax.sound sees it: null when it looks sound, else what is wrong. */
    static String checkChunks(byte[] b) {
        if (b.length < 12 || !new String(b, 0, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("RIFF")
                || !new String(b, 8, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("WAVE")) {
            return "not a WAV file (no RIFF/WAVE header)";
        }
        long pos = 12; // long: a chunk size near 4 GiB must not wrap the position around
        int chunks = 0;
        boolean fmt = false;
        while (pos + 8 <= b.length) {
            int p = (int) pos;
            String id = new String(b, p, 4, java.nio.charset.StandardCharsets.US_ASCII);
            long size = (b[p + 4] & 0xffL) | (b[p + 5] & 0xffL) << 8 | (b[p + 6] & 0xffL) << 16 | (b[p + 7] & 0xffL) << 24;
            if (++chunks > MAX_CHUNKS) {
                return "more than " + MAX_CHUNKS + " chunks before the audio: a damaged or hostile file";
            }
            if (id.equals("fmt ")) {
                fmt = true;
            } else if (id.equals("data")) {
                return fmt ? null : "the data chunk comes before the fmt chunk";
            }
            pos += 8 + size + (size & 1);
        }
        return fmt ? "no data chunk" : "no fmt chunk";
    }

    public static Pcm read(Path file) {
        if (!Files.isRegularFile(file)) {
            // say what it is: /dev/zero exists, and "no such file" sent people looking for a typo
            throw new MediaException("cannot play " + file + ": " + (!Files.exists(file) ? "no such file"
                    : Files.isDirectory(file) ? "a directory, not a WAV file"
                    : "not a regular file (a device, a FIFO or a socket), not a WAV file"));
        }
        byte[] whole;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new MediaException("cannot play " + file + ": larger than " + MAX_FILE_BYTES / (1 << 20) + " MiB");
            }
            whole = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new MediaException("cannot play " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
        }
        String chunkProblem = checkChunks(whole);
        if (chunkProblem != null) {
            throw new MediaException("cannot play " + file + ": " + chunkProblem);
        }
        // read from memory: javax.sound marks and resets the stream across chunks, which a buffered file stream
        // cannot do past its buffer ("Resetting to invalid mark" on a file with many chunks before the audio)
        try (InputStream raw = new java.io.ByteArrayInputStream(whole);
             AudioInputStream in = AudioSystem.getAudioInputStream(raw)) {
            AudioFormat src = in.getFormat();
            int channels = src.getChannels();
            int rate = Math.round(src.getSampleRate());
            if (channels < 1 || channels > 8 || rate < 4000 || rate > 192_000) {
                throw new MediaException("cannot play " + file + ": " + channels + " channels at " + rate + " Hz is not supported");
            }
            AudioFormat pcm16 = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, rate, 16, channels, 2 * channels, rate, false);
            AudioInputStream conv = src.matches(pcm16) ? in : AudioSystem.getAudioInputStream(pcm16, in);
            long maxBytes = (long) MAX_SECONDS * rate * 2 * channels;
            byte[] bytes = conv.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new MediaException("cannot play " + file + ": longer than " + MAX_SECONDS / 60 + " minutes");
            }
            short[] mono = WavRecorder.toMono(bytes, 16, channels, bytes.length / (2 * channels));
            String fmt = src.getEncoding() + " " + src.getSampleSizeInBits() + "-bit " + rate + " Hz " + channels + " ch";
            return new Pcm(mono, rate, channels, fmt);
        } catch (UnsupportedAudioFileException e) {
            throw new MediaException("cannot play " + file + ": not a WAV file dialtone can read");
        } catch (IllegalArgumentException e) {
            throw new MediaException("cannot play " + file + ": its audio format cannot be converted to 16-bit PCM");
        } catch (IOException e) {
            throw new MediaException("cannot play " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }
}
