package org.gru4j.stream;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;

/**
 * One lock stripe of {@link Sessions}: an open-addressing table (linear probing, backward-shift deletion, no
 * tombstones) from long keys to slots, and the slab of states those slots index. Guarded by {@link #lock}.
 * <pre>
 * keys[i], slots[i]        table bucket i: a key and its slot, slots[i] = -1 when the bucket is empty
 * states[slot·S .. +S)     the key's state, S = state size
 * lastUsed[slot]           System.nanoTime() of its last step
 * </pre>
 */
final class Segment {
    final ReentrantLock lock = new ReentrantLock();
    final int stateSize;
    long[] keys = new long[16];
    int[] slots = filled(16);
    float[] states;
    long[] lastUsed = new long[8];
    int count;
    private int[] free = new int[8];
    private int freeCount;
    private int highWater;

    Segment(int stateSize) {
        this.stateSize = stateSize;
        this.states = new float[8 * stateSize];
    }

    /** The key's slot; when absent, a new zeroed slot if {@code create}, else -1. */
    int slotFor(long key, boolean create) {
        int mask = keys.length - 1;
        for (int i = bucket(key, mask); ; i = (i + 1) & mask) {
            if (slots[i] < 0) {
                if (!create) return -1;
                if ((count + 1) * 4L > keys.length * 3L) {
                    grow();
                    return slotFor(key, true);
                }
                int slot = newSlot();
                keys[i] = key;
                slots[i] = slot;
                count++;
                return slot;
            }
            if (keys[i] == key) return slots[i];
        }
    }

    boolean remove(long key) {
        int mask = keys.length - 1;
        int i = bucket(key, mask);
        while (true) {
            if (slots[i] < 0) return false;
            if (keys[i] == key) break;
            i = (i + 1) & mask;
        }
        freeSlot(slots[i]);
        count--;
        // Backward-shift: pull later entries of the probe run into the hole so lookups never meet a false gap.
        int hole = i;
        for (int j = (i + 1) & mask; slots[j] >= 0; j = (j + 1) & mask) {
            int home = bucket(keys[j], mask);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = -1;
        return true;
    }

    /** Removes every key whose slot matches; returns how many. */
    int removeIf(IntPredicate slotMatches) {
        long[] doomed = new long[count];
        int n = 0;
        for (int i = 0; i < keys.length; i++) if (slots[i] >= 0 && slotMatches.test(slots[i])) doomed[n++] = keys[i];
        for (int k = 0; k < n; k++) remove(doomed[k]);
        return n;
    }

    void clear() {
        keys = new long[16];
        slots = filled(16);
        states = new float[8 * stateSize];
        lastUsed = new long[8];
        count = 0;
        freeCount = 0;
        highWater = 0;
    }

    /** Takes other's table and states (other is left empty): how a verified restore replaces this segment at once. */
    void takeFrom(Segment other) {
        keys = other.keys;
        slots = other.slots;
        states = other.states;
        lastUsed = other.lastUsed;
        count = other.count;
        free = other.free;
        freeCount = other.freeCount;
        highWater = other.highWater;
        other.clear();
    }

    private int newSlot() {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            slot = highWater++;
            if (slot == lastUsed.length) {
                int cap = slot + (slot >> 1) + 8;
                if ((long) cap * stateSize > Integer.MAX_VALUE - 8) throw new IllegalStateException("segment full: " + slot + " keys");
                states = Arrays.copyOf(states, cap * stateSize);
                lastUsed = Arrays.copyOf(lastUsed, cap);
            }
        }
        Arrays.fill(states, slot * stateSize, (slot + 1) * stateSize, 0f);
        return slot;
    }

    private void freeSlot(int slot) {
        if (freeCount == free.length) free = Arrays.copyOf(free, free.length * 2);
        free[freeCount++] = slot;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldSlots = slots;
        keys = new long[oldKeys.length * 2];
        slots = filled(oldKeys.length * 2);
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldSlots[i] < 0) continue;
            int j = bucket(oldKeys[i], mask);
            while (slots[j] >= 0) j = (j + 1) & mask;
            keys[j] = oldKeys[i];
            slots[j] = oldSlots[i];
        }
    }

    private static int bucket(long key, int mask) {
        return (int) Sessions.mix(key) & mask;
    }

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, -1);
        return a;
    }
}
