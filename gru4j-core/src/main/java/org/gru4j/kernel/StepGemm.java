package org.gru4j.kernel;

/**
 * The product at each step of a recurrent layer, its weight matrix packed once:
 * <pre>
 * C[b, g·Hp + j] = bias[g·H + j] + Σ_k A[b,k] · W[g·H + j, k]       k = 0, 1, … K−1 in order
 * </pre>
 * for the rows b and the units j asked for. W is (G·H, K) row-major as PyTorch stores weight_ih / weight_hh (K is I
 * or H); A is (rows, K) row-major with leading dimension lda (x_t or h_t).
 *
 * <p>Packed layout: Wᵀ (K, P·V·L) with its columns regrouped into P panels of U units, each holding all G gates of
 * units [p·U, (p+1)·U): V = G·U/L vectors of L columns per panel. GRU and LSTM panels are L units (V = G); an RNN's
 * are 2L (V = 2) so a register tile is two vectors wide. C is (rows, G·Hp) with Hp = P·U ≥ H: gate g of unit j at
 * column g·Hp + j, the padding past H holding zeros. Panels [p0, p1) are units [p0·U, min(H, p1·U)), so a thread
 * that owns a range of panels owns all the gates of its units.
 *
 * <p>Every element is the bias followed by one multiply-add per k in order (fused on the Vector API, as
 * {@link Gemm#mm}), whichever rows, panels or register tile compute it: a batch or the units split across calls or
 * threads give the same bits, and so does {@link Gemm#mm} on the same operands.
 */
public final class StepGemm {
    /** G gate blocks, H units, K the depth of the product, U units per panel, P panels, Hp = P·U. */
    public final int gates, hidden, depth, units, panels, padded;
    /** The leading dimension of C: G·Hp. */
    public final int ldc;
    final int lanes, vectors, ldw;           // L; P·V vectors; ldw = P·V·L
    final float[] w;                         // (K, P·V·L)
    /** The bias in C's layout (G·Hp): zeros past H, and everywhere without a bias. */
    public final float[] bias;
    final int[] cOff;                        // vector i → its first column in C

    /**
     * An empty product for G gate blocks of H units over depth K; {@link #pack} fills it.
     *
     * @param gates G
     * @param hidden H
     * @param depth K
     */
    public StepGemm(int gates, int hidden, int depth) {
        this.gates = gates;
        this.hidden = hidden;
        this.depth = depth;
        this.lanes = Gemm.VECTOR ? VectorGemm.L : 16;
        this.units = gates == 1 ? 2 * lanes : lanes;
        this.panels = (hidden + units - 1) / units;
        this.padded = panels * units;
        int perPanel = gates * units / lanes;
        this.vectors = panels * perPanel;
        this.ldw = vectors * lanes;
        this.ldc = gates * padded;
        long size = (long) depth * ldw;
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("weights of " + size + " floats are too large to pack");
        this.w = new float[(int) size];
        this.bias = new float[ldc];
        this.cOff = new int[vectors];
        int q = units / lanes;                    // vectors per gate in a panel
        for (int p = 0; p < panels; p++) {
            for (int v = 0; v < perPanel; v++) cOff[p * perPanel + v] = (v / q) * padded + p * units + (v % q) * lanes;
        }
    }

    /**
     * Packs W (G·H, K) at params[wOff] and the bias (G·H) at params[biasOff] (−1: none).
     *
     * @param params the buffer holding W and the bias
     * @param wOff where W starts
     * @param biasOff where the bias starts, or −1
     */
    public void pack(float[] params, int wOff, int biasOff) {
        java.util.Arrays.fill(w, 0f);
        java.util.Arrays.fill(bias, 0f);
        for (int i = 0; i < vectors; i++) {
            int col = cOff[i], g = col / padded, j0 = col % padded;
            for (int lane = 0; lane < lanes && j0 + lane < hidden; lane++) {
                int row = wOff + (g * hidden + j0 + lane) * depth, dst = i * lanes + lane;
                for (int k = 0; k < depth; k++) w[k * ldw + dst] = params[row + k];
                if (biasOff >= 0) bias[col + lane] = params[biasOff + g * hidden + j0 + lane];
            }
        }
    }

    /**
     * The first unit of panel p (capped at H).
     *
     * @param p the panel
     * @return the unit
     */
    public int unit(int p) {
        return Math.min(hidden, p * units);
    }

    /**
     * C rows [b0, b1) (at c[cOff + b·ldc]) for the units of panels [p0, p1); A row b at a[aOff + b·lda].
     *
     * @param b0 the first row
     * @param b1 past the last row
     * @param p0 the first panel
     * @param p1 past the last panel
     * @param a A's values
     * @param aOff where row 0 of A is
     * @param lda A's leading dimension
     * @param c C's values (leading dimension {@link #ldc})
     * @param cOff where row 0 of C is
     */
    public void times(int b0, int b1, int p0, int p1, float[] a, int aOff, int lda, float[] c, int cOff) {
        int perPanel = vectors / panels;
        int i0 = p0 * perPanel, i1 = p1 * perPanel;
        if (b0 >= b1 || i0 >= i1) return;
        if (Gemm.VECTOR) VectorStepGemm.times(this, b0, b1, i0, i1, a, aOff, lda, c, cOff);
        else scalarTimes(b0, b1, i0, i1, a, aOff, lda, c, cOff);
    }

    private void scalarTimes(int b0, int b1, int i0, int i1, float[] a, int aOff, int lda, float[] c, int cBase) {
        for (int b = b0; b < b1; b++) {
            int ar = aOff + b * lda, cr = cBase + b * ldc;
            for (int i = i0; i < i1; i++) {
                int co = cr + cOff[i], wo = i * lanes;
                System.arraycopy(bias, cOff[i], c, co, lanes);
                for (int k = 0; k < depth; k++) {
                    float ak = a[ar + k];
                    int wk = k * ldw + wo;
                    for (int lane = 0; lane < lanes; lane++) c[co + lane] += ak * w[wk + lane];
                }
            }
        }
    }
}
