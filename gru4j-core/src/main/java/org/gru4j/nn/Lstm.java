package org.gru4j.nn;

import org.gru4j.kernel.Elementwise;
import org.gru4j.kernel.Gemm;

/**
 * The LSTM over one direction of one layer, forward and backward. Gate order is PyTorch's i, f, g, o.
 *
 * <pre>
 * i = σ(W_i x + b_ii + U_i h + b_hi)     f = σ(W_f x + b_if + U_f h + b_hf)
 * g = tanh(W_g x + b_ig + U_g h + b_hg)  o = σ(W_o x + b_io + U_o h + b_ho)
 * c' = f ⊙ c + i ⊙ g
 * h' = o ⊙ tanh(c')
 * </pre>
 * Shapes as in {@link Gru}; sc.c (B,H) enters as c0 and leaves as c_n.
 */
final class Lstm {
    private Lstm() {}

    /**
     * Forward through the steps; x (T,B,·) with leading dimension ldx. Each step is shared unit by unit
     * ({@link StepLoop}): a thread owns all four gates and the cell state of its units.
     */
    static void forward(Trace tr, Scratch sc, Packed pk, int[] lengths, boolean reverse, float[] x, int ldx,
                        float[] y, int yOff, int ldy) {
        final int steps = tr.steps, batch = tr.batch, hid = tr.hidden, g4 = 4 * hid;
        final int hp = pk.hh.padded, ldc = pk.hh.ldc;
        final float[] hs = tr.hprev, c = sc.c, gx = sc.gx, gh = sc.gh, gates = tr.gates, tc = tr.aux2;
        StepLoop.forward(tr, sc, pk, reverse, x, ldx, (t, j0, n, hOut, hIn, hNext) -> {
            final int rowT = t * batch;
            for (int b = 0; b < batch; b++) {
                final boolean active = lengths == null || t < lengths[b];
                final int q = b * ldc + j0, go = (rowT + b) * g4 + j0, ho = b * hid + j0, so = (rowT + b) * hid + j0;
                final int hi = hIn + b * hid + j0, hn = hNext + b * hid + j0, yo = (rowT + b) * ldy + yOff + j0;
                // i, f = σ(·), g = tanh(·), o = σ(·)
                Elementwise.sigmoidOfSum(n, gx, q, gh, q, gates, go);
                Elementwise.sigmoidOfSum(n, gx, q + hp, gh, q + hp, gates, go + hid);
                Elementwise.tanh(n, gx, q + 2 * hp, gh, q + 2 * hp, null, 0, null, 0, gates, go + 2 * hid);
                Elementwise.sigmoidOfSum(n, gx, q + 3 * hp, gh, q + 3 * hp, gates, go + 3 * hid);
                // c' = f ⊙ c + i ⊙ g (into aux2 for now; c before the step kept in aux), then aux2 = tanh(c')
                System.arraycopy(c, ho, tr.aux, so, n);
                for (int j = 0; j < n; j++) tc[so + j] = gates[go + hid + j] * c[ho + j] + gates[go + j] * gates[go + 2 * hid + j];
                if (active) System.arraycopy(tc, so, c, ho, n);
                Elementwise.tanh(n, tc, so, null, 0, null, 0, null, 0, tc, so);
                if (active) {
                    for (int j = 0; j < n; j++) {
                        float h1 = gates[go + 3 * hid + j] * tc[so + j];     // h' = o ⊙ tanh(c')
                        hOut[hn + j] = h1;
                        y[yo + j] = h1;
                    }
                } else {
                    System.arraycopy(hs, hi, hOut, hn, n);
                    java.util.Arrays.fill(y, yo, yo + n, 0f);
                }
            }
        });
    }

    /** Backward through time; sc.dh/sc.dc enter as dL/dh_n, dL/dc_n and leave as dL/dh0, dL/dc0. dGx is left in tr.dgx. */
    static void backward(Trace tr, Scratch sc, float[] p, float[] grad, Weights w, int[] lengths, boolean reverse,
                         float[] dy, int yOff, int ldy) {
        final int steps = tr.steps, batch = tr.batch, hid = tr.hidden, g4 = 4 * hid;
        final float[] dh = sc.dh, dc = sc.dc, carry = sc.tmp, dG = tr.dgx, gates = tr.gates;
        StepLoop.backward(tr, g4, reverse, (t, j0, j1) -> {
            final int rowT = t * batch;
            for (int b = 0; b < batch; b++) {
                final boolean active = lengths == null || t < lengths[b];
                final int go = (rowT + b) * g4, ho = b * hid, yo = (rowT + b) * ldy + yOff, so = (rowT + b) * hid;
                if (!active) {
                    for (int g = 0; g < 4; g++) java.util.Arrays.fill(dG, go + g * hid + j0, go + g * hid + j1, 0f);
                    System.arraycopy(dh, ho + j0, carry, ho + j0, j1 - j0);
                    continue;
                }
                for (int j = j0; j < j1; j++) {
                    float i = gates[go + j], f = gates[go + hid + j], g = gates[go + 2 * hid + j], o = gates[go + 3 * hid + j];
                    float tc = tr.aux2[so + j], cp = tr.aux[so + j];
                    float gdh = dh[ho + j] + dy[yo + j];                 // dL/dh'
                    float dcn = dc[ho + j] + gdh * o * (1 - tc * tc);    // dL/dc' through h' = o ⊙ tanh(c')
                    dG[go + j] = dcn * g * i * (1 - i);
                    dG[go + hid + j] = dcn * cp * f * (1 - f);
                    dG[go + 2 * hid + j] = dcn * i * (1 - g * g);
                    dG[go + 3 * hid + j] = gdh * tc * o * (1 - o);
                    dc[ho + j] = dcn * f;                                // c' = f ⊙ c + …
                    carry[ho + j] = 0f;
                }
            }
        }, (t, j0, j1) -> {
            // dh = dG·U[:, units] (+ the unchanged gradient of sequences already finished)
            for (int b = 0; b < batch; b++) System.arraycopy(carry, b * hid + j0, dh, b * hid + j0, j1 - j0);
            Gemm.mm(batch, j1 - j0, g4, dG, t * batch * g4, g4, 1, p, w.whh() + j0, hid, dh, j0, hid, true);
        });
        final int rows = steps * batch;
        Gemm.mm(g4, hid, rows, dG, 0, 1, g4, tr.hprev, 0, hid, grad, w.whh(), hid, true);
        if (w.hasBias()) Gemm.addColumnSums(rows, g4, dG, 0, g4, grad, w.bhh());
    }
}
