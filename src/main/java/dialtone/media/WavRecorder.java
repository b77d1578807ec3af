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
 *
 * <p>In stereo ({@code --record-stereo}) the left channel is the far end's audio as above and the right channel what
 * dialtone sent ({@link #sent}, from the audio pump): each received sample is paired with the next sent one, and sent
 * frames more than {@link #MAX_LAG_FRAMES} ahead of the playout are dropped, so the two stay within about 20 ms of each
 * other in time; when nothing was sent (a stalled pump, the microphone) the right channel is silent.
 */
public final class WavRecorder implements AutoCloseable {
    public static final int RATE = AudioSource.RATE;
    private static final byte[] STOP = new byte[0];

    private final Path path;
    private final OutputFile out;
    private final FileChannel file;
    private final ArrayBlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(1000);
    /** Sent frames not yet paired with received audio (stereo only), at most {@link #MAX_LAG_FRAMES} + 1 kept. */
    static final int MAX_LAG_FRAMES = 2;
    private final int channels;
    private final ArrayBlockingQueue<short[]> sentFrames;
    private short[] sentNow = new short[0];
    private int sentAt;
    private final Thread writer;
    private volatile long dataBytes;
    private volatile long framesIn;
    private volatile long dropped;
    private volatile IOException failure;

    public WavRecorder(Path path) {
        this(path, false, false);
    }

    public WavRecorder(Path path, boolean overwrite) {
        this(path, overwrite, false);
    }

    /**
     * Creates the new file now (so a bad path fails before the call), beside the target, renamed over it by
     * {@link #close()} ({@link OutputFile}); {@code overwrite} lets it replace a regular file, never anything else.
     */
    public WavRecorder(Path path, boolean overwrite, boolean stereo) {
        this.path = path;
        this.channels = stereo ? 2 : 1;
        this.sentFrames = stereo ? new ArrayBlockingQueue<>(MAX_LAG_FRAMES + 2) : null;
        try {
            this.out = OutputFile.create(path, overwrite ? OutputFile.Existing.REPLACE : OutputFile.Existing.REFUSE);
        } catch (OutputFile.Refused e) {
            boolean exists = Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
            throw new MediaException("cannot write the recording " + path + ": " + e.getMessage()
                    + (exists && !overwrite ? " (add --force to replace it)" : ""));
        }
        this.file = out.channel();
        try {
            OutputFile.writeFully(file, ByteBuffer.wrap(header(RATE, channels, 0)));
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
        byte[] out = new byte[pcm.length * 2 * channels];
        for (int i = 0; i < pcm.length; i++) {
            int o = 2 * channels * i;
            out[o] = (byte) pcm[i];
            out[o + 1] = (byte) (pcm[i] >> 8);
            if (channels == 2) {
                short r = nextSent();
                out[o + 2] = (byte) r;
                out[o + 3] = (byte) (r >> 8);
            }
        }
        if (!queue.offer(out)) {
            dropped++;
        }
    }

    /**
     * What dialtone sent, one 10 ms frame of 16-bit little-endian mono PCM at {@link #RATE} (the pump's thread; copied,
     * never blocks); ignored in mono. The oldest frame goes when more are waiting than the playout has caught up with.
     */
    public void sent(byte[] pcm16, int samples) {
        if (sentFrames == null) {
            return;
        }
        short[] f = new short[samples];
        for (int i = 0; i < samples; i++) {
            f[i] = (short) ((pcm16[2 * i] & 0xff) | (pcm16[2 * i + 1] << 8));
        }
        while (!sentFrames.offer(f)) {
            sentFrames.poll();
        }
    }

    /** The sent sample to pair with the next received one (the audio thread only). */
    private short nextSent() {
        if (sentAt >= sentNow.length) {
            while (sentFrames.size() > MAX_LAG_FRAMES + 1) { // the pump ran ahead (a catch-up): keep to the playout's time
                sentFrames.poll();
            }
            short[] f = sentFrames.poll();
            sentNow = f != null ? f : new short[AudioSource.FRAME]; // nothing sent meanwhile: 10 ms of silence
            sentAt = 0;
        }
        return sentNow[sentAt++];
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
        return dataBytes / (2.0 * RATE * channels);
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
        return channels;
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
            file.write(ByteBuffer.wrap(header(RATE, channels, dataBytes)), 0);
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
