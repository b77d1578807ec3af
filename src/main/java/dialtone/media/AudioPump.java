package dialtone.media;

import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that feeds every call's send stream: every 10 ms it takes each active call's next frame from its
 * {@link AudioSource} and pushes it into the call's {@link CustomAudioSource}, all under the read side of the
 * factory's push lock (so no push overlaps the audio module's recording, see {@link PeerFactory#window}). One thread for any number
 * of calls; a muted call sends zeros (the sender keeps running, as a browser's does).
 */
final class AudioPump {
    /** What a call sent, frame by frame (a stereo recording's right channel). */
    @FunctionalInterface
    interface SentTap {
        void sent(byte[] pcm16, int samples);
    }

    /** One call's feed. */
    static final class Feed {
        private final AudioSource source;
        private final CustomAudioSource out;
        private final short[] frame = new short[AudioSource.FRAME];
        private final byte[] bytes = new byte[AudioSource.FRAME * 2];
        /** The source's frames as pushed, shared by every call that sends the same (a tone, silence); else null. */
        private final byte[][] shared;
        /** The same frames at 8 kHz (for a call that sends G.711), or null when the source has none. */
        private final byte[][] narrow;
        private int sharedAt;
        /** Whether to push {@link #narrow} (the call's send codec is G.711 at 8 kHz): see {@link #narrowband}. */
        private volatile boolean narrowband;
        volatile boolean muted;
        private boolean ended;
        /** Speech to send instead of the source (a script's {@code say}), or null. */
        volatile Clip clip;
        /** Gets each frame as pushed (16-bit mono at the source's rate; the pump's buffer: copy it), or null. */
        volatile SentTap sentTap;

        Feed(AudioSource source, CustomAudioSource out) {
            this.source = source;
            this.out = out;
            this.shared = SharedFrames.of(source);
            this.narrow = shared == null ? null : SharedFrames.narrow(source);
        }

        /**
         * Whether the call's send codec runs at 8 kHz (PCMU, PCMA): a shared source is then pushed as its 8 kHz frames,
         * so libwebrtc's encoder does not resample 48 kHz to 8 kHz for every call and frame. What the call sends is the
         * same tone (the 48 kHz second taken at every 6th sample: the same sine, sampled at 8 kHz); a recording's right
         * channel still gets the 48 kHz frame. A source without 8 kHz frames (a WAV, the echo) stays at 48 kHz.
         */
        void narrowband(boolean on) {
            narrowband = on && narrow != null;
        }

        boolean isNarrowband() {
            return narrowband;
        }

        private void push() {
            Clip c = clip;
            if (c != null) {
                pushClip(c);
                return;
            }
            if (shared != null) { // nothing to make: the frame every such call sends, as bytes already
                byte[] b = muted ? SharedFrames.SILENCE : shared[sharedAt];
                if (narrowband) {
                    out.pushAudio(muted ? SharedFrames.SILENCE_8K : narrow[sharedAt], 16, SharedFrames.NARROW_RATE, 1,
                            SharedFrames.NARROW_FRAME);
                } else {
                    out.pushAudio(b, 16, AudioSource.RATE, 1, AudioSource.FRAME);
                }
                sharedAt = sharedAt + 1 == shared.length ? 0 : sharedAt + 1;
                tap(b);
                return;
            }
            boolean more = !ended && source.next(frame);
            ended = !more;
            boolean silent = muted || !more;
            for (int i = 0; i < frame.length; i++) {
                short s = silent ? 0 : frame[i];
                bytes[2 * i] = (byte) s;
                bytes[2 * i + 1] = (byte) (s >> 8);
            }
            out.pushAudio(bytes, 16, AudioSource.RATE, 1, AudioSource.FRAME);
            tap(bytes);
        }

        private void tap(byte[] b) {
            SentTap t = sentTap;
            if (t != null) {
                t.sent(b, AudioSource.FRAME);
            }
        }

        /** One frame of the clip (the source waits meanwhile); completes the clip after its last frame. */
        private void pushClip(Clip c) {
            long now = System.nanoTime();
            int n = Math.min(frame.length, c.pcm.length - c.pos);
            for (int i = 0; i < frame.length; i++) {
                short s = i < n ? c.pcm[c.pos + i] : 0;
                bytes[2 * i] = (byte) s;
                bytes[2 * i + 1] = (byte) (s >> 8);
            }
            c.pos += n;
            if (c.firstPush < 0) {
                c.firstPush = now;
            }
            out.pushAudio(bytes, 16, AudioSource.RATE, 1, AudioSource.FRAME);
            tap(bytes);
            if (c.pos >= c.pcm.length) {
                clip = null;
                // a frame pushed at t is the audio of [t, t + 10 ms): the speech ends n samples into the last one
                c.done.complete(new long[] {c.firstPush, now + n * 1_000_000_000L / AudioSource.RATE});
            }
        }
    }

    /**
     * The frames of a source that is the same for every call, made once per process as the bytes the pump pushes: a
     * whole-number tone at the default level (one second: 100 frames, then it repeats exactly) and silence. A call
     * sending them costs the pump one native push per 10 ms and nothing else (before: the samples copied, then
     * converted to bytes, per call and frame).
     */
    static final class SharedFrames {
        static final byte[] SILENCE = new byte[AudioSource.FRAME * 2];
        private static final byte[][] SILENT = {SILENCE};
        private static final java.util.Map<short[], byte[][]> TONES =
                java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
        /** G.711's rate, and a 10 ms frame at it. */
        static final int NARROW_RATE = 8000;
        static final int NARROW_FRAME = NARROW_RATE / 100;
        static final byte[] SILENCE_8K = new byte[NARROW_FRAME * 2];
        private static final byte[][] SILENT_8K = {SILENCE_8K};
        private static final java.util.Map<short[], byte[][]> NARROW_TONES =
                java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
        /** Highest tone sent as 8 kHz frames: below G.711's band edge, so every 6th sample is the same sine, unaliased. */
        static final double NARROW_MAX_HZ = 3400;

        private SharedFrames() {
        }

        /** The shared frames for {@code s}, or null when its frames are its own (a WAV, the echo, an odd tone). */
        static byte[][] of(AudioSource s) {
            if (s instanceof SilenceSource) {
                return SILENT;
            }
            if (s instanceof ToneSource t) {
                short[] second = t.sharedSecond();
                if (second != null && second.length % AudioSource.FRAME == 0 && t.phase()[0] == 0) {
                    return TONES.computeIfAbsent(second, SharedFrames::frames);
                }
            }
            return null;
        }

        /**
         * The 8 kHz frames of a source {@link #of} shares, frame for frame (the same count, so one index walks both), or
         * null: silence, and a shared tone up to {@link #NARROW_MAX_HZ}, its 48 kHz second taken at every 6th sample.
         */
        static byte[][] narrow(AudioSource s) {
            if (s instanceof SilenceSource) {
                return SILENT_8K;
            }
            if (s instanceof ToneSource t && t.hz() <= NARROW_MAX_HZ && of(s) != null) {
                short[] second = t.sharedSecond();
                return NARROW_TONES.computeIfAbsent(second, w -> {
                    int step = AudioSource.RATE / NARROW_RATE;
                    short[] n = new short[w.length / step];
                    for (int i = 0; i < n.length; i++) {
                        n[i] = w[i * step];
                    }
                    return frames(n, NARROW_FRAME);
                });
            }
            return null;
        }

        static byte[][] frames(short[] pcm) {
            return frames(pcm, AudioSource.FRAME);
        }

        static byte[][] frames(short[] pcm, int frame) {
            byte[][] f = new byte[pcm.length / frame][frame * 2];
            for (int i = 0; i < pcm.length; i++) {
                byte[] b = f[i / frame];
                int o = 2 * (i % frame);
                b[o] = (byte) pcm[i];
                b[o + 1] = (byte) (pcm[i] >> 8);
            }
            return f;
        }
    }

    /** A clip of speech being sent: completes with the nanoTime of its first sample and of its end. */
    static final class Clip {
        final short[] pcm;
        int pos;
        long firstPush = -1;
        final java.util.concurrent.CompletableFuture<long[]> done = new java.util.concurrent.CompletableFuture<>();

        Clip(short[] pcm) {
            this.pcm = pcm;
        }
    }

    /** Frames a late pump may still push back to back to catch up; beyond that it drops the backlog. */
    static final int MAX_CATCH_UP = 20;
    private static final long PERIOD_NS = 10_000_000L;

    private final Lock pushing;
    private final Pacing pacing;
    private final CopyOnWriteArrayList<Feed> feeds = new CopyOnWriteArrayList<>();
    private volatile Thread thread;
    private volatile long ticks;
    /** Turns the pump has taken (each a pass that pushed every frame due); see {@link PeerFactory#window}. */
    private volatile long turns;
    private volatile long droppedTicks;

    AudioPump(Lock pushing) {
        this(pushing, Pacing.process());
    }

    AudioPump(Lock pushing, Pacing pacing) {
        this.pushing = pushing;
        this.pacing = pacing;
    }

    synchronized void add(Feed f) {
        feeds.addIfAbsent(f);
        if (thread == null) {
            thread = new Thread(this::run, "audio-pump");
            thread.setDaemon(true);
            thread.setPriority(Thread.MAX_PRIORITY);
            thread.start();
        }
    }

    /** Stops feeding {@code f}; a push of it in progress may still finish (see {@link PeerFactory#barrier}). */
    void remove(Feed f) {
        feeds.remove(f);
    }

    int active() {
        return feeds.size();
    }

    /**
     * Paced by the clock, not by a fixed-rate timer: tick {@code n} is due at {@code start + n * 10 ms}. A pump held
     * off (an activation window holds the push lock, the machine is saturated) pushes at most {@link #MAX_CATCH_UP}
     * frames back to back and drops the rest of its backlog, as a sound card's capture does. A fixed-rate timer
     * instead replays every missed tick at once, and a call that started during the stall receives frames it was
     * never due (seen: 66 packets a second on the last calls of a 50-call run).
     */
    static final class Pacer {
        private final long start;
        private long done;
        private long dropped;

        Pacer(long start) {
            this.start = start;
        }

        /** How long to wait before the next tick is due; zero or less: it is due now. */
        long waitNanos(long now) {
            return start + done * PERIOD_NS - now;
        }

        /**
         * Accounts for one tick taken at {@code now}, after dropping what is beyond the catch-up, and returns how late
         * it is: {@code now} minus the time the tick was due.
         */
        long ticked(long now) {
            long due = (now - start) / PERIOD_NS + 1; // ticks due by now, counting the one at start
            if (due - done > MAX_CATCH_UP) {
                dropped += due - done - MAX_CATCH_UP;
                done = due - MAX_CATCH_UP;
            }
            long late = now - (start + done * PERIOD_NS);
            done++;
            return late;
        }

        long ticks() {
            return done;
        }

        long dropped() {
            return dropped;
        }
    }

    private void run() {
        Thread me = Thread.currentThread();
        Pacer pacer = new Pacer(System.nanoTime());
        while (thread == me) {
            long now = System.nanoTime();
            long wait = pacer.waitNanos(now);
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            long before = pacer.dropped();
            int sending = feeds.size();
            int due = 0;
            while (due < MAX_CATCH_UP && pacer.waitNanos(now) <= 0) { // every frame due by now, in one turn of the lock
                long late = pacer.ticked(now);
                if (sending > 0) { // the pace only matters while a call is sending (an idle pump is not behind)
                    pacing.pushed(late, sending);
                }
                due++;
            }
            droppedTicks = pacer.dropped();
            if (sending > 0 && droppedTicks > before) {
                pacing.skipped(droppedTicks - before);
            }
            tick(due);
            turns++;
        }
    }

    /** How many turns the pump has taken so far. */
    long turns() {
        return turns;
    }

    /**
     * Pushes {@code frames} frames of every feed under one hold of the read lock. A pump that is behind catches up in
     * one turn: the lock is fair, and with activation windows queued back to back (many calls connecting at once) a
     * pump that took the lock once per frame got one frame per window and fell further behind with each one (seen:
     * 80 % of a second's frames skipped while 50 calls connected on a busy machine).
     */
    private void tick(int frames) {
        ticks += frames;
        if (feeds.isEmpty() || frames <= 0) {
            return;
        }
        long t0 = System.nanoTime();
        pushing.lock();
        long held = System.nanoTime() - t0;
        if (feeds.size() > 0) {
            pacing.heldOff(held);
        }
        try {
            for (int i = 0; i < frames; i++) {
                for (Feed f : feeds) {
                    try {
                        f.push();
                    } catch (RuntimeException e) {
                        feeds.remove(f); // a source that fails stops sending; the call's checks say what is missing
                    }
                }
            }
        } finally {
            pushing.unlock();
        }
    }

    /** Ticks dropped because the pump was held off for longer than its catch-up allows, and all ticks pushed. */
    long droppedTicks() {
        return droppedTicks;
    }

    long ticks() {
        return ticks;
    }

    synchronized void stop() {
        feeds.clear();
        Thread t = thread;
        thread = null;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
