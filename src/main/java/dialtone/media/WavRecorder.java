package dialtone.media;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes what the far end sent to a 16-bit PCM WAV. The audio thread only copies frames into a bounded queue
 * (overflow drops and is counted); a writer thread drains it. {@link #close()} fixes up the RIFF sizes.
 */
public final class WavRecorder implements AutoCloseable {
    private static final byte[] STOP = new byte[0];

    private final Path path;
    private final ArrayBlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(1000);
    private final Thread writer;
    private volatile int rate;
    private volatile int channels;
    private volatile long dataBytes;
    private volatile long dropped;
    private volatile IOException failure;

    public WavRecorder(Path path) {
        this.path = path;
        try {
            Files.write(path, new byte[44]);
        } catch (IOException e) {
            throw new MediaException("cannot write the recording " + path + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        writer = new Thread(this::drain, "wav-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Called on the audio thread: copy and queue, never block. */
    public void accept(byte[] data, int bitsPerSample, int sampleRate, int ch, int frames) {
        if (bitsPerSample != 16) {
            return;
        }
        if (rate == 0) {
            rate = sampleRate;
            channels = ch;
        }
        if (sampleRate != rate || ch != channels) {
            dropped += frames;
            return;
        }
        byte[] copy = java.util.Arrays.copyOf(data, frames * ch * 2);
        if (!queue.offer(copy)) {
            dropped += frames;
        }
    }

    private void drain() {
        try (OutputStream out = Files.newOutputStream(path, java.nio.file.StandardOpenOption.APPEND)) {
            while (true) {
                byte[] b = queue.poll(200, TimeUnit.MILLISECONDS);
                if (b == STOP) {
                    break;
                }
                if (b != null) {
                    out.write(b);
                    dataBytes += b.length;
                }
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public double seconds() {
        return rate == 0 ? 0 : dataBytes / (2.0 * channels * rate);
    }

    public int rate() {
        return rate == 0 ? AudioSource.RATE : rate;
    }

    public int channels() {
        return channels == 0 ? 1 : channels;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            queue.put(STOP);
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.write(header(rate(), channels(), dataBytes));
        } catch (IOException e) {
            throw new MediaException("cannot finish the recording " + path + ": " + e.getMessage());
        }
        if (failure != null) {
            throw new MediaException("writing the recording " + path + " failed: " + failure.getMessage());
        }
    }

    static byte[] header(int rate, int channels, long dataBytes) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) (36 + dataBytes));
        b.put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) channels).putInt(rate).putInt(rate * channels * 2).putShort((short) (channels * 2))
                .putShort((short) 16);
        b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) dataBytes);
        return b.array();
    }
}
