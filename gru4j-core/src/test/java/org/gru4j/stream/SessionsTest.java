package org.gru4j.stream;

import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.nn.RecurrentStepper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionsTest {
    static Recurrent model(CellKind cell, int input, int hidden, int layers, long seed) {
        Recurrent r = new Recurrent(RecurrentConfig.pytorch(cell, input, hidden, layers, false, true));
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < r.params.length; i++) r.params[i] = (float) (rnd.nextDouble(-1, 1) / Math.sqrt(hidden));
        return r;
    }

    static float[] event(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    /** Interleaved events for many keys give each key exactly what its own RecurrentStepper gives. */
    @ParameterizedTest
    @EnumSource(value = CellKind.class)
    void eachKeyFollowsItsOwnStream(CellKind cell) {
        Recurrent m = model(cell, 3, 5, 2, 7);
        Sessions s = new Sessions(m, 4);
        Map<Long, RecurrentStepper> own = new HashMap<>();
        SplittableRandom rnd = new SplittableRandom(1);
        for (int e = 0; e < 2000; e++) {
            long key = rnd.nextInt(50) * 7919L - 100;
            float[] x = event(rnd, 3);
            float[] want = own.computeIfAbsent(key, k -> new RecurrentStepper(m)).step(x).clone();
            assertArrayEquals(want, s.step(key, x), 0f, "key " + key + " event " + e);
        }
        assertEquals(own.size(), s.size());
        for (Map.Entry<Long, RecurrentStepper> e : own.entrySet()) {
            float[] st = s.state(e.getKey());
            float[] h = e.getValue().h, c = e.getValue().c;
            for (int i = 0; i < h.length; i++) assertEquals(h[i], st[i], 0f);
            for (int i = 0; i < c.length; i++) assertEquals(c[i], st[h.length + i], 0f);
        }
    }

    /** A micro-batch (with repeated keys) equals stepping its events one by one, in order. */
    @ParameterizedTest
    @EnumSource(value = CellKind.class)
    void batchEqualsOneByOne(CellKind cell) {
        Recurrent m = model(cell, 4, 6, 2, 3);
        Sessions batched = new Sessions(m), single = new Sessions(m);
        SplittableRandom rnd = new SplittableRandom(2);
        for (int round = 0; round < 20; round++) {
            int n = 1 + rnd.nextInt(40);
            long[] keys = new long[n];
            float[] x = new float[n * 4];
            for (int i = 0; i < n; i++) {
                keys[i] = rnd.nextInt(25);
                System.arraycopy(event(rnd, 4), 0, x, i * 4, 4);
            }
            float[] y = new float[n * 6];
            batched.stepBatch(keys, x, y);
            for (int i = 0; i < n; i++) {
                float[] want = single.step(keys[i], java.util.Arrays.copyOfRange(x, i * 4, i * 4 + 4));
                for (int j = 0; j < 6; j++) assertEquals(want[j], y[i * 6 + j], 2e-6f, "round " + round + " row " + i);
            }
        }
        for (long k = 0; k < 25; k++) {
            float[] a = single.state(k), b = batched.state(k);
            if (a == null) {
                assertNull(b);
                continue;
            }
            assertArrayEquals(a, b, 1e-5f);
        }
    }

    /** Names to keys: the documented function (values from an independent Python implementation), no collisions seen. */
    @Test
    void namesHashToTheDocumentedKeys() {
        assertEquals(-1166397803181037274L, Sessions.key(""));
        assertEquals(-9033471704281723301L, Sessions.key("a"));
        assertEquals(-3352221456300155415L, Sessions.key("device-17"));
        assertEquals(-7309443716806476511L, Sessions.key("ü"), "UTF-8 bytes, not UTF-16 chars");
        assertEquals(-7922739401579481872L, Sessions.key(java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000")));
        java.util.Set<Long> keys = new java.util.HashSet<>();
        for (int i = 0; i < 1_000_000; i++) keys.add(Sessions.key("sensor-" + i));
        assertEquals(1_000_000, keys.size(), "a million names, a million keys");
        // a name's key steps the same state as that long
        Sessions s = new Sessions(model(CellKind.GRU, 2, 3, 1, 1));
        float[] x = {0.5f, -1f};
        s.step(Sessions.key("device-17"), x);
        assertArrayEquals(s.state(-3352221456300155415L), s.state(Sessions.key("device-17")));
        assertNotNull(s.state(-3352221456300155415L));
    }

    /** The key table against a HashMap under random inserts and removals (probing, deletion, growth). */
    @Test
    void tableAgreesWithHashMap() {
        Segment seg = new Segment(2);
        Map<Long, Float> model = new HashMap<>();
        SplittableRandom rnd = new SplittableRandom(9);
        for (int op = 0; op < 200_000; op++) {
            long key = rnd.nextInt(5000) * (rnd.nextBoolean() ? 1L : 1L << 33);
            int kind = rnd.nextInt(3);
            if (kind == 0) {
                int slot = seg.slotFor(key, true);
                seg.states[slot * 2] = op;
                model.put(key, (float) op);
            } else if (kind == 1) {
                assertEquals(model.remove(key) != null, seg.remove(key), "remove " + key);
            } else {
                int slot = seg.slotFor(key, false);
                Float want = model.get(key);
                if (want == null) assertEquals(-1, slot);
                else assertEquals(want, seg.states[slot * 2], 0f);
            }
            assertEquals(model.size(), seg.count);
        }
    }

    @Test
    void resetRemoveExpire() throws InterruptedException {
        Sessions s = new Sessions(model(CellKind.GRU, 2, 3, 1, 1));
        float[] x = {1, -1};
        s.step(1, x);
        s.step(2, x);
        assertNotNull(s.state(1));
        s.reset(1);
        assertArrayEquals(new float[3], s.state(1));
        assertTrue(s.remove(2));
        assertFalse(s.remove(2));
        assertNull(s.state(2));
        Thread.sleep(30);
        s.step(3, x);
        assertEquals(1, s.expireIdle(Duration.ofMillis(20)));
        assertNull(s.state(1));
        assertNotNull(s.state(3));
        float[] fresh = new Sessions(model(CellKind.GRU, 2, 3, 1, 1)).step(9, x);
        s.step(1, x);
        assertArrayEquals(fresh, s.state(1), 0f, "an expired key starts again from zero");
    }

    @Test
    void snapshotRestoresEveryState() {
        Recurrent m = model(CellKind.LSTM, 3, 4, 2, 5);
        Sessions a = new Sessions(m);
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < 500; i++) a.step(rnd.nextLong(1000), event(rnd, 3));
        byte[] snap = a.snapshot();
        Sessions b = new Sessions(m, 8);
        b.step(123456789L, event(rnd, 3));
        b.restore(snap);
        assertEquals(a.size(), b.size());
        assertNull(b.state(123456789L), "restore replaces what was there");
        float[] x = event(rnd, 3);
        for (long k = 0; k < 1000; k++) {
            float[] sa = a.state(k);
            if (sa == null) continue;
            assertArrayEquals(sa, b.state(k), 0f);
            assertArrayEquals(a.step(k, x), b.step(k, x), 0f);
        }
        Sessions gru = new Sessions(model(CellKind.GRU, 3, 4, 2, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gru.restore(snap));
        assertTrue(e.getMessage().contains("lstm"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.restore(java.util.Arrays.copyOf(snap, snap.length / 2)));
    }

    /** Threads stepping their own keys, interleaved in the same segments, equal a single-threaded replay. */
    @Test
    void concurrentStepsLoseNothing() throws Exception {
        Recurrent m = model(CellKind.GRU, 3, 8, 1, 11);
        Sessions shared = new Sessions(m, 4);
        int threads = 4, events = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int id = t;
            done.add(pool.submit(() -> {
                SplittableRandom rnd = new SplittableRandom(id);
                for (int e = 0; e < events; e++) shared.step(rnd.nextInt(200) * threads + id, event(rnd, 3));
            }));
        }
        for (Future<?> f : done) f.get();
        pool.shutdown();
        Sessions replay = new Sessions(m, 4);
        for (int t = 0; t < threads; t++) {
            SplittableRandom rnd = new SplittableRandom(t);
            for (int e = 0; e < events; e++) replay.step(rnd.nextInt(200) * threads + t, event(rnd, 3));
        }
        assertEquals(replay.size(), shared.size());
        for (long k = 0; k < 200L * threads; k++) assertArrayEquals(replay.state(k), shared.state(k), 0f, "key " + k);
    }

    @Test
    void badEventsAreNamed() {
        Sessions s = new Sessions(model(CellKind.GRU, 3, 4, 1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.step(1, new float[2]));
        assertTrue(e.getMessage().contains("2 features"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Sessions(new Recurrent(
                RecurrentConfig.pytorch(CellKind.GRU, 3, 4, 1, true, true))));
    }
}
