package org.gru4j.stream;

import org.gru4j.nn.CellKind;
import org.gru4j.nn.Finite;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.nn.Stream;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Arrays;

/**
 * Many streams stepped through one model, each with its own state, keyed by a long (a sensor id, a user id, a hash
 * of a device name): {@code step(key, x) → y}. Each key's state — h (L,H), and c (L,H) for an LSTM — lives in one
 * primitive slab per segment, found through an open-addressing table; there is no object per key, so a million keys
 * of H = 64 take about 0.3 GB.
 *
 * <p>Thread-safe. Keys are spread over segments by a hash of the key; a segment is locked while one of its keys is
 * stepped, so the same key is never stepped concurrently and different keys mostly step in parallel. Each thread
 * steps through its own {@link Stream} (own workspaces and packed weights, made on first use).
 *
 * <p>The model's weights are copied when the sessions are made: later changes to the model do not reach them.
 * A key's state starts at zero on its first event; {@link #reset}, {@link #remove} and {@link #expireIdle} end it.
 * {@link #snapshot} and {@link #restore} move all states to and from bytes.
 */
public final class Sessions {
    private static final int MAGIC = 0x47525353;          // "GRSS"
    private static final int VERSION = 1;

    public final RecurrentConfig config;
    /** Floats of state per key: L·H, doubled for an LSTM (h then c). */
    public final int stateSize;
    private final float[] weights;
    private final Segment[] segments;
    private final ThreadLocal<Stream> streams;

    public Sessions(Recurrent model) {
        this(model, 64);
    }

    /** @param segments lock stripes (rounded up to a power of two); more segments, less contention */
    public Sessions(Recurrent model, int segments) {
        RecurrentConfig cf = model.config;
        if (cf.bidirectional()) throw new IllegalArgumentException("a bidirectional model cannot be stepped one event at a time");
        this.config = cf;
        this.weights = model.params.clone();
        int lh = cf.layers() * cf.hidden();
        this.stateSize = cf.cell() == CellKind.LSTM ? 2 * lh : lh;
        int n = Integer.highestOneBit(Math.max(1, segments - 1)) << 1;
        this.segments = new Segment[Math.max(1, n)];
        for (int i = 0; i < this.segments.length; i++) this.segments[i] = new Segment(stateSize);
        // each thread steps through its own copy of the weights, packed once
        this.streams = ThreadLocal.withInitial(() -> {
            Recurrent r = new Recurrent(config);
            System.arraycopy(weights, 0, r.params, 0, weights.length);
            return new Stream(r);
        });
    }

    /**
     * Steps one key by one event x (I) and writes the last layer's output (H) into y.
     * A new key starts from the zero state.
     */
    public void step(long key, float[] x, float[] y) {
        if (x.length != config.input()) throw new IllegalArgumentException("event has " + x.length + " features, the model takes " + config.input());
        if (y.length < config.hidden()) throw new IllegalArgumentException("output array holds " + y.length + " values, needs " + config.hidden());
        int bad = Finite.firstNonFinite(x);
        if (bad >= 0) throw new IllegalArgumentException(Finite.message("event for key " + key, x[bad], bad, new int[]{x.length}, "i"));
        Stream s = streams.get();
        Segment seg = segment(key);
        int lh = config.layers() * config.hidden();
        seg.lock.lock();
        try {
            int slot = seg.slotFor(key, true);
            int at = slot * stateSize;
            System.arraycopy(seg.states, at, s.h, 0, lh);
            if (s.c.length > 0) System.arraycopy(seg.states, at + lh, s.c, 0, lh);
            float[] out = s.step(x);
            System.arraycopy(s.h, 0, seg.states, at, lh);
            if (s.c.length > 0) System.arraycopy(s.c, 0, seg.states, at + lh, lh);
            seg.lastUsed[slot] = System.nanoTime();
            System.arraycopy(out, 0, y, 0, config.hidden());
        } finally {
            seg.lock.unlock();
        }
    }

    /** Steps one key and returns a new array with the output (H). */
    public float[] step(long key, float[] x) {
        float[] y = new float[config.hidden()];
        step(key, x, y);
        return y;
    }

