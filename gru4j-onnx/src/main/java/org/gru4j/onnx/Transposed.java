package org.gru4j.onnx;

import org.gru4j.kernel.Gemm;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Transposed copies of weight matrices, kept per array: weights (initializers, folded constants) are the same
 * objects run after run, so Gemm's transB and the per-group filters of a narrow Conv are transposed once. Keys are
 * held weakly (an array made per run is simply collected). Arrays are never written after they are made.
 */
final class Transposed {
    private Transposed() {}

    private static final Map<float[], float[]> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

    /** For each of blocks consecutive (rows, cols) row-major blocks of m: its (cols, rows) transpose, in place of it. */
    static float[] of(float[] m, int blocks, int rows, int cols) {
        float[] t = CACHE.get(m);
        if (t != null && t.length == m.length) return t;
        t = new float[m.length];
        for (int b = 0; b < blocks; b++) Gemm.transpose(rows, cols, m, b * rows * cols, cols, t, b * rows * cols);
        CACHE.put(m, t);
        return t;
    }
}
