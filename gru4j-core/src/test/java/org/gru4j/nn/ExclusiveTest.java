package org.gru4j.nn;

import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One Recurrent used by two threads at once: the second is refused with one clear message, and no call returns a wrong
 * result (before, 3,036 of 4,000 concurrent results were silently wrong).
 */
class ExclusiveTest {
    static Tensor random(SplittableRandom r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.data.length; i++) t.data[i] = (float) r.nextDouble(-1, 1);
        return t;
    }

    @Test
    void aSecondThreadIsRefusedAndNoResultIsWrong() throws Exception {
        Recurrent gru = new Recurrent(RecurrentConfig.pytorch(CellKind.GRU, 16, 64, 1, false, true));
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < gru.params.length; i++) gru.params[i] = (float) r.nextDouble(-0.2, 0.2);
        Tensor big = random(r, 3000, 8, 16), small = random(r, 5, 2, 16);
        float[] bigWant = gru.forward(big).y().data.clone(), smallWant = gru.forward(small).y().data.clone();

        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<float[]> bigGot = new AtomicReference<>();
        Thread a = new Thread(() -> {
            started.countDown();
            while (bigGot.get() == null) {     // the main thread may be inside first: then this one is refused and retries
                try {
                    bigGot.set(gru.forward(big).y().data);
                } catch (IllegalStateException refusedFirst) {
                    Thread.onSpinWait();
                }
            }
        }, "long-forward");
        a.start();
        started.await();
        AtomicInteger refused = new AtomicInteger(), ran = new AtomicInteger();
        String[] message = new String[1];
        while (a.isAlive()) {
            try {
                assertArrayEquals(smallWant, gru.forward(small).y().data, "a result while the other thread was inside");
                ran.incrementAndGet();
            } catch (IllegalStateException e) {
                refused.incrementAndGet();
                message[0] = e.getMessage();
            }
        }
        a.join();
        assertArrayEquals(bigWant, bigGot.get(), "the long forward's result");
        assertTrue(refused.get() > 0, "the second thread was never refused (" + ran.get() + " calls ran)");
        assertTrue(message[0].contains("in use by thread 'long-forward'") && message[0].contains("give each thread its own"), message[0]);
    }
}
