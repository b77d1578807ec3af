package dialtone.media;

import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * The one thread that feeds every call's send stream: every 10 ms it takes each active call's next frame from its
 * {@link AudioSource} and pushes it into the call's {@link CustomAudioSource}, all under the read side of the
 * factory's lock (so no push overlaps a negotiation, see {@link PeerFactory#exclusive}). One thread for any number
 * of calls; a muted call sends zeros (the sender keeps running, as a browser's does).
 */
final class AudioPump {
    /** One call's feed. */
    static final class Feed {
        private final AudioSource source;
        private final CustomAudioSource out;
        private final short[] frame = new short[AudioSource.FRAME];
        private final byte[] bytes = new byte[AudioSource.FRAME * 2];
        volatile boolean muted;
        private boolean ended;

        Feed(AudioSource source, CustomAudioSource out) {
            this.source = source;
            this.out = out;
        }

        private void push() {
            boolean more = !ended && source.next(frame);
            ended = !more;
            boolean silent = muted || !more;
            for (int i = 0; i < frame.length; i++) {
                short s = silent ? 0 : frame[i];
                bytes[2 * i] = (byte) s;
                bytes[2 * i + 1] = (byte) (s >> 8);
            }
            out.pushAudio(bytes, 16, AudioSource.RATE, 1, AudioSource.FRAME);
        }
    }

    private final Lock pushing;
    private final CopyOnWriteArrayList<Feed> feeds = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService thread;
    private ScheduledFuture<?> ticking;
    private volatile long ticks;
    private volatile long lateTicks;

    AudioPump(Lock pushing) {
        this.pushing = pushing;
    }

    synchronized void add(Feed f) {
        feeds.addIfAbsent(f);
        if (thread == null) {
            thread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "audio-pump");
                t.setDaemon(true);
                t.setPriority(Thread.MAX_PRIORITY);
                return t;
            });
            ticking = thread.scheduleAtFixedRate(this::tick, 0, 10, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops feeding {@code f}; a push of it in progress may still finish (see {@link PeerFactory#barrier}). */
    void remove(Feed f) {
        feeds.remove(f);
    }

    int active() {
        return feeds.size();
    }

    private long lastTick;

    private void tick() {
        long now = System.nanoTime();
        if (lastTick != 0 && now - lastTick > 30_000_000L) {
            lateTicks++;
        }
        lastTick = now;
        ticks++;
        if (feeds.isEmpty()) {
            return;
        }
        pushing.lock();
        try {
            for (Feed f : feeds) {
                try {
                    f.push();
                } catch (RuntimeException e) {
                    feeds.remove(f); // a source that fails stops sending; the call's checks say what is missing
                }
            }
        } finally {
            pushing.unlock();
        }
    }

    /** Ticks that came more than 30 ms after the previous one (the pump was held off), and all ticks. */
    long lateTicks() {
        return lateTicks;
    }

    long ticks() {
        return ticks;
    }

    synchronized void stop() {
        feeds.clear();
        if (thread != null) {
            ticking.cancel(false);
            thread.shutdownNow();
            thread = null;
        }
    }
}
