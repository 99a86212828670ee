package org.gru4j.stream;

import org.gru4j.nn.CellKind;
import org.gru4j.nn.Finite;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.nn.RecurrentStepper;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Many streams stepped through one model, each with its own state, keyed by a long (a sensor id, a user id, or
 * {@link #key(CharSequence) Sessions.key("device-17")} for a name): {@code step(key, x) → y}. Each key's state — h (L,H), and c (L,H) for an LSTM — lives in one
 * primitive slab per segment, found through an open-addressing table; there is no object per key, so a million keys
 * of H = 64 take about 0.3 GB.
 *
 * <p>Thread-safe. Keys are spread over segments by a hash of the key; a segment is locked while one of its keys is
 * stepped, so the same key is never stepped concurrently and different keys mostly step in parallel. Each thread
 * steps through its own {@link RecurrentStepper} (own workspaces and packed weights, made on first use).
 *
 * <p>The model's weights are copied when the sessions are made: later changes to the model do not reach them.
 * A key's state starts at zero on its first event; {@link #reset}, {@link #remove} and {@link #expireIdle} end it.
 * {@link #snapshot} and {@link #restore} move all states to and from a stream (or bytes), in checksummed chunks.
 *
 * <p>Every stepping entry point and every way in of a state ({@link #setState}, {@link #restore}) refuses NaN and
 * infinity unless {@link Recurrent#checkFinite} is off, as do the model's weights when the sessions are made.
 */
public final class Sessions {
    private static final int MAGIC = 0x47525353;          // "GRSS"
    private static final int VERSION = 2;
    /** Keys per snapshot chunk: each chunk is followed by the CRC-32 of the stream up to it. */
    static final int CHUNK = 4096;

    /** The shape of the model every key is stepped through. */
    public final RecurrentConfig config;
    /** Floats of state per key: L·H, doubled for an LSTM (h then c). */
    public final int stateSize;
    private final java.util.Map<String, org.gru4j.tensor.Tensor> weights;   // the model's state_dict (a copy)
    private final Segment[] segments;
    private final ThreadLocal<RecurrentStepper> streams;

    /**
     * Sessions of a unidirectional module, in 64 lock stripes.
     *
     * @param model the module; its weights are copied
     * @throws IllegalArgumentException when it is bidirectional or a weight is not finite
     */
    public Sessions(Recurrent model) {
        this(model, 64);
    }

    /**
     * Sessions of a unidirectional module.
     *
     * @param segments lock stripes (rounded up to a power of two); more segments, less contention
     * @param model the module; its weights are copied
     * @throws IllegalArgumentException when it is bidirectional or a weight is not finite
     */
    public Sessions(Recurrent model, int segments) {
        RecurrentConfig cf = model.config;
        if (cf.bidirectional()) throw new IllegalArgumentException("a bidirectional model cannot be stepped one event at a time");
        this.config = cf;
        for (org.gru4j.nn.Param p : model.parameters()) {
            int bad = Finite.firstNonFinite(Arrays.copyOfRange(model.params, p.offset(), p.offset() + p.size()));
            if (bad >= 0) {
                throw new IllegalArgumentException(Finite.message("model parameter " + p.name(), model.params[p.offset() + bad], bad, p.shape(),
                        p.shape().length == 2 ? "row,col" : "i"));
            }
        }
        this.weights = model.stateDict();       // copies: the model may be a view into a larger model's buffer
        int lh = cf.layers() * cf.hidden();
        this.stateSize = cf.cell() == CellKind.LSTM ? 2 * lh : lh;
        int n = Integer.highestOneBit(Math.max(1, segments - 1)) << 1;
        this.segments = new Segment[Math.max(1, n)];
        for (int i = 0; i < this.segments.length; i++) this.segments[i] = new Segment(stateSize);
        // each thread steps through its own copy of the weights, packed once
        this.streams = ThreadLocal.withInitial(() -> {
            Recurrent r = new Recurrent(config);
            r.load(weights);
            return new RecurrentStepper(r);
        });
    }

    /**
     * Steps one key by one event x (I) and writes the last layer's output (H) into y.
     * A new key starts from the zero state.
     *
     * @param key the key
     * @param x the event (I)
     * @param y receives the output (H)
     */
    public void step(long key, float[] x, float[] y) {
        if (x.length != config.input()) throw new IllegalArgumentException("event has " + x.length + " features, the model takes " + config.input());
        if (y.length < config.hidden()) throw new IllegalArgumentException("output array holds " + y.length + " values, needs " + config.hidden());
        int bad = Finite.firstNonFinite(x);
        if (bad >= 0) throw new IllegalArgumentException(Finite.message("event for key " + key, x[bad], bad, new int[]{x.length}, "i"));
        RecurrentStepper s = streams.get();
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

    /**
     * The long key for a name (a device id, a user name): 64-bit FNV-1a over its UTF-8 bytes, then MurmurHash3's
     * fmix64 finaliser — a fixed function, so a producer in another language can compute the same keys.
     *
     * <p>Collision policy: two names with the same key share one state (there is no second check). With n distinct
     * names the chance that any two collide is about n²/2⁶⁵: 3·10⁻⁸ for a million names, 3·10⁻⁴ for a hundred
     * million. Where that is too much, give each name a unique long yourself (a dictionary, a database id).
     *
     * @param name the name
     * @return its key
     */
    public static long key(CharSequence name) {
        return key(name.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The long key for a UUID: {@link #key(byte[])} of its 16 bytes, most significant first.
     *
     * @param id the UUID
     * @return its key
     */
    public static long key(java.util.UUID id) {
        return key(java.nio.ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array());
    }

    /**
     * The long key for a byte string: 64-bit FNV-1a, then fmix64 (see {@link #key(CharSequence)} for collisions).
     *
     * @param bytes the bytes
     * @return their key
     */
    public static long key(byte[] bytes) {
        long h = 0xcbf29ce484222325L;                         // FNV-1a: h = (h ^ b) · 0x100000001b3 per byte
        for (byte b : bytes) h = (h ^ (b & 0xff)) * 0x100000001b3L;
        h ^= h >>> 33;                                        // fmix64: spread every input bit over all 64
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    /**
     * Steps one key and returns a new array with the output (H).
     *
     * @param key the key
     * @param x the event (I)
     * @return the output (H)
     */
    public float[] step(long key, float[] x) {
        float[] y = new float[config.hidden()];
        step(key, x, y);
        return y;
    }

    /**
     * Steps n keys by one event each as one batched product: keys (n), x (n,I) row-major, y (n,H).
     * A key that appears more than once is stepped once per appearance, in order.
     *
     * @param keys the keys (n)
     * @param x their events (n,I)
     * @param y receives their outputs (n,H)
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
        // Rounds: within a round every key is distinct, so each state is read and written once. Row i goes in round
        // r = (appearances of keys[i] before i); rows are bucketed by round in O(n), however often a key repeats.
        int[] round = new int[n];
        int rounds = 1;
        java.util.HashMap<Long, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            int r = seen.merge(keys[i], 1, Integer::sum) - 1;
            round[i] = r;
            rounds = Math.max(rounds, r + 1);
        }
        int[] start = new int[rounds + 1];
        for (int i = 0; i < n; i++) start[round[i] + 1]++;
        for (int r = 0; r < rounds; r++) start[r + 1] += start[r];
        int[] byRound = new int[n], fill = Arrays.copyOf(start, rounds);
        for (int i = 0; i < n; i++) byRound[fill[round[i]]++] = i;
        boolean lstm = config.cell() == CellKind.LSTM;
        RecurrentStepper stream = streams.get();
        for (int r = 0; r < rounds; r++) {
            int b = start[r + 1] - start[r];
            int[] rows = Arrays.copyOfRange(byRound, start[r], start[r + 1]);
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

    /**
     * A copy of a key's state: h (L,H) then, for an LSTM, c (L,H); null for an unknown key.
     *
     * @param key the key
     * @return the state, or null
     */
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

    /**
     * Sets a key's state (h then c, {@link #stateSize} floats), creating the key if needed.
     *
     * @param key the key
     * @param state h (L,H) then, for an LSTM, c (L,H)
     */
    public void setState(long key, float[] state) {
        if (state.length != stateSize) throw new IllegalArgumentException("state holds " + state.length + " values, expected " + stateSize);
        int bad = Finite.firstNonFinite(state);
        if (bad >= 0) throw new IllegalArgumentException(Finite.message("state for key " + key, state[bad], bad, new int[]{state.length}, "i"));
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

    /**
     * Sets a key's state back to zero (the key stays).
     *
     * @param key the key
     */
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

    /**
     * Forgets a key; returns whether it was there.
     *
     * @param key the key
     * @return true when it was held
     */
    public boolean remove(long key) {
        Segment seg = segment(key);
        seg.lock.lock();
        try {
            return seg.remove(key);
        } finally {
            seg.lock.unlock();
        }
    }

    /**
     * Forgets every key not stepped for at least {@code idle}; returns how many.
     *
     * @param idle the idle time
     * @return the number of keys forgotten
     */
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

    /**
     * Number of keys held.
     *
     * @return the count
     */
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
     * All keys and states, streamed to out (not closed) in chunks, each followed by a checksum:
     * <pre>
     * int magic "GRSS", int version 2, UTF cell, int layers, int hidden, int state size
     * chunk*   int n (1..4096), n × (long key, state size × float), int CRC-32 of every byte before it
     * end      int -1, long keys in all, int CRC-32 of every byte before it
     * </pre>
     * Consistent per segment (each segment is written under its lock; a chunk never spans two). Memory beyond the
     * stream's buffer is constant, so a snapshot may be larger than any array.
     *
     * @param out the stream to write
     * @throws IOException when writing to out fails
     */
    public void snapshot(OutputStream out) throws IOException {
        CRC32 crc = new CRC32();
        DataOutputStream d = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(new FilterOutputStream(out) {
            @Override
            public void close() throws IOException {
                flush();   // the caller's stream stays open
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }
        }, 1 << 16), crc));
        d.writeInt(MAGIC);
        d.writeInt(VERSION);
        d.writeUTF(config.cell().id());
        d.writeInt(config.layers());
        d.writeInt(config.hidden());
        d.writeInt(stateSize);
        long total = 0;
        for (Segment seg : segments) {
            seg.lock.lock();
            try {
                int left = seg.count, i = 0;
                while (left > 0) {
                    int n = Math.min(CHUNK, left);
                    d.writeInt(n);
                    for (int k = 0; k < n; i++) {
                        int slot = seg.slots[i];
                        if (slot < 0) continue;
                        d.writeLong(seg.keys[i]);
                        for (int j = 0; j < stateSize; j++) d.writeFloat(seg.states[slot * stateSize + j]);
                        k++;
                    }
                    d.writeInt((int) crc.getValue());
                    left -= n;
                    total += n;
                }
            } finally {
                seg.lock.unlock();
            }
        }
        d.writeInt(-1);
        d.writeLong(total);
        d.writeInt((int) crc.getValue());
        d.close();
    }

    /**
     * {@link #snapshot(OutputStream)} into one array (so at most 2 GB).
     *
     * @return the snapshot
     */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            snapshot(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * {@link #restore(InputStream)} from an array.
     *
     * @param snapshot a snapshot's bytes
     */
    public void restore(byte[] snapshot) {
        try {
            restore(new ByteArrayInputStream(snapshot));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces all states with a {@link #snapshot}'s, read from in (not closed). Every chunk's checksum is verified, and
     * every state checked for NaN and infinity, before anything changes: the snapshot must come from sessions of the
     * same cell, layers and hidden size, be whole and unaltered; otherwise nothing changes and the
     * IllegalArgumentException says what is wrong. IOException only when reading in fails.
     *
     * @param in the stream to read
     * @throws IOException when reading in fails
     */
    public void restore(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        DataInputStream d = new DataInputStream(new CheckedInputStream(new BufferedInputStream(in, 1 << 16), crc));
        Segment[] staged = new Segment[segments.length];
        for (int i = 0; i < staged.length; i++) staged[i] = new Segment(stateSize);
        try {
            if (d.readInt() != MAGIC) throw new IllegalArgumentException("not a gru4j sessions snapshot");
            int v = d.readInt();
            if (v != VERSION) {
                throw new IllegalArgumentException("snapshot version " + v + ", this gru4j reads " + VERSION
                        + (v == 1 ? " (version 1 had no checksums: take the snapshot again)" : ""));
            }
            String cell = d.readUTF();
            int layers = d.readInt(), hidden = d.readInt(), size = d.readInt();
            if (!cell.equals(config.cell().id()) || layers != config.layers() || hidden != config.hidden() || size != stateSize) {
                throw new IllegalArgumentException("snapshot is of a " + org.gru4j.io.Untrusted.text(cell) + " with " + layers + " layers of "
                        + hidden + "; these sessions run " + config.describe());
            }
            long total = 0, chunk = 0;
            float[] state = new float[stateSize];
            String nonFinite = null;
            while (true) {
                int n = d.readInt();
                if (n == -1) break;
                if (n < 1 || n > CHUNK) throw new IllegalArgumentException("corrupt sessions snapshot: chunk " + chunk + " claims " + n + " keys");
                for (int i = 0; i < n; i++) {
                    long key = d.readLong();
                    for (int j = 0; j < stateSize; j++) state[j] = d.readFloat();
                    int bad = nonFinite == null ? Finite.firstNonFinite(state) : -1;
                    if (bad >= 0) nonFinite = Finite.message("state of key " + key, state[bad], bad, new int[]{stateSize}, "i");
                    Segment seg = staged[segmentIndex(key)];
                    int slot = seg.slotFor(key, true);   // first: it may grow seg.states
                    System.arraycopy(state, 0, seg.states, slot * stateSize, stateSize);
                }
                checksum(d, crc, "chunk " + chunk);   // first, so an altered byte is named as such
                if (nonFinite != null) throw new IllegalArgumentException("sessions snapshot: " + nonFinite);
                total += n;
                chunk++;
            }
            long claimed = d.readLong();
            checksum(d, crc, "the end");
            if (claimed != total) throw new IllegalArgumentException("corrupt sessions snapshot: says " + claimed + " keys, holds " + total);
        } catch (EOFException e) {
            throw new IllegalArgumentException("truncated sessions snapshot", e);
        }
        for (Segment seg : segments) seg.lock.lock();
        try {
            long now = System.nanoTime();
            for (int i = 0; i < segments.length; i++) {
                segments[i].takeFrom(staged[i]);
                Arrays.fill(segments[i].lastUsed, now);
            }
        } finally {
            for (int k = segments.length - 1; k >= 0; k--) segments[k].lock.unlock();
        }
    }

    /** Reads the stored CRC-32 and compares it with the running one of every byte before it. */
    private static void checksum(DataInputStream d, CRC32 crc, String where) throws IOException {
        int expected = (int) crc.getValue();
        int stored = d.readInt();
        if (stored != expected) {
            throw new IllegalArgumentException("corrupt sessions snapshot: checksum of " + where + " is " + Integer.toHexString(stored)
                    + ", the bytes give " + Integer.toHexString(expected));
        }
    }

    private Segment segment(long key) {
        return segments[segmentIndex(key)];
    }

    private int segmentIndex(long key) {
        return (int) (mix(key) >>> 40) & (segments.length - 1);
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
