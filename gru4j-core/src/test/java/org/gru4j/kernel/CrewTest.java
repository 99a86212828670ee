package org.gru4j.kernel;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The step barrier: every part of step s sees every part's writes of step s − 1; failures come back to the caller. */
class CrewTest {
    /** x_{s+1}[i] = x_s[i−1] + x_s[i] + x_s[i+1] (cyclic): each part writes its slice and reads its neighbours'. */
    static long[] run(int parts, int n, int steps) {
        long[][] x = {new long[n], new long[n]};
        x[0][0] = 1;
        Crew.run(parts, steps, (part, s) -> {
            long[] in = x[s & 1], out = x[(s + 1) & 1];
            for (int i = n * part / parts; i < n * (part + 1) / parts; i++) {
                out[i] = in[(i + n - 1) % n] + in[i] + in[(i + 1) % n];
            }
        });
        return x[steps & 1];
    }

    @Test
    void stepsSeeThePreviousStepWhole() {
        long[] serial = run(1, 64, 30);
        for (int rep = 0; rep < 20; rep++) assertArrayEquals(serial, run(2, 64, 30));
        assertArrayEquals(serial, run(3, 64, 30));
    }

    @Test
    void aFailureInAnyPartReachesTheCaller() {
        AtomicInteger ran = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Crew.run(2, 10, (part, s) -> {
            ran.incrementAndGet();
            if (part == 0 && s == 3) throw new IllegalStateException("boom");
        }));
        assertEquals("boom", e.getMessage());
        // and the crew is usable again
        assertArrayEquals(run(1, 16, 5), run(2, 16, 5));
    }

    @Test
    void twoCallersAtOnceBothFinishRight() throws Exception {
        long[] want = run(1, 32, 50);
        long[][] got = new long[4][];
        Thread[] ts = new Thread[4];
        for (int i = 0; i < ts.length; i++) {
            final int k = i;
            ts[i] = new Thread(() -> {
                for (int rep = 0; rep < 20; rep++) got[k] = run(2, 32, 50);
            });
            ts[i].start();
        }
        for (Thread t : ts) t.join();
        for (long[] g : got) assertArrayEquals(want, g);
    }
}
