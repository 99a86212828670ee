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
 * Shapes as in {@link Gru}; tr.c (B,H) enters as c0 and leaves as c_n.
 */
final class Lstm {
    private Lstm() {}

    static void forward(Trace tr, float[] p, Weights w, int[] lengths, boolean reverse, float[] y, int yOff, int ldy) {
        final int steps = tr.steps, batch = tr.batch, hid = tr.hidden, g4 = 4 * hid;
        final float[] h = tr.h, c = tr.c, gh = tr.gh, gx = tr.gx, gates = tr.gates;
        for (int s = 0; s < steps; s++) {
            final int t = reverse ? steps - 1 - s : s;
            final int rowT = t * batch;
            System.arraycopy(h, 0, tr.hprev, rowT * hid, batch * hid);
            System.arraycopy(c, 0, tr.aux, rowT * hid, batch * hid);
            Gru.setBias(gh, batch, g4, 0, g4, p, w.bhh());
            Recurrent.timesWhh(tr, batch, h, gh);
            for (int b = 0; b < batch; b++) {
                final boolean active = lengths == null || t < lengths[b];
                final int go = (rowT + b) * g4, gho = b * g4, ho = b * hid, yo = (rowT + b) * ldy + yOff, so = (rowT + b) * hid;
                // i, f = σ(·) (adjacent blocks), g = tanh(·), o = σ(·)
                Elementwise.sigmoidOfSum(2 * hid, gx, go, gh, gho, gates, go);
                Elementwise.tanh(hid, gx, go + 2 * hid, gh, gho + 2 * hid, null, 0, null, 0, gates, go + 2 * hid);
                Elementwise.sigmoidOfSum(hid, gx, go + 3 * hid, gh, gho + 3 * hid, gates, go + 3 * hid);
                // c' = f ⊙ c + i ⊙ g (into aux2 for now), then aux2 = tanh(c')
                final float[] tc = tr.aux2;
                for (int j = 0; j < hid; j++) tc[so + j] = gates[go + hid + j] * c[ho + j] + gates[go + j] * gates[go + 2 * hid + j];
                if (active) System.arraycopy(tc, so, c, ho, hid);
                Elementwise.tanh(hid, tc, so, null, 0, null, 0, null, 0, tc, so);
                if (active) {
                    for (int j = 0; j < hid; j++) {
                        float hn = gates[go + 3 * hid + j] * tc[so + j];     // h' = o ⊙ tanh(c')
                        h[ho + j] = hn;
                        y[yo + j] = hn;
                    }
                } else {
                    java.util.Arrays.fill(y, yo, yo + hid, 0f);
                }
            }
        }
    }

    /** Backward through time; tr.dh/tr.dc enter as dL/dh_n, dL/dc_n and leave as dL/dh0, dL/dc0. dGx is left in tr.gx. */
    static void backward(Trace tr, float[] p, float[] grad, Weights w, int[] lengths, boolean reverse,
                         float[] dy, int yOff, int ldy) {
        final int steps = tr.steps, batch = tr.batch, hid = tr.hidden, g4 = 4 * hid;
        final float[] dh = tr.dh, dc = tr.dc, carry = tr.tmp, dG = tr.gx, gates = tr.gates;
        for (int s = steps - 1; s >= 0; s--) {
            final int t = reverse ? steps - 1 - s : s;
            final int rowT = t * batch;
            for (int b = 0; b < batch; b++) {
                final boolean active = lengths == null || t < lengths[b];
                final int go = (rowT + b) * g4, ho = b * hid, yo = (rowT + b) * ldy + yOff, so = (rowT + b) * hid;
                if (!active) {
                    java.util.Arrays.fill(dG, go, go + g4, 0f);
                    System.arraycopy(dh, ho, carry, ho, hid);
                    continue;
                }
                for (int j = 0; j < hid; j++) {
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
            // dh = dG·U (+ the unchanged gradient of sequences already finished)
            System.arraycopy(carry, 0, dh, 0, batch * hid);
            Gemm.mm(batch, hid, g4, dG, rowT * g4, g4, 1, p, w.whh(), hid, dh, 0, hid, true);
        }
        final int rows = steps * batch;
        Gemm.mm(g4, hid, rows, dG, 0, 1, g4, tr.hprev, 0, hid, grad, w.whh(), hid, true);
        if (w.hasBias()) Gemm.addColumnSums(rows, g4, dG, 0, g4, grad, w.bhh());
    }
}
