package org.gru4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API tiles behind {@link StepGemm#times}. Register tile for M = B rows: 8 rows × 2 vectors (16
 * accumulators, started from the bias; A broadcast, the packed weights loaded along their rows) over the whole of K,
 * so C is written once and never read; single rows (a batch-1 stream, B mod 8) take 8 vectors at a time so that
 * 8 independent accumulators hide the FMA latency. Vectors are numbered across the panels (i = p·V + v), their
 * weights are columns [i·L, (i+1)·L) of the packed matrix and their results land at C columns cOff[i].
 */
final class VectorStepGemm {
    private VectorStepGemm() {}

    static final VectorSpecies<Float> S = VectorGemm.S;
    static final int L = VectorGemm.L;

    /** K panel: its strip of weights (KC × 2L floats, 8 KiB at L = 16) stays in L1 while the row tiles sweep it. */
    private static final int KC = 128;

    static void times(StepGemm g, int b0, int b1, int i0, int i1, float[] a, int aOff, int lda, float[] c, int cBase) {
        final int k = g.depth, ldw = g.ldw, ldc = g.ldc;
        final float[] w = g.w, bias = g.bias;
        final int[] co = g.cOff;
        final int b8 = b0 + (b1 - b0) / 8 * 8;
        for (int p0 = 0; p0 < k; p0 += KC) {
            // the first K panel starts from the bias, later ones from the partial sums in C
            final int kc = Math.min(KC, k - p0), wk = p0 * ldw;
            final float[] init = p0 == 0 ? bias : c;
            final int aP = aOff + p0;
            int i = i0;
            for (; i + 2 <= i1; i += 2) {
                for (int b = b0; b < b8; b += 8) {
                    final int cr = cBase + b * ldc;
                    tile8x2(kc, a, aP + b * lda, lda, w, wk + i * L, ldw, init, p0 == 0 ? 0 : cr, co[i], co[i + 1], c, cr, ldc);
                }
            }
            for (; i < i1; i++) {
                for (int b = b0; b < b8; b++) {
                    final int cr = cBase + b * ldc;
                    row1(kc, a, aP + b * lda, w, wk + i * L, ldw, init, p0 == 0 ? 0 : cr, co[i], c, cr);
                }
            }
            for (int b = b8; b < b1; b++) {
                final int cr = cBase + b * ldc, ar = aP + b * lda, io = p0 == 0 ? 0 : cr;
                int j = i0;
                for (; j + 8 <= i1; j += 8) row8(kc, a, ar, w, wk, j, ldw, init, io, co, c, cr);
                for (; j < i1; j++) row1(kc, a, ar, w, wk + j * L, ldw, init, io, co[j], c, cr);
            }
        }
    }

    /** C[8 rows, vectors at c0 and c1] = bias + A[8 rows] · W[:, wj … wj + 2L). */
    private static void tile8x2(int k, float[] a, int ar, int lda, float[] w, int wj, int ldw, float[] init, int io,
                                int c0, int c1, float[] c, int cr, int ldc) {
        // init rows: the bias for every row (io = 0 into the bias), or each row's partial sums in C (io = cr)
        final int s = init == c ? ldc : 0;
        FloatVector c00 = FloatVector.fromArray(S, init, io + c0), c01 = FloatVector.fromArray(S, init, io + c1);
        FloatVector c10 = FloatVector.fromArray(S, init, io + s + c0), c11 = FloatVector.fromArray(S, init, io + s + c1);
        FloatVector c20 = FloatVector.fromArray(S, init, io + 2 * s + c0), c21 = FloatVector.fromArray(S, init, io + 2 * s + c1);
        FloatVector c30 = FloatVector.fromArray(S, init, io + 3 * s + c0), c31 = FloatVector.fromArray(S, init, io + 3 * s + c1);
        FloatVector c40 = FloatVector.fromArray(S, init, io + 4 * s + c0), c41 = FloatVector.fromArray(S, init, io + 4 * s + c1);
        FloatVector c50 = FloatVector.fromArray(S, init, io + 5 * s + c0), c51 = FloatVector.fromArray(S, init, io + 5 * s + c1);
        FloatVector c60 = FloatVector.fromArray(S, init, io + 6 * s + c0), c61 = FloatVector.fromArray(S, init, io + 6 * s + c1);
        FloatVector c70 = FloatVector.fromArray(S, init, io + 7 * s + c0), c71 = FloatVector.fromArray(S, init, io + 7 * s + c1);
        for (int p = 0; p < k; p++) {
            final int wp = wj + p * ldw, ap = ar + p;
            final FloatVector w0 = FloatVector.fromArray(S, w, wp), w1 = FloatVector.fromArray(S, w, wp + L);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(w0, c00); c01 = av.fma(w1, c01);
            av = FloatVector.broadcast(S, a[ap + lda]);
            c10 = av.fma(w0, c10); c11 = av.fma(w1, c11);
            av = FloatVector.broadcast(S, a[ap + 2 * lda]);
            c20 = av.fma(w0, c20); c21 = av.fma(w1, c21);
            av = FloatVector.broadcast(S, a[ap + 3 * lda]);
            c30 = av.fma(w0, c30); c31 = av.fma(w1, c31);
            av = FloatVector.broadcast(S, a[ap + 4 * lda]);
            c40 = av.fma(w0, c40); c41 = av.fma(w1, c41);
            av = FloatVector.broadcast(S, a[ap + 5 * lda]);
            c50 = av.fma(w0, c50); c51 = av.fma(w1, c51);
            av = FloatVector.broadcast(S, a[ap + 6 * lda]);
            c60 = av.fma(w0, c60); c61 = av.fma(w1, c61);
            av = FloatVector.broadcast(S, a[ap + 7 * lda]);
            c70 = av.fma(w0, c70); c71 = av.fma(w1, c71);
        }
        c00.intoArray(c, cr + c0); c01.intoArray(c, cr + c1);
        c10.intoArray(c, cr + ldc + c0); c11.intoArray(c, cr + ldc + c1);
        c20.intoArray(c, cr + 2 * ldc + c0); c21.intoArray(c, cr + 2 * ldc + c1);
        c30.intoArray(c, cr + 3 * ldc + c0); c31.intoArray(c, cr + 3 * ldc + c1);
        c40.intoArray(c, cr + 4 * ldc + c0); c41.intoArray(c, cr + 4 * ldc + c1);
        c50.intoArray(c, cr + 5 * ldc + c0); c51.intoArray(c, cr + 5 * ldc + c1);
        c60.intoArray(c, cr + 6 * ldc + c0); c61.intoArray(c, cr + 6 * ldc + c1);
        c70.intoArray(c, cr + 7 * ldc + c0); c71.intoArray(c, cr + 7 * ldc + c1);
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
