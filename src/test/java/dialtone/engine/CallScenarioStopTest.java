package dialtone.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A call's thread waits on its verdict or the run's stop without polling: the stop is one future per latch. */
class CallScenarioStopTest {
    @Test
    void theStopIsOneFutureThatCompletesWhenTheLatchIsCountedDown() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CompletableFuture<Void> f = CallScenario.stopped(stop);
        assertSame(f, CallScenario.stopped(stop), "one waiting thread per run, however many calls wait on it");
        Thread.sleep(50);
        assertFalse(f.isDone());
        stop.countDown();
        f.get(5, TimeUnit.SECONDS);
        assertTrue(f.isDone());
    }

    @Test
    void aLatchAlreadyCountedDownIsAStopAtOnce() throws Exception {
        CountDownLatch stop = new CountDownLatch(0);
        CallScenario.stopped(stop).get(5, TimeUnit.SECONDS);
    }
}
