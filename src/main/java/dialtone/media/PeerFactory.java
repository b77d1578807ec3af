package dialtone.media;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioDeviceModuleBase;
import dev.onvoid.webrtc.media.audio.AudioLayer;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The one {@link PeerConnectionFactory} of the process, on a {@link HeadlessAudioDeviceModule} (no sound card).
 * Loading it loads the native library (about 180 ms); commands that need no media never touch this class.
 * It lives until the process ends (webrtc-java's factory cannot be recreated cheaply, and disposing it while a
 * native thread still runs is the classic crash).
 *
 * <p>Many calls share it, and its audio module, safely (docs/media-engine.md): libwebrtc starts the headless module's
 * recording thread whenever a send stream starts, and that thread both feeds every sending stream beside our pushes
 * and pulls the mixer beside the playout thread; either race aborts the process. Negotiations run freely; the steps
 * that start a send stream run in a {@link #window} that stops the recording before a push can overlap it. The one {@link AudioPump} pushes every call's frames under the read side of
 * its own lock; no per-frame native call takes a process-wide lock held by a negotiation.
 */
public final class PeerFactory {
    private static PeerFactory shared;

    private final AudioDeviceModuleBase adm;
    private final PeerConnectionFactory factory;
    private final boolean device;
    /** The pump pushes under the read side; a {@link #window} holds the write side while the recording may run. */
    private final ReentrantReadWriteLock pushing = new ReentrantReadWriteLock(true);
    private final AudioPump pump = new AudioPump(pushing.readLock());
    private final MixGate gate = new MixGate();
    /** DIALTONE_MEDIA_TRACE=1: the activation windows, the mixer's thread changes and strays, on stderr (diagnosis). */
    static final boolean TRACE = System.getenv("DIALTONE_MEDIA_TRACE") != null;

    static void trace(String what) {
        if (TRACE) {
            System.err.println("media-trace " + System.nanoTime() / 1000 + " [" + Thread.currentThread().getName() + "] "
                    + what);
        }
    }

    /** Stops a recording that started outside a window (see {@link #strayRecording}); one request at a time. */
    private final java.util.concurrent.atomic.AtomicBoolean guarding = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong strays = new java.util.concurrent.atomic.AtomicLong();
    /** Peer connections created and not yet fully released (see {@link #shutdown}). */
    private final java.util.concurrent.atomic.AtomicInteger live = new java.util.concurrent.atomic.AtomicInteger();

    void opened() {
        live.incrementAndGet();
    }

    void released() {
        live.decrementAndGet();
    }

    /** Longest time the write side was held, in ns (reported by the stress benchmark). */
    private volatile long longestExclusiveNanos;

    private PeerFactory(boolean device) {
        this.device = device;
        NativeLibrary.load(); // from the user's cache when it can: webrtc-java would unpack 23 MB first
        if (device) {
            AudioDeviceModule real = new AudioDeviceModule(AudioLayer.kLinuxPulseAudio);
            if (real.getRecordingDevices().isEmpty()) {
                real.dispose();
                throw new MediaException("no audio input device: is PulseAudio running (PULSE_SERVER) with a source?");
            }
            this.adm = real;
        } else {
            this.adm = new HeadlessAudioDeviceModule();
        }
        this.factory = new PeerConnectionFactory(adm);
        if (!device) {
            gate.onStray(this::strayRecording);
        }
    }

    /**
     * A second thread pulled the mixer outside any window: the module's recording thread is running, started by a send
     * stream that libwebrtc started outside {@link #window} (every known start is inside one: docs/media-engine.md). It
     * would feed every sending stream beside the pump, and overlapping deliveries abort the process, so it is stopped
     * at once, the pump held off meanwhile: an empty window. On a thread of its own (this is called on libwebrtc's
     * audio thread, which stopping the recording joins).
     */
    private void strayRecording() {
        if (!guarding.compareAndSet(false, true)) {
            return;
        }
        strays.incrementAndGet();
        trace("stray recording: stopping it");
        Thread t = new Thread(() -> {
            try {
                window(() -> null);
            } finally {
                guarding.set(false);
            }
        }, "media-guard");
        t.setDaemon(true);
        t.start();
    }

    /** Recordings found running outside a window and stopped (for the benchmarks and tests). */
    public static synchronized long strayRecordings() {
        PeerFactory f = shared;
        return f == null ? 0 : f.strays.get();
    }

    /** The process's factory on the headless audio module (no sound card). */
    public static PeerFactory shared() {
        return shared(false);
    }

    /**
     * The process's factory; {@code device} selects the PulseAudio module (for {@code --play mic}). One kind per
     * process. A native library that cannot load is a {@link MediaException} with the fix.
     */
    public static synchronized PeerFactory shared(boolean device) {
        if (shared != null && shared.device != device) {
            throw new MediaException("this process already uses the " + (shared.device ? "PulseAudio" : "headless")
                    + " audio module; the microphone and generated audio cannot be mixed in one process");
        }
        if (shared == null) {
            try {
                shared = new PeerFactory(device);
                NativeState.markLoaded();
            } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
                String m = String.valueOf(e.getMessage());
                String hint = m.contains("libpulse") ? " (install the Debian package libpulse0)" : "";
                throw new MediaException("cannot load the WebRTC native library" + hint + ": "
                        + m.lines().findFirst().orElse(e.getClass().getSimpleName()), e);
            }
        }
        return shared;
    }

    /**
     * At process end: dispose the audio module, then the factory (webrtc-java's TestBase order), on a thread of its
     * own, for at most {@code maxMillis}. Returns whether it finished.
     */
    public static boolean shutdown(long maxMillis) {
        PeerFactory f;
        synchronized (PeerFactory.class) {
            f = shared;
            shared = null;
        }
        if (f == null) {
            return true;
        }
        f.pump.stop();
        // Never dispose the factory under a peer connection that is still open or closing (a close abandoned by its
        // watchdog goes on in native code): that frees what the close still uses. At exit the process's end frees it all.
        long until = System.nanoTime() + maxMillis * 1_000_000L;
        while (f.live.get() > 0 && System.nanoTime() < until) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
        }
        if (f.live.get() > 0) {
            return false;
        }
        return dialtone.support.Bounded.run("media-dispose", () -> {
            f.adm.dispose();
            f.factory.dispose();
        }, maxMillis);
    }

    public static synchronized boolean loaded() {
        return shared != null;
    }

    PeerConnectionFactory factory() {
        return factory;
    }

    /**
     * Runs a step that starts a send stream (activating a sender, renegotiating a call that sends). libwebrtc then
     * starts the headless module's recording thread, which (1) feeds every sending stream beside our pushes
     * (overlapping deliveries abort the process: audio_send_stream.cc's race check) and (2) pulls libwebrtc's mixer
     * beside the playout thread (two pulls race on the mixer's output frame and resampler:
     * push_sinc_resampler.cc's check, seen with G.711). So the pump is held off, the step runs, the recording is
     * stopped (its thread joined) and only then may the pump go on; meanwhile {@link #mixing} keeps the two pulls of
     * the mixer apart. Steps that cannot start a send stream (negotiating a call whose sender is still inactive,
     * closing one) need none of this and run freely. Never call it from a native callback thread.
     */
    <T> T window(Supplier<T> step) {
        if (device) { // the microphone's module records for real; nothing to stop
            return step.get();
        }
        // One window at a time, and the pump gets a turn between two windows: with many calls connecting, windows
        // queued back to back on the fair lock held the pump off for their sum (50 % of a second's frames skipped, at
        // 30 calls connecting on a busy machine); now it is held at most one window at a time.
        windows.lock();
        try {
            if (pump.active() > 0) {
                long until = System.nanoTime() + PUMP_TURN_WAIT_NANOS;
                while (pump.turns() <= turnAfterLastWindow && System.nanoTime() < until) {
                    java.util.concurrent.locks.LockSupport.parkNanos(500_000L);
                }
            }
            return exclusive(step);
        } finally {
            turnAfterLastWindow = pump.turns();
            windows.unlock();
        }
    }

    /** The longest a window waits for the pump's turn (a pump that does not run must not hold activations up). */
    static final long PUMP_TURN_WAIT_NANOS = 30_000_000L;
    private final java.util.concurrent.locks.ReentrantLock windows = new java.util.concurrent.locks.ReentrantLock(true);
    private long turnAfterLastWindow;

    private <T> T exclusive(Supplier<T> step) {
        pushing.writeLock().lock();
        long t0 = System.nanoTime();
        gate.open();
        trace("window open");
        try {
            return step.get();
        } finally {
            try {
                trace("window step done");
                adm.stopRecording();
                trace("window recording stopped");
            } finally {
                gate.close();
                long held = System.nanoTime() - t0;
                if (held > longestExclusiveNanos) {
                    longestExclusiveNanos = held;
                }
                pushing.writeLock().unlock();
            }
        }
    }

    /**
     * Called by every call's remote-audio sink, on the thread that is pulling libwebrtc's mixer (the sinks run inside
     * the mixer, under its lock). See {@link MixGate}.
     */
    void mixing() {
        gate.enter();
    }

    /**
     * Keeps two pulls of libwebrtc's mixer apart while the module's recording thread may run. libwebrtc's
     * AudioTransportImpl::NeedMorePlayData mixes under a lock but writes its output frame while mixing and resamples
     * it after the lock is let go, both on members shared by every caller: made for one playout thread, it is also
     * called, for one iteration, by the recording thread of an activation window. The sinks see each mix from the
     * inside: when the thread that mixes changes (playout to recording or back) within {@link #SETTLE_NANOS} of the
     * other thread's last sink call, the new one waits out the rest of it before its mix goes on to write, so the
     * other has finished its resampling. Outside windows (and 50 ms after) only the playout thread mixes and this is
     * two volatile reads. A measured mitigation of a libwebrtc race that webrtc-java 0.14 gives no way to avoid (its
     * module cannot be told not to record: docs/media-engine.md).
     */
    static final class MixGate {
        static final long SETTLE_NANOS = 4_000_000L;
        static final long AFTER_NANOS = 50_000_000L;
        /** A change of mixing thread within this of the other's last mix, outside windows: two threads mix. */
        static final long STRAY_NANOS = 10_000_000L;
        /**
         * The longest a newcomer waits for the other thread to get off the CPU: more than one period of a CFS quota
         * (100 ms), during which a throttled thread stays runnable and makes no progress.
         */
        static final long MAX_RUNNING_NANOS = 150_000_000L;
        private final java.util.function.LongSupplier clock;
        private final java.util.function.LongConsumer park;
        private final java.util.function.LongPredicate running;
        private final java.util.function.LongSupplier tid;
        private volatile boolean open;
        private volatile long closedAt = Long.MIN_VALUE / 2;
        private volatile Thread last;
        private volatile long lastTid = -1;
        private volatile long lastNanos;
        private volatile long waits;
        private volatile Runnable onStray = () -> { };

        MixGate() {
            this(System::nanoTime, LockSupport::parkNanos, MixGate::runnable, MixGate::currentTid);
        }

        /** For tests: a clock and a way to wait; no thread is ever seen running. */
        MixGate(java.util.function.LongSupplier clock, java.util.function.LongConsumer park) {
            this(clock, park, t -> false, () -> -1);
        }

        /** For tests: also whether a thread (by its id) is runnable, and the current thread's id. */
        MixGate(java.util.function.LongSupplier clock, java.util.function.LongConsumer park,
                java.util.function.LongPredicate running, java.util.function.LongSupplier tid) {
            this.clock = clock;
            this.park = park;
            this.running = running;
            this.tid = tid;
        }

        void open() {
            open = true;
        }

        /** What to do when two threads take turns at the mixer outside a window (a recording that runs unasked). */
        void onStray(Runnable r) {
            onStray = r;
        }

        void close() {
            closedAt = clock.getAsLong();
            open = false;
        }

        /**
         * Called by every sink, inside the mixer. When the mixing thread changes in or just after a window, the
         * newcomer waits until the other one has been quiet for {@link #SETTLE_NANOS} and is off the CPU (sleeping,
         * blocked on the mixer's lock that the newcomer holds, or gone): a wall-clock settle alone is not enough when
         * the other thread is preempted in the middle of its resampling. Under a CPU quota (0.15 core: a process runs
         * 15 ms of every 100) a thread stays runnable, without running, for up to 85 ms; that was the starved
         * {@code LoadIT} run that ended without {@code run.finished}.
         */
        void enter() {
            Thread t = Thread.currentThread();
            Thread prev = last;
            if (prev != t) {
                long now = clock.getAsLong();
                long since = now - lastNanos;
                long prevTid = lastTid;
                boolean guarded = open || now - closedAt < AFTER_NANOS;
                // outside windows only the playout thread mixes; another one within a period of it is a recording
                // thread that started unasked (a thread that replaces a stopped playout comes later than that)
                boolean stray = prev != null && !guarded && since < STRAY_NANOS;
                if (TRACE) { // on libwebrtc's audio thread: no string built unless asked for
                    trace("mixer thread " + (prev == null ? "none" : prev.getName()) + " -> " + t.getName() + ", "
                            + since / 1000 + " us after, " + (guarded ? "guarded" : "unguarded") + (stray ? ", STRAY" : ""));
                }
                if (stray) {
                    onStray.run();
                }
                if (prev != null && (guarded || stray) && (since < SETTLE_NANOS || running.test(prevTid))) {
                    waits++;
                    if (since < SETTLE_NANOS) {
                        park.accept(SETTLE_NANOS - since);
                    }
                    long until = now + MAX_RUNNING_NANOS;
                    while (running.test(prevTid) && clock.getAsLong() < until) {
                        park.accept(200_000L);
                    }
                }
                last = t;
                lastTid = tid.getAsLong();
            }
            lastNanos = clock.getAsLong();
        }

        long waits() {
            return waits;
        }

        /** The calling thread's kernel id (from {@code /proc/thread-self}), or -1. */
        static long currentTid() {
            try {
                String link = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/thread-self")).toString();
                return Long.parseLong(link.substring(link.lastIndexOf('/') + 1));
            } catch (java.io.IOException | RuntimeException e) {
                return -1;
            }
        }

        /** Whether this process's thread {@code tid} is runnable (state R: running or waiting for a CPU). */
        static boolean runnable(long tid) {
            if (tid < 0) {
                return false;
            }
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/task/" + tid + "/stat"));
                int i = stat.lastIndexOf(')');
                return i > 0 && i + 2 < stat.length() && stat.charAt(i + 2) == 'R';
            } catch (java.io.IOException | RuntimeException e) {
                return false; // gone: the recording thread of a window ends after its iteration
            }
        }
    }

    /** Waits until no push is in progress (the pump holds the read side while it pushes). */
    void barrier() {
        pushing.writeLock().lock();
        pushing.writeLock().unlock();
    }

    AudioPump pump() {
        return pump;
    }

    /** The longest activation window (the pump held off), in ms, for the benchmarks. */
    public static synchronized double longestExclusiveMillis() {
        PeerFactory f = shared;
        return f == null ? 0 : f.longestExclusiveNanos / 1e6;
    }

    boolean device() {
        return device;
    }
}
