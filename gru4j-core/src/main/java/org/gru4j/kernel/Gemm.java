package org.gru4j.kernel;

/**
 * Matrix products on flat float arrays: C[M,N] (+)= A[M,K] · B[K,N].
 *
 * <p>A is addressed with two strides so that a transposed operand costs nothing: element (i,k) of A is
 * {@code a[aOff + i*ars + k*acs]}. B and C are row-major with leading dimensions ldb and ldc (their rows are
 * what the vector kernel loads). For A·Bᵀ with B stored as [N,K], pack Bᵀ once with {@link #transpose}.
 *
 * <p>The Vector API kernel is used when the jdk.incubator.vector module is present (chosen once, at class
 * initialisation); otherwise the scalar kernel, which is also the reference the vector kernel is tested against.
 */
public final class Gemm {
    private Gemm() {}

    /** True when products run on the Vector API (the JVM was started with --add-modules jdk.incubator.vector). */
    public static final boolean VECTOR = vectorModulePresent() && !Boolean.getBoolean("gru4j.scalar");

    private static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * C[M,N] = A[M,K]·B[K,N] when {@code accumulate} is false, C += A·B when true.
     *
     * @param m rows M of A and C
     * @param n columns N of B and C
     * @param k the depth K: columns of A, rows of B
     * @param a A's values
     * @param aOff where A[0,0] is
     * @param ars A's row stride
     * @param acs A's column stride: {@code a[aOff + i*ars + k*acs]} is A[i,k] (a transposed A swaps the two)
     * @param b B's values, row-major
     * @param bOff where B[0,0] is
     * @param ldb B's leading dimension
     * @param c C's values, row-major
     * @param cOff where C[0,0] is
     * @param ldc C's leading dimension
     * @param accumulate add into C instead of overwriting it
     */
    public static void mm(int m, int n, int k,
                          float[] a, int aOff, int ars, int acs,
                          float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) return;
        final int parts = (long) m * n * k >= SPLIT_MACS ? Parallel.available() : 1;
        if (parts > 1) {
            // independent blocks of C: by columns (multiples of 32) when there are enough, otherwise by rows
            if (n >= 64 * parts) {
                Parallel.run(parts, part -> {
                    int j0 = split(n, parts, part, 32), j1 = split(n, parts, part + 1, 32);
                    one(m, j1 - j0, k, a, aOff, ars, acs, b, bOff + j0, ldb, c, cOff + j0, ldc, accumulate);
                });
            } else {
                Parallel.run(parts, part -> {
                    int i0 = split(m, parts, part, 8), i1 = split(m, parts, part + 1, 8);
                    one(i1 - i0, n, k, a, aOff + i0 * ars, ars, acs, b, bOff, ldb, c, cOff + i0 * ldc, ldc, accumulate);
                });
            }
            return;
        }
        one(m, n, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** Products of at least this many multiply-adds are split across threads (smaller ones: a hand-off costs more). */
    static final long SPLIT_MACS = 1L << 21;

    /** Where part {@code part} of {@code parts} starts in [0, n), on multiples of {@code align} (the last part ends at n). */
    static int split(int n, int parts, int part, int align) {
        if (part >= parts) return n;
        long units = (n + align - 1) / align;
        return (int) Math.min(n, units * part / parts * align);
    }

    private static void one(int m, int n, int k,
                            float[] a, int aOff, int ars, int acs,
                            float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (VECTOR) {
            VectorGemm.mm(m, n, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            scalarMm(m, n, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    /**
     * Column width of the matrix-vector layout made by {@link #packPanels}: 8 vectors, what the vector kernel sweeps
     * in one pass.
     */
    public static final int PANEL = VECTOR ? 8 * VectorGemm.L : 128;

    /**
     * Packs B[K,N] (row-major, leading dimension ldb) for {@link #mv}: blocks of {@link #PANEL} columns (the last one
     * narrower), each stored as its K rows one after the other, so a matrix-vector product reads memory in order.
     * The block of columns [j0, j0 + w) is a row-major [K, w] matrix at out[j0·K ...]; out holds K·N floats.
     *
     * @param k rows K of B
     * @param n columns N of B
     * @param b B's values
     * @param bOff where B[0,0] is
     * @param ldb B's leading dimension
     * @param out receives the K·N packed values
     */
    public static void packPanels(int k, int n, float[] b, int bOff, int ldb, float[] out) {
        for (int j0 = 0; j0 < n; j0 += PANEL) {
            int w = Math.min(PANEL, n - j0);
            for (int p = 0; p < k; p++) System.arraycopy(b, bOff + p * ldb + j0, out, j0 * k + p * w, w);
        }
    }

    /**
     * c[0, N) += a[0, K)·B with B packed by {@link #packPanels}: one row (batch 1), on the calling thread.
     *
     * @param n outputs N
     * @param k the depth K
     * @param a the row, from aOff
     * @param aOff its offset
     * @param panels B packed by {@link #packPanels}
     * @param c receives the sums, from cOff
     * @param cOff its offset
     */
    public static void mv(int n, int k, float[] a, int aOff, float[] panels, float[] c, int cOff) {
        for (int j0 = 0; j0 < n; j0 += PANEL) {
            int w = Math.min(PANEL, n - j0);
            if (VECTOR) VectorGemm.rowTimesMatrix(w, k, a, aOff, 1, panels, j0 * k, w, c, cOff + j0);
            else scalarMm(1, w, k, a, aOff, k, 1, panels, j0 * k, w, c, cOff + j0, w, true);
        }
    }

    /**
     * The plain triple loop: the reference for the vector kernel.
     *
     * @param m rows M of A and C
     * @param n columns N of B and C
     * @param k the depth K
     * @param a A's values
     * @param aOff where A[0,0] is
     * @param ars A's row stride
     * @param acs A's column stride
     * @param b B's values, row-major
     * @param bOff where B[0,0] is
     * @param ldb B's leading dimension
     * @param c C's values, row-major
     * @param cOff where C[0,0] is
     * @param ldc C's leading dimension
     * @param accumulate add into C instead of overwriting it
     */
    public static void scalarMm(int m, int n, int k,
                                float[] a, int aOff, int ars, int acs,
                                float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float aip = a[aOff + i * ars + p * acs];
                if (aip == 0f) continue;
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
            }
        }
    }

    /**
     * out[cols, rows] = in[rows, cols]ᵀ; {@code in} is row-major with leading dimension {@code ld}.
     *
     * @param rows rows of in
     * @param cols columns of in
     * @param in the matrix, from inOff
     * @param inOff its offset
     * @param ld in's leading dimension
     * @param out receives the transpose, row-major, from outOff
     * @param outOff its offset
     */
    public static void transpose(int rows, int cols, float[] in, int inOff, int ld, float[] out, int outOff) {
        final int blk = 32;
        for (int i0 = 0; i0 < rows; i0 += blk) {
            int i1 = Math.min(rows, i0 + blk);
            for (int j0 = 0; j0 < cols; j0 += blk) {
                int j1 = Math.min(cols, j0 + blk);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) out[outOff + j * rows + i] = in[inOff + i * ld + j];
                }
            }
        }
    }

    /**
     * Adds the column sums of A[M,N] (row-major, leading dimension lda) into out[N]: Σ_i A[i,:].
     *
     * @param m rows M of A
     * @param n columns N of A
     * @param a A's values
     * @param aOff where A[0,0] is
     * @param lda A's leading dimension
     * @param out receives the sums, from outOff
     * @param outOff its offset
     */
    public static void addColumnSums(int m, int n, float[] a, int aOff, int lda, float[] out, int outOff) {
        if (VECTOR) {
            VectorGemm.addColumnSums(m, n, a, aOff, lda, out, outOff);
            return;
        }
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            for (int j = 0; j < n; j++) out[outOff + j] += a[ai + j];
        }
    }
}
