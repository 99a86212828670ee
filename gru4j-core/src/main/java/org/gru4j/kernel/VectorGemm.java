package org.gru4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel behind {@link Gemm#mm}: C[M,N] (+)= A[M,K]·B[K,N].
 *
 * <p>Register tile: 8 rows of C × 2 vectors of columns (16 accumulators of the 32 AVX-512 registers), A broadcast,
 * B loaded along its rows; 4×2 and 1×2 tiles for the last rows, a masked 1×1 for the last columns. K is cut into
 * panels of {@link #KC} so that the 2-vector strip of B being swept (KC × 2L floats) stays in L1 across the row tiles.
 * Only loaded when the incubator module is present.
 */
final class VectorGemm {
    private VectorGemm() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;   // 8 floats: one packed column of A
    private static final int KC = 128;   // K panel: KC rows of B, 2L columns wide (8 KiB at L = 16), stay in L1

    private static final int MC = 128;   // row block: its A panel (MC × KC floats, 64 KiB) is packed and stays in L2
    private static final ThreadLocal<float[]> PACK = ThreadLocal.withInitial(() -> new float[MC * KC]);

    static void mm(int m, int n, int k,
                   float[] a, int aOff, int ars, int acs,
                   float[] b, int bOff, int ldb,
                   float[] c, int cOff, int ldc, boolean accumulate) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
        }
        if (m == 1) {
            rowTimesMatrix(n, k, a, aOff, acs, b, bOff, ldb, c, cOff);
            return;
        }
        final float[] pack = PACK.get();
        final int n2 = n - n % (2 * L);
        for (int p0 = 0; p0 < k; p0 += KC) {
            final int kc = Math.min(KC, k - p0);
            final int bPanel = bOff + p0 * ldb;
            for (int i0 = 0; i0 < m; i0 += MC) {
                final int mc = Math.min(MC, m - i0), m8 = mc - mc % 8;
                final int aPanel = aOff + i0 * ars + p0 * acs;
                // A read in place when its rows are contiguous; a transposed A (columns contiguous) is packed first
                // as blocks of 8 rows, pack[blk·kc + p·8 + r], so the tile does not stride through memory
                final boolean packed = acs != 1;
                final float[] pa = packed ? pack : a;
                if (packed) {
                    for (int blk = 0; blk < m8; blk += 8) {
                        final int dst = blk * kc;
                        for (int p = 0; p < kc; p++) {
                            final int src = aPanel + blk * ars + p * acs, d = dst + p * 8;
                            if (ars == 1 && L >= 8) FloatVector.fromArray(S8, a, src).intoArray(pack, d);
                            else for (int r = 0; r < 8; r++) pack[d + r] = a[src + r * ars];
                        }
                    }
                }
                final int paRs = packed ? 1 : ars, paCs = packed ? 8 : 1;
                for (int j = 0; j < n2; j += 2 * L) {
                    final int cj = cOff + i0 * ldc + j;
                    for (int blk = 0; blk < m8; blk += 8) {
                        final int ai = packed ? blk * kc : aPanel + blk * ars;
                        tile8x2(kc, pa, ai, paRs, paCs, b, bPanel + j, ldb, c, cj + blk * ldc, ldc);
                    }
                    int i = m8;
                    for (; i + 4 <= mc; i += 4) tile4x2(kc, a, aPanel + i * ars, ars, acs, b, bPanel + j, ldb, c, cj + i * ldc, ldc);
                    for (; i < mc; i++) tile1x2(kc, a, aPanel + i * ars, acs, b, bPanel + j, ldb, c, cj + i * ldc);
                }
                for (int j = n2; j < n; j += L) {
                    if (n - j <= NARROW) {       // a few columns left (I = 2 features, one output): scalar is faster
                        for (int i = 0; i < mc; i++) narrow(kc, n - j, a, aPanel + i * ars, acs, b, bPanel + j, ldb, c, cOff + (i0 + i) * ldc + j);
                        break;
                    }
                    VectorMask<Float> mask = S.indexInRange(j, n);
                    for (int i = 0; i < mc; i++) {
                        tile1x1(kc, a, aPanel + i * ars, acs, b, bPanel + j, ldb, c, cOff + (i0 + i) * ldc + j, mask);
                    }
                }
            }
        }
    }

    /** out[0, n) += Σ_i A[i, 0..n): the column sums of A[M,N] (leading dimension lda), row by row. */
    static void addColumnSums(int m, int n, float[] a, int aOff, int lda, float[] out, int outOff) {
        final int nv = n - n % L;
        for (int i = 0; i < m; i++) {
            final int ai = aOff + i * lda;
            int j = 0;
            for (; j < nv; j += L) {
                FloatVector.fromArray(S, out, outOff + j).add(FloatVector.fromArray(S, a, ai + j)).intoArray(out, outOff + j);
            }
            for (; j < n; j++) out[outOff + j] += a[ai + j];
        }
    }

    /**
     * One row (a matrix-vector product, batch 1): c[0, n) += a·B over the whole of K at once, 8 vectors of columns
     * at a time so that 8 independent accumulators hide the FMA latency; then 2, then a masked one.
     */
    static void rowTimesMatrix(int n, int k, float[] a, int aOff, int acs, float[] b, int bOff, int ldb,
                                       float[] c, int cOff) {
        int j = 0;
        for (; j + 8 * L <= n; j += 8 * L) {
            int cj = cOff + j;
            FloatVector c0 = FloatVector.fromArray(S, c, cj), c1 = FloatVector.fromArray(S, c, cj + L);
            FloatVector c2 = FloatVector.fromArray(S, c, cj + 2 * L), c3 = FloatVector.fromArray(S, c, cj + 3 * L);
            FloatVector c4 = FloatVector.fromArray(S, c, cj + 4 * L), c5 = FloatVector.fromArray(S, c, cj + 5 * L);
            FloatVector c6 = FloatVector.fromArray(S, c, cj + 6 * L), c7 = FloatVector.fromArray(S, c, cj + 7 * L);
            for (int p = 0; p < k; p++) {
                FloatVector av = FloatVector.broadcast(S, a[aOff + p * acs]);
                int bp = bOff + p * ldb + j;
                c0 = av.fma(FloatVector.fromArray(S, b, bp), c0);
                c1 = av.fma(FloatVector.fromArray(S, b, bp + L), c1);
                c2 = av.fma(FloatVector.fromArray(S, b, bp + 2 * L), c2);
                c3 = av.fma(FloatVector.fromArray(S, b, bp + 3 * L), c3);
                c4 = av.fma(FloatVector.fromArray(S, b, bp + 4 * L), c4);
                c5 = av.fma(FloatVector.fromArray(S, b, bp + 5 * L), c5);
                c6 = av.fma(FloatVector.fromArray(S, b, bp + 6 * L), c6);
                c7 = av.fma(FloatVector.fromArray(S, b, bp + 7 * L), c7);
            }
            c0.intoArray(c, cj); c1.intoArray(c, cj + L); c2.intoArray(c, cj + 2 * L); c3.intoArray(c, cj + 3 * L);
            c4.intoArray(c, cj + 4 * L); c5.intoArray(c, cj + 5 * L); c6.intoArray(c, cj + 6 * L); c7.intoArray(c, cj + 7 * L);
        }
        for (; j + 2 * L <= n; j += 2 * L) tile1x2(k, a, aOff, acs, b, bOff + j, ldb, c, cOff + j);
        if (n - j > 0 && n - j <= NARROW) narrow(k, n - j, a, aOff, acs, b, bOff + j, ldb, c, cOff + j);
        else for (; j < n; j += L) tile1x1(k, a, aOff, acs, b, bOff + j, ldb, c, cOff + j, S.indexInRange(j, n));
    }

    /**
     * Remainders of at most this many columns are done in scalar code: a masked vector per row and k that carries one
     * to four useful lanes costs more (its loads take the checked path near an array's end) than the scalar FMAs.
     */
    static final int NARROW = 4;

    /** c[0, w) += Σ_p a[ai + p·acs] · b[bj + p·ldb, +w), for w ≤ {@link #NARROW} columns. */
    private static void narrow(int k, int w, float[] a, int ai, int acs, float[] b, int bj, int ldb, float[] c, int cij) {
        float c0 = c[cij], c1 = w > 1 ? c[cij + 1] : 0, c2 = w > 2 ? c[cij + 2] : 0, c3 = w > 3 ? c[cij + 3] : 0;
        for (int p = 0; p < k; p++) {
            float av = a[ai + p * acs];
            int bp = bj + p * ldb;
            c0 = Math.fma(av, b[bp], c0);
            if (w > 1) c1 = Math.fma(av, b[bp + 1], c1);
            if (w > 2) c2 = Math.fma(av, b[bp + 2], c2);
            if (w > 3) c3 = Math.fma(av, b[bp + 3], c3);
        }
        c[cij] = c0;
        if (w > 1) c[cij + 1] = c1;
        if (w > 2) c[cij + 2] = c2;
        if (w > 3) c[cij + 3] = c3;
    }

    /** C[8 rows, 2L columns] += A (element (r, p) at pa[ai + r·ars + p·acs]; packed: ars 1, acs 8) · B strip. */
    private static void tile8x2(int k, float[] pa, int ai, int ars, int acs, float[] b, int bj, int ldb, float[] c, int cij, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, c, cij), c01 = FloatVector.fromArray(S, c, cij + L);
        FloatVector c10 = FloatVector.fromArray(S, c, cij + ldc), c11 = FloatVector.fromArray(S, c, cij + ldc + L);
        FloatVector c20 = FloatVector.fromArray(S, c, cij + 2 * ldc), c21 = FloatVector.fromArray(S, c, cij + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(S, c, cij + 3 * ldc), c31 = FloatVector.fromArray(S, c, cij + 3 * ldc + L);
        FloatVector c40 = FloatVector.fromArray(S, c, cij + 4 * ldc), c41 = FloatVector.fromArray(S, c, cij + 4 * ldc + L);
        FloatVector c50 = FloatVector.fromArray(S, c, cij + 5 * ldc), c51 = FloatVector.fromArray(S, c, cij + 5 * ldc + L);
        FloatVector c60 = FloatVector.fromArray(S, c, cij + 6 * ldc), c61 = FloatVector.fromArray(S, c, cij + 6 * ldc + L);
        FloatVector c70 = FloatVector.fromArray(S, c, cij + 7 * ldc), c71 = FloatVector.fromArray(S, c, cij + 7 * ldc + L);
        for (int p = 0; p < k; p++) {
            int bp = bj + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            int ap = ai + p * acs;
            FloatVector av = FloatVector.broadcast(S, pa[ap]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, pa[ap + 1 * ars]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, pa[ap + 2 * ars]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, pa[ap + 3 * ars]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, pa[ap + 4 * ars]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, pa[ap + 5 * ars]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, pa[ap + 6 * ars]);
            c60 = av.fma(b0, c60); c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, pa[ap + 7 * ars]);
            c70 = av.fma(b0, c70); c71 = av.fma(b1, c71);
        }
        c00.intoArray(c, cij); c01.intoArray(c, cij + L);
        c10.intoArray(c, cij + ldc); c11.intoArray(c, cij + ldc + L);
        c20.intoArray(c, cij + 2 * ldc); c21.intoArray(c, cij + 2 * ldc + L);
        c30.intoArray(c, cij + 3 * ldc); c31.intoArray(c, cij + 3 * ldc + L);
        c40.intoArray(c, cij + 4 * ldc); c41.intoArray(c, cij + 4 * ldc + L);
        c50.intoArray(c, cij + 5 * ldc); c51.intoArray(c, cij + 5 * ldc + L);
        c60.intoArray(c, cij + 6 * ldc); c61.intoArray(c, cij + 6 * ldc + L);
        c70.intoArray(c, cij + 7 * ldc); c71.intoArray(c, cij + 7 * ldc + L);
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
