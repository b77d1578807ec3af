package dialtone.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The gate that keeps a recording thread's pull of libwebrtc's mixer apart from the playout thread's: when the
 * mixing thread changes within the settling time of the other one's last sink call, while an activation window is
 * open (or just closed), the newcomer waits out the rest of it. On a fake clock.
 */
class MixGateTest {
    static final long MS = 1_000_000L;
    final AtomicLong now = new AtomicLong(1_000 * MS);
    final List<Long> parked = new ArrayList<>();
    final PeerFactory.MixGate gate = new PeerFactory.MixGate(now::get, n -> {
        synchronized (parked) {
            parked.add(n);
        }
        now.addAndGet(n);
    });

    /** {@code gate.enter()} on another thread, as a second audio thread would call it. */
    void enterFromAnotherThread() throws InterruptedException {
        Thread t = new Thread(gate::enter);
        t.start();
        t.join();
    }

    /** A thread that replaces a stopped playout (its first mix a period or more after the other's last) is no stray. */
    @Test
    void outsideWindowsALaterThreadNeverWaits() throws Exception {
        List<String> strays = new ArrayList<>();
        gate.onStray(() -> strays.add("stray"));
        gate.enter();
        now.addAndGet(PeerFactory.MixGate.STRAY_NANOS);
        enterFromAnotherThread();
        now.addAndGet(PeerFactory.MixGate.STRAY_NANOS);
        gate.enter();
        assertEquals(List.of(), parked);
        assertEquals(List.of(), strays);
    }

    /**
     * Outside windows, two threads taking turns at the mixer is a recording thread that started unasked: it is reported
     * (the factory stops it) and the newcomer waits out the other's settling time, as in a window.
     */
    @Test
    void outsideWindowsTwoThreadsTakingTurnsAreAStrayRecording() throws Exception {
        List<String> strays = new ArrayList<>();
        gate.onStray(() -> strays.add("stray"));
        gate.enter(); // the playout thread
        now.addAndGet(3 * MS);
        enterFromAnotherThread(); // a recording thread 3 ms later, no window open
        assertEquals(List.of("stray"), strays);
        assertEquals(List.of(PeerFactory.MixGate.SETTLE_NANOS - 3 * MS), parked);
    }

    @Test
    void inAWindowTheNewMixingThreadWaitsOutTheSettlingTime() throws Exception {
        gate.enter(); // the playout thread's sink call
        now.addAndGet(MS);
        gate.open();
        enterFromAnotherThread(); // the recording thread's pull, 1 ms later: waits the other 3
        assertEquals(List.of(PeerFactory.MixGate.SETTLE_NANOS - MS), parked);
        gate.close();
        now.addAndGet(2 * MS);
        gate.enter(); // the playout thread's next mix, 2 ms after the recording's, just after the window: waits 2
        assertEquals(List.of(PeerFactory.MixGate.SETTLE_NANOS - MS, PeerFactory.MixGate.SETTLE_NANOS - 2 * MS), parked);
        assertEquals(2, gate.waits());
    }

    @Test
    void aChangeAfterTheSettlingTimeOrLongAfterTheWindowDoesNotWait() throws Exception {
        gate.enter();
        gate.open();
        now.addAndGet(PeerFactory.MixGate.SETTLE_NANOS);
        enterFromAnotherThread(); // the other thread's last call is already 4 ms old
        gate.close();
        now.addAndGet(PeerFactory.MixGate.AFTER_NANOS);
        gate.enter(); // switches back, but the window closed 50 ms ago
        assertEquals(List.of(), parked);
    }

    @Test
    void theSameThreadMixingAgainNeverWaits() {
        gate.open();
        for (int i = 0; i < 100; i++) {
            gate.enter();
        }
        assertEquals(0, gate.waits());
    }

    /**
     * The other thread preempted in the middle of its resampling (runnable, not running: a CPU quota throttles it for up
     * to 85 ms of 100) is waited for past the settling time until it is off the CPU, at most 150 ms.
     */
    @Test
    void aNewcomerWaitsUntilTheOtherThreadIsOffTheCpu() throws Exception {
        java.util.Map<Thread, Long> ids = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicLong runnableUntil = new AtomicLong();
        PeerFactory.MixGate g = new PeerFactory.MixGate(now::get, n -> {
            synchronized (parked) {
                parked.add(n);
            }
            now.addAndGet(n);
        }, id -> id == 1 && now.get() < runnableUntil.get(), () -> ids.computeIfAbsent(Thread.currentThread(),
                x -> (long) ids.size() + 1));
        g.enter(); // the playout thread (id 1) mixes, then is throttled in its resampling for 30 ms
        runnableUntil.set(now.get() + 30 * MS);
        g.open();
        now.addAndGet(10 * MS);
        Thread rec = new Thread(g::enter);
        rec.start();
        rec.join();
        assertEquals(1, g.waits());
        assertEquals(30 * MS, now.get() - (1_000 * MS), "the recording thread waited until the playout thread slept");
        // one that stays runnable is waited for at most 150 ms
        g.enter(); // the playout thread again (just after the recording thread: it waits its settling time)
        runnableUntil.set(Long.MAX_VALUE);
        long before = now.get();
        Thread rec2 = new Thread(g::enter);
        rec2.start();
        rec2.join();
        assertEquals(true, now.get() - before >= PeerFactory.MixGate.MAX_RUNNING_NANOS
                && now.get() - before < PeerFactory.MixGate.MAX_RUNNING_NANOS + 5 * MS, (now.get() - before) / MS + " ms");
    }

    @Test
    void theRealProbesSeeThisThreadRunningAndASleepingOneNot() throws Exception {
        long me = PeerFactory.MixGate.currentTid();
        assertEquals(true, me > 0);
        assertEquals(true, PeerFactory.MixGate.runnable(me));
        long[] other = new long[1];
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        Thread sleeper = new Thread(() -> {
            other[0] = PeerFactory.MixGate.currentTid();
            ready.countDown();
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                // ends
            }
        });
        sleeper.start();
        ready.await();
        Thread.sleep(100);
        assertEquals(false, PeerFactory.MixGate.runnable(other[0]));
        sleeper.interrupt();
        sleeper.join();
        // a thread that has ended (its kernel task goes a moment after Thread.join returns)
        for (int i = 0; i < 100 && PeerFactory.MixGate.runnable(other[0]); i++) {
            Thread.sleep(10);
        }
        assertEquals(false, PeerFactory.MixGate.runnable(other[0]), "a thread that has ended");
    }
}
