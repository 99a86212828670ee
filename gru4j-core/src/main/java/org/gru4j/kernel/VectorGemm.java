package org.gru4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel behind {@link Gemm#mm}: C[M,N] (+)= A[M,K]·B[K,N].
 *
 * <p>Register tile: 4 rows of C × 2 vectors of columns (8 accumulators), A broadcast, B loaded along its rows.
 * K is cut into panels so the B panel being swept stays in L2. Only loaded when the incubator module is present.
 */
final class VectorGemm {
    private VectorGemm() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    private static final int KC = 256;   // K panel: KC rows of B, 2L columns wide, stay cached across row tiles

    static void mm(int m, int n, int k,
                   float[] a, int aOff, int ars, int acs,
                   float[] b, int bOff, int ldb,
                   float[] c, int cOff, int ldc, boolean accumulate) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
        }
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            int aPanel = aOff + p0 * acs;
            int bPanel = bOff + p0 * ldb;
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                int i = 0;
                for (; i + 4 <= m; i += 4) tile4x2(kc, a, aPanel + i * ars, ars, acs, b, bPanel + j, ldb, c, cOff + i * ldc + j, ldc);
                for (; i < m; i++) tile1x2(kc, a, aPanel + i * ars, acs, b, bPanel + j, ldb, c, cOff + i * ldc + j);
            }
            for (; j < n; j += L) {
                VectorMask<Float> mask = S.indexInRange(j, n);
                for (int i = 0; i < m; i++) tile1x1(kc, a, aPanel + i * ars, acs, b, bPanel + j, ldb, c, cOff + i * ldc + j, mask);
            }
        }
    }

    private static void tile4x2(int k, float[] a, int ai, int ars, int acs, float[] b, int bj, int ldb,
                                float[] c, int cij, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, c, cij), c01 = FloatVector.fromArray(S, c, cij + L);
        FloatVector c10 = FloatVector.fromArray(S, c, cij + ldc), c11 = FloatVector.fromArray(S, c, cij + ldc + L);
        FloatVector c20 = FloatVector.fromArray(S, c, cij + 2 * ldc), c21 = FloatVector.fromArray(S, c, cij + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(S, c, cij + 3 * ldc), c31 = FloatVector.fromArray(S, c, cij + 3 * ldc + L);
        for (int p = 0; p < k; p++) {
            int bp = bj + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            int ap = ai + p * acs;
            FloatVector a0 = FloatVector.broadcast(S, a[ap]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ap + ars]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ap + 2 * ars]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ap + 3 * ars]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
        }
        c00.intoArray(c, cij); c01.intoArray(c, cij + L);
        c10.intoArray(c, cij + ldc); c11.intoArray(c, cij + ldc + L);
        c20.intoArray(c, cij + 2 * ldc); c21.intoArray(c, cij + 2 * ldc + L);
        c30.intoArray(c, cij + 3 * ldc); c31.intoArray(c, cij + 3 * ldc + L);
    }

    private static void tile1x2(int k, float[] a, int ai, int acs, float[] b, int bj, int ldb, float[] c, int cij) {
        FloatVector c0 = FloatVector.fromArray(S, c, cij), c1 = FloatVector.fromArray(S, c, cij + L);
        for (int p = 0; p < k; p++) {
            int bp = bj + p * ldb;
            FloatVector av = FloatVector.broadcast(S, a[ai + p * acs]);
            c0 = av.fma(FloatVector.fromArray(S, b, bp), c0);
            c1 = av.fma(FloatVector.fromArray(S, b, bp + L), c1);
        }
        c0.intoArray(c, cij);
        c1.intoArray(c, cij + L);
    }

    private static void tile1x1(int k, float[] a, int ai, int acs, float[] b, int bj, int ldb, float[] c, int cij,
                                VectorMask<Float> mask) {
        FloatVector c0 = FloatVector.fromArray(S, c, cij, mask);
        for (int p = 0; p < k; p++) {
            FloatVector av = FloatVector.broadcast(S, a[ai + p * acs]);
            c0 = av.fma(FloatVector.fromArray(S, b, bj + p * ldb, mask), c0);
        }
        c0.intoArray(c, cij, mask);
    }
}