    /**
     * Steps n keys by one event each as one batched product: keys (n), x (n,I) row-major, y (n,H).
     * A key that appears more than once is stepped once per appearance, in order.
     */
    public void stepBatch(long[] keys, float[] x, float[] y) {
        final int n = keys.length, I = config.input(), H = config.hidden(), L = config.layers(), lh = L * H;
        if (x.length != n * I) throw new IllegalArgumentException("x holds " + x.length + " values, expected " + n + "×" + I);
        if (y.length != n * H) throw new IllegalArgumentException("y holds " + y.length + " values, expected " + n + "×" + H);
        if (n == 0) return;
        int bad = Finite.firstNonFinite(x);
        if (bad >= 0) {
            throw new IllegalArgumentException(Finite.message("event for key " + keys[bad / I] + " (row " + bad / I + " of the batch)",
                    x[bad], bad, new int[]{n, I}, "row,i"));
        }
        // Rounds: within a round every key is distinct, so each state is read and written once.
        int[] round = new int[n];
        int rounds = 1;
        java.util.HashMap<Long, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            int r = seen.merge(keys[i], 1, Integer::sum) - 1;
            round[i] = r;
            rounds = Math.max(rounds, r + 1);
        }
        boolean lstm = config.cell() == CellKind.LSTM;
        Stream stream = streams.get();
        for (int r = 0; r < rounds; r++) {
            int b = 0;
            for (int i = 0; i < n; i++) if (round[i] == r) b++;
            int[] rows = new int[b];
            for (int i = 0, k = 0; i < n; i++) if (round[i] == r) rows[k++] = i;
            Segment[] locked = lockOrder(keys, rows);
            for (Segment s : locked) s.lock.lock();
            try {
                // gather: xs (B,I), hs and cs (L,B,H)
                float[] xs = new float[b * I], hs = new float[L * b * H], cs = new float[lstm ? L * b * H : 0], ys = new float[b * H];
                int[] slots = new int[b];
                for (int k = 0; k < b; k++) {
                    int i = rows[k];
                    Segment seg = segment(keys[i]);
                    slots[k] = seg.slotFor(keys[i], true);
                    System.arraycopy(x, i * I, xs, k * I, I);
                    int at = slots[k] * stateSize;
                    for (int l = 0; l < L; l++) {
                        System.arraycopy(seg.states, at + l * H, hs, (l * b + k) * H, H);
                        if (lstm) System.arraycopy(seg.states, at + lh + l * H, cs, (l * b + k) * H, H);
                    }
                }
                stream.stepBatch(b, xs, hs, cs, ys);
                // scatter the new states and the outputs
                long now = System.nanoTime();
                for (int k = 0; k < b; k++) {
                    int i = rows[k];
                    Segment seg = segment(keys[i]);
                    int at = slots[k] * stateSize;
                    for (int l = 0; l < L; l++) {
                        System.arraycopy(hs, (l * b + k) * H, seg.states, at + l * H, H);
                        if (lstm) System.arraycopy(cs, (l * b + k) * H, seg.states, at + lh + l * H, H);
                    }
                    seg.lastUsed[slots[k]] = now;
                    System.arraycopy(ys, k * H, y, i * H, H);
                }
            } finally {
                for (int k = locked.length - 1; k >= 0; k--) locked[k].lock.unlock();
            }
        }
    }

    /** A copy of a key's state: h (L,H) then, for an LSTM, c (L,H); null for an unknown key. */
    public float[] state(long key) {
        Segment seg = segment(key);
        seg.lock.lock();
        try {
            int slot = seg.slotFor(key, false);
            return slot < 0 ? null : Arrays.copyOfRange(seg.states, slot * stateSize, (slot + 1) * stateSize);
        } finally {
            seg.lock.unlock();
        }
    }

    /** Sets a key's state (h then c, {@link #stateSize} floats), creating the key if needed. */
    public void setState(long key, float[] state) {
        if (state.length != stateSize) throw new IllegalArgumentException("state holds " + state.length + " values, expected " + stateSize);
        Segment seg = segment(key);
        seg.lock.lock();
        try {
            int slot = seg.slotFor(key, true);
            System.arraycopy(state, 0, seg.states, slot * stateSize, stateSize);
            seg.lastUsed[slot] = System.nanoTime();
        } finally {
            seg.lock.unlock();
        }
    }

    /** Sets a key's state back to zero (the key stays). */
    public void reset(long key) {
        Segment seg = segment(key);
        seg.lock.lock();
        try {
            int slot = seg.slotFor(key, false);
            if (slot >= 0) Arrays.fill(seg.states, slot * stateSize, (slot + 1) * stateSize, 0f);
        } finally {
            seg.lock.unlock();
        }
    }

    /** Forgets a key; returns whether it was there. */
    public boolean remove(long key) {
        Segment seg = segment(key);
        seg.lock.lock();
        try {
            return seg.remove(key);
        } finally {
            seg.lock.unlock();
        }
    }

    /** Forgets every key not stepped for at least {@code idle}; returns how many. */
    public int expireIdle(Duration idle) {
        long cutoff = System.nanoTime() - idle.toNanos();
        int removed = 0;
        for (Segment seg : segments) {
            seg.lock.lock();
            try {
                removed += seg.removeIf(slot -> seg.lastUsed[slot] - cutoff <= 0);
            } finally {
                seg.lock.unlock();
            }
        }
        return removed;
    }

    /** Number of keys held. */
    public long size() {
        long n = 0;
        for (Segment seg : segments) {
            seg.lock.lock();
            try {
                n += seg.count;
            } finally {
                seg.lock.unlock();
            }
        }
        return n;
    }

    /**
     * All keys and states as bytes: magic, version, cell, layers, hidden, state size, key count, then per key its long
     * and its floats. Consistent per segment (each segment is copied under its lock).
     */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(config.cell().id());
            out.writeInt(config.layers());
            out.writeInt(config.hidden());
            out.writeInt(stateSize);
            for (Segment seg : segments) {
                seg.lock.lock();
                try {
                    out.writeInt(seg.count);
                    for (int i = 0; i < seg.keys.length; i++) {
                        int slot = seg.slots[i];
                        if (slot < 0) continue;
                        out.writeLong(seg.keys[i]);
                        for (int j = 0; j < stateSize; j++) out.writeFloat(seg.states[slot * stateSize + j]);
                    }
                } finally {
                    seg.lock.unlock();
                }
            }
            out.writeInt(-1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Replaces all states with a {@link #snapshot}'s. The snapshot must come from sessions of the same cell, layers and
     * hidden size; otherwise nothing changes and the error says what differs.
     */
    public void restore(byte[] snapshot) {
        java.util.ArrayList<long[]> keys = new java.util.ArrayList<>();
        java.util.ArrayList<float[]> states = new java.util.ArrayList<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            if (in.readInt() != MAGIC) throw new IllegalArgumentException("not a gru4j sessions snapshot");
            int v = in.readInt();
            if (v != VERSION) throw new IllegalArgumentException("snapshot version " + v + ", this gru4j reads " + VERSION);
            String cell = in.readUTF();
            int layers = in.readInt(), hidden = in.readInt(), size = in.readInt();
            if (!cell.equals(config.cell().id()) || layers != config.layers() || hidden != config.hidden() || size != stateSize) {
                throw new IllegalArgumentException("snapshot is of a " + cell + " with " + layers + " layers of " + hidden
                        + "; these sessions run " + config.describe());
            }
            while (true) {
                int count = in.readInt();
                if (count < 0) break;
                for (int i = 0; i < count; i++) {
                    keys.add(new long[]{in.readLong()});
                    float[] s = new float[stateSize];
                    for (int j = 0; j < stateSize; j++) s[j] = in.readFloat();
                    states.add(s);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated or corrupt sessions snapshot", e);
        }
        for (Segment seg : segments) seg.lock.lock();
        try {
            for (Segment seg : segments) seg.clear();
            long now = System.nanoTime();
            for (int i = 0; i < keys.size(); i++) {
                long key = keys.get(i)[0];
                Segment seg = segment(key);
                int slot = seg.slotFor(key, true);
                System.arraycopy(states.get(i), 0, seg.states, slot * stateSize, stateSize);
                seg.lastUsed[slot] = now;
            }
        } finally {
            for (int k = segments.length - 1; k >= 0; k--) segments[k].lock.unlock();
        }
    }

    private Segment segment(long key) {
        return segments[(int) (mix(key) >>> 40) & (segments.length - 1)];
    }

    /** The segments the given rows' keys fall in, each once, in index order (a fixed order cannot deadlock). */
    private Segment[] lockOrder(long[] keys, int[] rows) {
        boolean[] used = new boolean[segments.length];
        int n = 0;
        for (int i : rows) {
            int s = (int) (mix(keys[i]) >>> 40) & (segments.length - 1);
            if (!used[s]) {
                used[s] = true;
                n++;
            }
        }
        Segment[] out = new Segment[n];
        for (int s = 0, k = 0; s < segments.length; s++) if (used[s]) out[k++] = segments[s];
        return out;
    }

    /** A 64-bit finaliser (SplitMix64's): spreads sequential keys over segments and table buckets. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
