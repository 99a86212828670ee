package org.gru4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API tiles behind {@link StepGemm#times}. Register tile for M = B rows: 4 rows × 4 vectors (16
 * accumulators started from the bias; 4 broadcasts of A and 4 loads of packed weights per 16 FMAs: measured ~95
 * GFLOP/s at B = 32, H = 256, where 8 rows × 2 vectors, 8 broadcasts per 16 FMAs, gave ~72). K is cut into panels of
 * {@link #KC} so that the strip of weights being swept stays in L1 for all the row tiles of a call. Rows left over
 * (a batch-1 stream, B mod 4) take 8 vectors at a time, 8 independent accumulators to hide the FMA latency.
 * Vectors are numbered across the panels (i = p·V + v): their weights are columns [i·L, (i+1)·L) of the packed
 * matrix, their results land at C columns cOff[i].
 */
final class VectorStepGemm {
    private VectorStepGemm() {}

    static final VectorSpecies<Float> S = VectorGemm.S;
    static final int L = VectorGemm.L;

    /** K panel: its strip of weights (KC × 4L floats, 32 KiB at L = 16) is swept by every row tile of a call. */
    private static final int KC = 128;

    static void times(StepGemm g, int b0, int b1, int i0, int i1, float[] a, int aOff, int lda, float[] c, int cBase) {
        final int k = g.depth, ldw = g.ldw, ldc = g.ldc;
        final float[] w = g.w, bias = g.bias;
        final int[] co = g.cOff;
        final int b4 = b0 + (b1 - b0) / 4 * 4, i4 = i0 + (i1 - i0) / 4 * 4;
        for (int p0 = 0; p0 < k; p0 += KC) {
            // the first K panel starts from the bias, later ones from the partial sums in C
            final int kc = Math.min(KC, k - p0), wk = p0 * ldw;
            final float[] init = p0 == 0 ? bias : c;
            final int aP = aOff + p0;
            for (int i = i0; i < i4; i += 4) {
                for (int b = b0; b < b4; b += 4) {
                    final int cr = cBase + b * ldc;
                    tile4x4(kc, a, aP + b * lda, lda, w, wk + i * L, ldw, init, p0 == 0 ? 0 : cr, co, i, c, cr, ldc);
                }
            }
            for (int i = i4; i < i1; i++) {
                for (int b = b0; b < b4; b++) {
                    final int cr = cBase + b * ldc;
                    row1(kc, a, aP + b * lda, w, wk + i * L, ldw, init, p0 == 0 ? 0 : cr, co[i], c, cr);
                }
            }
            for (int b = b4; b < b1; b++) {
                final int cr = cBase + b * ldc, ar = aP + b * lda, io = p0 == 0 ? 0 : cr;
                int j = i0;
                for (; j + 8 <= i1; j += 8) row8(kc, a, ar, w, wk, j, ldw, init, io, co, c, cr);
                for (; j < i1; j++) row1(kc, a, ar, w, wk + j * L, ldw, init, io, co[j], c, cr);
            }
        }
    }

    /** C[4 rows, vectors i … i+3] = init + A[4 rows] · W[:, wj … wj + 4L). */
    private static void tile4x4(int k, float[] a, int ar, int lda, float[] w, int wj, int ldw, float[] init, int io,
                                int[] co, int i, float[] c, int cr, int ldc) {
        final int s = init == c ? ldc : 0, o0 = co[i], o1 = co[i + 1], o2 = co[i + 2], o3 = co[i + 3];
        FloatVector c00 = FloatVector.fromArray(S, init, io + o0), c01 = FloatVector.fromArray(S, init, io + o1);
        FloatVector c02 = FloatVector.fromArray(S, init, io + o2), c03 = FloatVector.fromArray(S, init, io + o3);
        FloatVector c10 = FloatVector.fromArray(S, init, io + s + o0), c11 = FloatVector.fromArray(S, init, io + s + o1);
        FloatVector c12 = FloatVector.fromArray(S, init, io + s + o2), c13 = FloatVector.fromArray(S, init, io + s + o3);
        FloatVector c20 = FloatVector.fromArray(S, init, io + 2 * s + o0), c21 = FloatVector.fromArray(S, init, io + 2 * s + o1);
        FloatVector c22 = FloatVector.fromArray(S, init, io + 2 * s + o2), c23 = FloatVector.fromArray(S, init, io + 2 * s + o3);
        FloatVector c30 = FloatVector.fromArray(S, init, io + 3 * s + o0), c31 = FloatVector.fromArray(S, init, io + 3 * s + o1);
        FloatVector c32 = FloatVector.fromArray(S, init, io + 3 * s + o2), c33 = FloatVector.fromArray(S, init, io + 3 * s + o3);
        for (int p = 0; p < k; p++) {
            final int wp = wj + p * ldw, ap = ar + p;
            final FloatVector w0 = FloatVector.fromArray(S, w, wp), w1 = FloatVector.fromArray(S, w, wp + L);
            final FloatVector w2 = FloatVector.fromArray(S, w, wp + 2 * L), w3 = FloatVector.fromArray(S, w, wp + 3 * L);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(w0, c00); c01 = av.fma(w1, c01); c02 = av.fma(w2, c02); c03 = av.fma(w3, c03);
            av = FloatVector.broadcast(S, a[ap + lda]);
            c10 = av.fma(w0, c10); c11 = av.fma(w1, c11); c12 = av.fma(w2, c12); c13 = av.fma(w3, c13);
            av = FloatVector.broadcast(S, a[ap + 2 * lda]);
            c20 = av.fma(w0, c20); c21 = av.fma(w1, c21); c22 = av.fma(w2, c22); c23 = av.fma(w3, c23);
            av = FloatVector.broadcast(S, a[ap + 3 * lda]);
            c30 = av.fma(w0, c30); c31 = av.fma(w1, c31); c32 = av.fma(w2, c32); c33 = av.fma(w3, c33);
        }
        c00.intoArray(c, cr + o0); c01.intoArray(c, cr + o1); c02.intoArray(c, cr + o2); c03.intoArray(c, cr + o3);
        c10.intoArray(c, cr + ldc + o0); c11.intoArray(c, cr + ldc + o1); c12.intoArray(c, cr + ldc + o2); c13.intoArray(c, cr + ldc + o3);
        c20.intoArray(c, cr + 2 * ldc + o0); c21.intoArray(c, cr + 2 * ldc + o1); c22.intoArray(c, cr + 2 * ldc + o2); c23.intoArray(c, cr + 2 * ldc + o3);
        c30.intoArray(c, cr + 3 * ldc + o0); c31.intoArray(c, cr + 3 * ldc + o1); c32.intoArray(c, cr + 3 * ldc + o2); c33.intoArray(c, cr + 3 * ldc + o3);
    }

    /** One row, vectors i … i+7: C = init + a · W[:, i·L … (i+8)·L) (init: the bias, or C's partial sums). */
    private static void row8(int k, float[] a, int ar, float[] w, int wk, int i, int ldw, float[] init, int io, int[] co,
                             float[] c, int cr) {
        final int wj = wk + i * L;
        FloatVector c0 = FloatVector.fromArray(S, init, io + co[i]), c1 = FloatVector.fromArray(S, init, io + co[i + 1]);
        FloatVector c2 = FloatVector.fromArray(S, init, io + co[i + 2]), c3 = FloatVector.fromArray(S, init, io + co[i + 3]);
        FloatVector c4 = FloatVector.fromArray(S, init, io + co[i + 4]), c5 = FloatVector.fromArray(S, init, io + co[i + 5]);
        FloatVector c6 = FloatVector.fromArray(S, init, io + co[i + 6]), c7 = FloatVector.fromArray(S, init, io + co[i + 7]);
        for (int p = 0; p < k; p++) {
            final FloatVector av = FloatVector.broadcast(S, a[ar + p]);
            final int wp = wj + p * ldw;
            c0 = av.fma(FloatVector.fromArray(S, w, wp), c0);
            c1 = av.fma(FloatVector.fromArray(S, w, wp + L), c1);
            c2 = av.fma(FloatVector.fromArray(S, w, wp + 2 * L), c2);
            c3 = av.fma(FloatVector.fromArray(S, w, wp + 3 * L), c3);
            c4 = av.fma(FloatVector.fromArray(S, w, wp + 4 * L), c4);
            c5 = av.fma(FloatVector.fromArray(S, w, wp + 5 * L), c5);
            c6 = av.fma(FloatVector.fromArray(S, w, wp + 6 * L), c6);
            c7 = av.fma(FloatVector.fromArray(S, w, wp + 7 * L), c7);
        }
        c0.intoArray(c, cr + co[i]); c1.intoArray(c, cr + co[i + 1]); c2.intoArray(c, cr + co[i + 2]); c3.intoArray(c, cr + co[i + 3]);
        c4.intoArray(c, cr + co[i + 4]); c5.intoArray(c, cr + co[i + 5]); c6.intoArray(c, cr + co[i + 6]); c7.intoArray(c, cr + co[i + 7]);
    }

    /** One row, one vector: C = bias + a · W[:, wj … wj + L). */
    private static void row1(int k, float[] a, int ar, float[] w, int wj, int ldw, float[] init, int io, int c0, float[] c, int cr) {
        FloatVector acc = FloatVector.fromArray(S, init, io + c0);
        for (int p = 0; p < k; p++) acc = FloatVector.broadcast(S, a[ar + p]).fma(FloatVector.fromArray(S, w, wj + p * ldw), acc);
        acc.intoArray(c, cr + c0);
    }
}
