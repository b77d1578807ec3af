package dialtone.media;

import dialtone.support.OutputFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes what the far end sent to a 16-bit PCM WAV, 48 kHz mono. The audio thread converts each frame to that one
 * format (libwebrtc may deliver the first frames at another rate or channel count than the rest: keeping the first
 * frame's format and dropping the others left recordings of 10 ms) and copies it into a bounded queue (overflow is
 * dropped and counted); a writer thread drains it into a new file beside the target ({@link OutputFile}): an
 * existing file at the path is refused unless {@code overwrite}, and a symbolic link, a device or a directory always.
 * {@link #close()} fixes up the RIFF sizes through the same open file and renames it over the target.
 */
public final class WavRecorder implements AutoCloseable {
    public static final int RATE = AudioSource.RATE;
    private static final byte[] STOP = new byte[0];

    private final Path path;
    private final OutputFile out;
    private final FileChannel file;
    private final ArrayBlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(1000);
    private final Thread writer;
    private volatile long dataBytes;
    private volatile long framesIn;
    private volatile long dropped;
    private volatile IOException failure;

    public WavRecorder(Path path) {
        this(path, false);
    }

    /**
     * Creates the new file now (so a bad path fails before the call), beside the target, renamed over it by
     * {@link #close()} ({@link OutputFile}); {@code overwrite} lets it replace a regular file, never anything else.
     */
    public WavRecorder(Path path, boolean overwrite) {
        this.path = path;
        try {
            this.out = OutputFile.create(path, overwrite ? OutputFile.Existing.REPLACE : OutputFile.Existing.REFUSE);
        } catch (OutputFile.Refused e) {
            boolean exists = Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
            throw new MediaException("cannot write the recording " + path + ": " + e.getMessage()
                    + (exists && !overwrite ? " (add --force to replace it)" : ""));
        }
        this.file = out.channel();
        try {
            OutputFile.writeFully(file, ByteBuffer.wrap(header(RATE, 1, 0)));
        } catch (IOException e) {
            out.discard();
            throw new MediaException("cannot write the recording " + path + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        writer = new Thread(this::drain, "wav-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** A name in {@code dir} that does not exist yet: {@code base.wav}, else {@code base-2.wav}, ... */
    public static Path fresh(Path dir, String base) {
        Path p = dir.resolve(base + ".wav");
        for (int i = 2; Files.exists(p, LinkOption.NOFOLLOW_LINKS) && i < 10_000; i++) {
            p = dir.resolve(base + "-" + i + ".wav");
        }
        return p;
    }

    /** Called on the audio thread: convert, copy and queue, never block. */
    public void accept(byte[] data, int bitsPerSample, int sampleRate, int ch, int frames) {
        framesIn++;
        short[] mono = toMono(data, bitsPerSample, ch, frames);
        if (mono == null || sampleRate <= 0) {
            dropped++;
            return;
        }
        short[] pcm = sampleRate == RATE ? mono : WavSource.resample(mono, sampleRate, RATE);
        byte[] out = new byte[pcm.length * 2];
        for (int i = 0; i < pcm.length; i++) {
            out[2 * i] = (byte) pcm[i];
            out[2 * i + 1] = (byte) (pcm[i] >> 8);
        }
        if (!queue.offer(out)) {
            dropped++;
        }
    }

    /** 16-bit little-endian PCM of any channel count, averaged to mono; null for other sample sizes. */
    static short[] toMono(byte[] data, int bits, int ch, int frames) {
        if (bits != 16 || ch < 1 || frames < 0 || data.length < frames * ch * 2) {
            return null;
        }
        short[] mono = new short[frames];
        for (int i = 0; i < frames; i++) {
            int sum = 0;
            for (int c = 0; c < ch; c++) {
                int o = (i * ch + c) * 2;
                sum += (short) ((data[o] & 0xff) | (data[o + 1] << 8));
            }
            mono[i] = (short) (sum / ch);
        }
        return mono;
    }

    private void drain() {
        try {
            while (true) {
                byte[] b = queue.poll(200, TimeUnit.MILLISECONDS);
                if (b == STOP) {
                    break;
                }
                if (b != null) {
                    ByteBuffer buf = ByteBuffer.wrap(b);
                    while (buf.hasRemaining()) {
                        file.write(buf);
                    }
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
        return dataBytes / (2.0 * RATE);
    }

    /** Frames that could not be kept (queue full, unusable sample format), of {@link #framesReceived()}. */
    public long droppedFrames() {
        return dropped;
    }

    public long framesReceived() {
        return framesIn;
    }

    public int rate() {
        return RATE;
    }

    public int channels() {
        return 1;
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
        try {
            // what was written before a failure (a full disk) is kept, with sizes that say how much it is
            file.write(ByteBuffer.wrap(header(RATE, 1, dataBytes)), 0);
            out.commit();
        } catch (IOException e) {
            out.discard();
            throw new MediaException("cannot finish the recording " + path + ": " + e.getMessage());
        }
        if (failure != null) {
            throw new MediaException("writing the recording " + path + " failed: " + failure.getMessage());
        }
    }

    static byte[] header(int rate, int channels, long dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(44).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) (36 + dataBytes));
        b.put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) channels).putInt(rate).putInt(rate * channels * 2).putShort((short) (channels * 2))
                .putShort((short) 16);
        b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) dataBytes);
        return b.array();
    }
}
