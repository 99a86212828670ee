package org.gru4j.onnx;

/**
 * How many tensor elements one {@link OnnxGraph#run} may hold live at once. The operators that make large tensors
 * out of small inputs (ConstantOfShape, Expand, Range, Tile, Pad, …) reserve their output here before allocating,
 * so a small file cannot buy gigabytes: the refusal is one line naming the node.
 *
 * <p>The rule: the limit is {@code gru4j.onnx.maxElements} when that system property is set, otherwise an eighth
 * of the JVM's maximum heap in elements (floats/ints take 4–8 bytes each, so live values stay within about half
 * the heap). Values the interpreter frees after their last use are given back.
 */
final class Budget {
    final long limit;
    private long live;

    Budget(long limit) {
        this.limit = limit;
    }

    static Budget forRun() {
        return new Budget(Long.getLong("gru4j.onnx.maxElements", Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 8)));
    }

    /** Checks that n more elements fit; throws naming the node otherwise. Does not count them (see {@link #hold}). */
    void reserve(long n, String where) {
        if (n < 0 || n > limit - live) {
            throw new IllegalArgumentException(where + ": " + n + " elements are too large for the budget of " + limit
                    + " elements (" + live + " already live); set -Dgru4j.onnx.maxElements to raise it");
        }
    }

    /** Counts a value now live; throws naming the node when the live total passes the limit. */
    void hold(Value v, String where) {
        if (v == null) return;
        live += v.size();
        if (live > limit) {
            throw new IllegalArgumentException(where + ": the run holds " + live + " live elements, over its budget of " + limit
                    + "; set -Dgru4j.onnx.maxElements to raise it");
        }
    }

    void release(Value v) {
        if (v != null) live -= v.size();
    }
}
