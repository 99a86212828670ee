package org.gru4j.stream;

import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Soak: threads hammer one {@link Sessions} for a set time (3 s here; {@code -Dgru4j.soak.seconds=N} for longer) with
 * a random mix of step, stepBatch (repeated keys included), state, setState, reset and remove on random keys of
 * their own (key mod threads = thread), while another thread takes snapshots. Keys are per-thread, so replaying each
 * thread's operations in order on a fresh Sessions, one thread after another, must give every key the same state
 * bit for bit — whatever the interleaving, the segment locks must have lost or mixed up nothing.
 * {@link SessionsTest#concurrentStepsLoseNothing} is the quick fixed-size version with step alone.
 */
class SessionsSoakTest {
    static final int THREADS = 3, KEYS_PER_THREAD = 300, I = 3;

    /** Runs operations of one thread from its seed; returns the number performed when stopped or at count. */
    static long run(Sessions s, int id, AtomicBoolean stop, long count) {
        SplittableRandom rnd = new SplittableRandom(1000 + id);
        float[] y = new float[s.config.hidden()];
        long n = 0;
        for (; n < count && (stop == null || !stop.get()); n++) {
            int op = rnd.nextInt(100);
            long key = (long) rnd.nextInt(KEYS_PER_THREAD) * THREADS + id;
            if (op < 60) {
                s.step(key, SessionsTest.event(rnd, I), y);
            } else if (op < 85) {
                int b = 1 + rnd.nextInt(6);
                long[] keys = new long[b];
                for (int k = 0; k < b; k++) keys[k] = rnd.nextInt(4) == 0 && k > 0 ? keys[k - 1] : (long) rnd.nextInt(KEYS_PER_THREAD) * THREADS + id;
                s.stepBatch(keys, SessionsTest.event(rnd, b * I), new float[b * s.config.hidden()]);
            } else if (op < 90) {
                s.state(key);
            } else if (op < 94) {
                float[] st = SessionsTest.event(rnd, s.stateSize);
                s.setState(key, st);
            } else if (op < 97) {
                s.reset(key);
            } else {
                s.remove(key);
            }
        }
        return n;
    }

    @Test
    void threadsWithOwnKeysEqualTheirReplay() throws Exception {
        double seconds = Double.parseDouble(System.getProperty("gru4j.soak.seconds", "3"));
        for (CellKind cell : new CellKind[]{CellKind.GRU, CellKind.LSTM}) {
            Recurrent m = SessionsTest.model(cell, I, 6, 2, 17);
            Sessions shared = new Sessions(m, 4);
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
            List<Future<Long>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final int id = t;
                done.add(pool.submit(() -> run(shared, id, stop, Long.MAX_VALUE)));
            }
            Future<Long> snapshots = pool.submit(() -> {
                long k = 0;
                while (!stop.get()) {
                    assertNotNull(shared.snapshot());
                    k++;
                    Thread.sleep(5);
                }
                return k;
            });
            Thread.sleep((long) (seconds * 1000 / 2));   // half the time for each cell kind
            stop.set(true);
            long[] counts = new long[THREADS];
            for (int t = 0; t < THREADS; t++) counts[t] = done.get(t).get(30, TimeUnit.SECONDS);
            assertTrue(snapshots.get(30, TimeUnit.SECONDS) > 0);
            pool.shutdown();

            Sessions replay = new Sessions(m, 4);
            for (int t = 0; t < THREADS; t++) assertEquals(counts[t], run(replay, t, null, counts[t]));
            assertEquals(replay.size(), shared.size(), cell + ": live keys");
            for (long k = 0; k < (long) KEYS_PER_THREAD * THREADS; k++) {
                assertArrayEquals(replay.state(k), shared.state(k), cell + ": key " + k + " after " + java.util.Arrays.toString(counts) + " operations");
            }
            System.out.printf("soak %s: %d threads, %s operations in %.1f s, all %d keys equal the replay%n",
                    cell, THREADS, java.util.Arrays.toString(counts), seconds / 2, KEYS_PER_THREAD * THREADS);
        }
    }
}
