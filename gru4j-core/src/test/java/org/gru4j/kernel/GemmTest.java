package org.gru4j.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GemmTest {

    /** The vector kernel against a double-precision triple loop, on shapes around every tile edge, A plain and transposed. */
    @Test
    void matchesDoubleReferenceOnAwkwardShapes() {
        assertTrue(Gemm.VECTOR, "tests run with --add-modules jdk.incubator.vector: the vector kernel must be the one tested");
        Random rnd = new Random(7);
        int[] sizes = {1, 2, 3, 4, 5, 15, 16, 17, 31, 32, 33, 47, 64, 65, 300};
        for (int trial = 0; trial < 400; trial++) {
            int m = sizes[rnd.nextInt(sizes.length)], n = sizes[rnd.nextInt(sizes.length)], k = sizes[rnd.nextInt(sizes.length)];
            boolean transA = rnd.nextBoolean(), acc = rnd.nextBoolean();
            int lda = (transA ? m : k) + rnd.nextInt(3), ldb = n + rnd.nextInt(3), ldc = n + rnd.nextInt(3);
            int aOff = rnd.nextInt(4), bOff = rnd.nextInt(4), cOff = rnd.nextInt(4);
            float[] a = rand(rnd, aOff + (transA ? k : m) * lda), b = rand(rnd, bOff + k * ldb), c = rand(rnd, cOff + m * ldc);
            float[] c0 = c.clone();
            int ars = transA ? 1 : lda, acs = transA ? lda : 1;
            Gemm.mm(m, n, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, acc);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = acc ? c0[cOff + i * ldc + j] : 0;
                    for (int p = 0; p < k; p++) s += (double) a[aOff + i * ars + p * acs] * b[bOff + p * ldb + j];
                    assertEquals(s, c[cOff + i * ldc + j], 1e-5 * (1 + Math.sqrt(k)), "m=" + m + " n=" + n + " k=" + k);
                }
                // padding between rows is untouched
                for (int j = n; j < ldc && i * ldc + j + cOff < c.length; j++) assertEquals(c0[cOff + i * ldc + j], c[cOff + i * ldc + j]);
            }
        }
    }

    @Test
    void scalarKernelAgreesWithVectorKernel() {
        Random rnd = new Random(11);
        int m = 13, n = 70, k = 29;
        float[] a = rand(rnd, m * k), b = rand(rnd, k * n), c1 = new float[m * n], c2 = new float[m * n];
        Gemm.mm(m, n, k, a, 0, k, 1, b, 0, n, c1, 0, n, false);
        Gemm.scalarMm(m, n, k, a, 0, k, 1, b, 0, n, c2, 0, n, false);
        for (int i = 0; i < c1.length; i++) assertEquals(c2[i], c1[i], 1e-5);
    }

    /** The kernels added for speed against the scalar triple loop, on odd sizes around the tiles (8 rows, MC, KC). */
    @Test
    void vectorAndScalarAgreeOnOddSizes() {
        Random rnd = new Random(13);
        int[] sizes = {1, 3, 8, 17, 33, 129, 257};
        for (int m : sizes) {
            for (int n : new int[]{1, 3, 17, 33, 129, 300}) {
                int k = sizes[rnd.nextInt(sizes.length)];
                boolean transA = rnd.nextBoolean();
                float[] a = rand(rnd, m * k + 3), b = rand(rnd, k * n + 2), c1 = rand(rnd, m * n + 1), c2 = c1.clone();
                int ars = transA ? 1 : k, acs = transA ? m : 1;
                Gemm.mm(m, n, k, a, 3, ars, acs, b, 2, n, c1, 1, n, true);
                Gemm.scalarMm(m, n, k, a, 3, ars, acs, b, 2, n, c2, 1, n, true);
                for (int i = 0; i < c1.length; i++) {
                    assertEquals(c2[i], c1[i], 1e-5 * (1 + Math.sqrt(k)), "m=" + m + " n=" + n + " k=" + k + " transA=" + transA);
                }
            }
        }
    }

    /** The batch-1 product on packed panels equals the plain product, for widths around the panel width. */
    @Test
    void matrixVectorOnPanelsAgreesWithScalar() {
        Random rnd = new Random(17);
        for (int n : new int[]{1, 3, 17, 33, Gemm.PANEL - 1, Gemm.PANEL, Gemm.PANEL + 1, 3 * Gemm.PANEL + 17}) {
            for (int k : new int[]{1, 3, 17, 129}) {
                float[] a = rand(rnd, k + 2), b = rand(rnd, k * n), panels = new float[k * n];
                float[] c1 = rand(rnd, n + 5), c2 = c1.clone();
                Gemm.packPanels(k, n, b, 0, n, panels);
                Gemm.mv(n, k, a, 2, panels, c1, 5);
                Gemm.scalarMm(1, n, k, a, 2, k, 1, b, 0, n, c2, 5, n, true);
                for (int i = 0; i < c1.length; i++) assertEquals(c2[i], c1[i], 1e-5 * (1 + Math.sqrt(k)), "n=" + n + " k=" + k);
            }
        }
    }

    /** Splitting a product across threads (by columns or by rows) gives exactly the single-thread result. */
    @Test
    void threadsGiveTheSameResultAsOneThread() {
        Random rnd = new Random(19);
        int before = Parallel.threads();
        try {
            for (int[] mnk : new int[][]{{64, 1536, 512}, {1536, 40, 3000}, {33, 1000, 129}}) {
                int m = mnk[0], n = mnk[1], k = mnk[2];
                assertTrue((long) m * n * k >= Gemm.SPLIT_MACS, "big enough to split");
                float[] a = rand(rnd, m * k), b = rand(rnd, k * n), c1 = rand(rnd, m * n), c2 = c1.clone();
                Parallel.setThreads(1);
                Gemm.mm(m, n, k, a, 0, k, 1, b, 0, n, c1, 0, n, true);
                Parallel.setThreads(3);
                Gemm.mm(m, n, k, a, 0, k, 1, b, 0, n, c2, 0, n, true);
                for (int i = 0; i < c1.length; i++) assertEquals(c1[i], c2[i], 0f, "m=" + m + " n=" + n + " k=" + k);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void columnSumsMatchAPlainLoop() {
        Random rnd = new Random(23);
        for (int m : new int[]{1, 3, 17, 129}) {
            for (int n : new int[]{1, 3, 17, 33, 129}) {
                int lda = n + 2;
                float[] a = rand(rnd, 1 + m * lda), out = rand(rnd, n + 3), want = out.clone();
                Gemm.addColumnSums(m, n, a, 1, lda, out, 0);
                for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) want[j] += a[1 + i * lda + j];
                for (int j = 0; j < out.length; j++) assertEquals(want[j], out[j], 0f, "m=" + m + " n=" + n + " j=" + j);
            }
        }
    }

    @Test
    void splitCoversTheRangeOnAlignedBoundaries() {
        for (int n : new int[]{1, 31, 32, 33, 100, 1536}) {
            for (int parts = 1; parts <= 4; parts++) {
                assertEquals(0, Gemm.split(n, parts, 0, 32));
                assertEquals(n, Gemm.split(n, parts, parts, 32));
                for (int p = 1; p < parts; p++) {
                    int s = Gemm.split(n, parts, p, 32);
                    assertTrue(s % 32 == 0 || s == n, "aligned");
                    assertTrue(s >= Gemm.split(n, parts, p - 1, 32), "in order");
                }
            }
        }
    }

    @Test
    void transposeSwapsIndices() {
        float[] in = new float[5 * 40];
        for (int i = 0; i < in.length; i++) in[i] = i;
        float[] out = new float[in.length];
        Gemm.transpose(5, 40, in, 0, 40, out, 0);
        for (int i = 0; i < 5; i++) for (int j = 0; j < 40; j++) assertEquals(in[i * 40 + j], out[j * 5 + i]);
    }

    private static float[] rand(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }
}
