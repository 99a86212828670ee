package org.gru4j.nn;

import org.gru4j.kernel.Elementwise;
import org.gru4j.kernel.Gemm;

/**
 * The GRU over one direction of one layer: forward through the steps and backward through time.
 * Gate order is PyTorch's: rows [0,H) of W_ih / W_hh are r, [H,2H) z, [2H,3H) n.
 *
 * <pre>
 * r  = σ(W_r x + b_ir + U_r h + b_hr)
 * z  = σ(W_z x + b_iz + U_z h + b_hz)
 * n  = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn))      reset after  (PyTorch, cuDNN, ONNX linear_before_reset=1)
 * n  = tanh(W_n x + b_in + U_n (r ⊙ h) + b_hn)      reset before (Chung et al. 2014, ONNX linear_before_reset=0)
 * h' = (1 − z) ⊙ n + z ⊙ h                          z keeps the state (PyTorch, ONNX, Keras)
 * h' = (1 − z) ⊙ h + z ⊙ n                          z takes the candidate (the seed's form)
 * </pre>
 * Shapes: gx (T,B,3H) already holds W x + b_i for every step; h (B,H) enters as h0 and leaves as h_n;
 * y rows (t·B + b) with leading dimension ldy, this direction's H columns starting at yOff.
 * Steps past a sequence's length leave its state unchanged and write zero output.
 */
final class Gru {
    private Gru() {}

    static void forward(Trace tr, float[] p, Weights w, boolean resetAfter, boolean zKeepsState,
                        int[] lengths, boolean reverse, float[] y, int yOff, int ldy) {
        final int steps = tr.steps, batch = tr.batch, hid = tr.hidden, g3 = 3 * hid;
        final float[] h = tr.h, gh = tr.gh, gx = tr.gx, gates = tr.gates, aux = tr.aux;
        for (int s = 0; s < steps; s++) {
            final int t = reverse ? steps - 1 - s : s;
            final int rowT = t * batch;
            System.arraycopy(h, 0, tr.hprev, rowT * hid, batch * hid);
            if (resetAfter) {
                // gh = h·U_ᵀ + b_h for all three gates in one product
                setBias(gh, batch, g3, 0, g3, p, w.bhh());
                Recurrent.timesWhh(tr, batch, h, gh);
            } else {
                // gh[:, r,z] = h·U_rzᵀ + b_hrz; the candidate's product waits for r ⊙ h
                setBias(gh, batch, 2 * hid, 0, g3, p, w.bhh());
                Gemm.mm(batch, 2 * hid, hid, h, 0, hid, 1, tr.whhT, 0, g3, gh, 0, g3, true);
            }
            for (int b = 0; b < batch; b++) {
                final int gxo = (rowT + b) * g3, gho = b * g3, ho = b * hid, ao = (rowT + b) * hid;
                // r, z = σ(gx + gh) over the r and z blocks at once (they are adjacent)
                Elementwise.sigmoidOfSum(2 * hid, gx, gxo, gh, gho, gates, gxo);
                if (resetAfter) {
                    // hl = U_n h + b_hn, kept for backward; n = tanh(gx_n + r ⊙ hl)
                    System.arraycopy(gh, gho + 2 * hid, aux, ao, hid);
                    Elementwise.tanh(hid, gx, gxo + 2 * hid, null, 0, gates, gxo, gh, gho + 2 * hid, gates, gxo + 2 * hid);
                    final boolean active = lengths == null || t < lengths[b];
                    update(hid, zKeepsState, active, gates, gxo, h, ho, y, (rowT + b) * ldy + yOff);
                } else {
                    for (int j = 0; j < hid; j++) aux[ao + j] = gates[gxo + j] * h[ho + j];   // r ⊙ h
                }
            }
            if (!resetAfter) {
                // gh[:, n] = (r ⊙ h)·U_nᵀ + b_hn ;  n = tanh(gx_n + gh_n)
                setBias(gh, batch, hid, 2 * hid, g3, p, w.bhh() < 0 ? -1 : w.bhh() + 2 * hid);
                Gemm.mm(batch, hid, hid, aux, rowT * hid, hid, 1, tr.whhT, 2 * hid, g3, gh, 2 * hid, g3, true);
                for (int b = 0; b < batch; b++) {
                    final int gxo = (rowT + b) * g3;
                    Elementwise.tanh(hid, gx, gxo + 2 * hid, gh, b * g3 + 2 * hid, null, 0, null, 0, gates, gxo + 2 * hid);
                    final boolean active = lengths == null || t < lengths[b];
                    update(hid, zKeepsState, active, gates, gxo, h, b * hid, y, (rowT + b) * ldy + yOff);
                }
            }
        }
    }

    /**
     * h' = n + z ⊙ (h − n) when z keeps the state, h + z ⊙ (n − h) otherwise, for one batch row (z and n read from
     * the gates row at gxo); an inactive row keeps h and outputs 0.
     */
    private static void update(int hid, boolean zKeepsState, boolean active, float[] gates, int gxo, float[] h, int ho,
                               float[] y, int yo) {
        if (!active) {
            java.util.Arrays.fill(y, yo, yo + hid, 0f);
            return;
        }
        final int zo = gxo + hid, no = gxo + 2 * hid;
        if (zKeepsState) {
            for (int j = 0; j < hid; j++) {
                float n = gates[no + j];
                float hn = n + gates[zo + j] * (h[ho + j] - n);
                h[ho + j] = hn;
                y[yo + j] = hn;
            }
        } else {
            for (int j = 0; j < hid; j++) {
                float hp = h[ho + j];
                float hn = hp + gates[zo + j] * (gates[no + j] - hp);
                h[ho + j] = hn;
                y[yo + j] = hn;
            }
        }
    }

    /**
     * Backward through time. dy: the gradient of this direction's outputs (same layout as y); tr.dh enters as
     * dL/dh_n and leaves as dL/dh0. Leaves dL/d(gx) in tr.gx (gx itself is not needed any more) and adds the
     * recurrent weight and bias gradients into {@code grad} at the offsets of w.
     */
    static void backward(Trace tr, float[] p, float[] grad, Weights w, boolean resetAfter, boolean zKeepsState,
                         int[] lengths, boolean reverse, float[] dy, int yOff, int ldy) {
        final int steps = tr.steps, batch = tr.batch, hid = tr.hidden, g3 = 3 * hid;
        final float[] dh = tr.dh, carry = tr.tmp, drh = tr.c, dgx = tr.gx, dgh = tr.dgh, gates = tr.gates;
        for (int s = steps - 1; s >= 0; s--) {
            final int t = reverse ? steps - 1 - s : s;
            final int rowT = t * batch;
            for (int b = 0; b < batch; b++) {
                final boolean active = lengths == null || t < lengths[b];
                final int go = (rowT + b) * g3, ho = b * hid, yo = (rowT + b) * ldy + yOff, hpo = (rowT + b) * hid;
                if (!active) {
                    java.util.Arrays.fill(dgx, go, go + g3, 0f);
                    java.util.Arrays.fill(dgh, go, go + g3, 0f);
                    System.arraycopy(dh, ho, carry, ho, hid);            // the state passed through unchanged
                    continue;
                }
                for (int j = 0; j < hid; j++) {
                    float r = gates[go + j], z = gates[go + hid + j], n = gates[go + 2 * hid + j];
                    float hp = tr.hprev[hpo + j];
                    float g = dh[ho + j] + dy[yo + j];                   // dL/dh'
                    float dn, dz, direct;
                    if (zKeepsState) {                                    // h' = n + z (h − n)
                        dn = g * (1 - z);
                        dz = g * (hp - n);
                        direct = g * z;
                    } else {                                              // h' = h + z (n − h)
                        dn = g * z;
                        dz = g * (n - hp);
                        direct = g * (1 - z);
                    }
                    float dan = dn * (1 - n * n);                         // through tanh
                    float daz = dz * z * (1 - z);                         // through σ
                    dgx[go + hid + j] = daz;
                    dgh[go + hid + j] = daz;
                    dgx[go + 2 * hid + j] = dan;
                    carry[ho + j] = direct;
                    if (resetAfter) {                                     // n = tanh(a_x + r ⊙ hl)
                        float hl = tr.aux[hpo + j];
                        float dar = dan * hl * r * (1 - r);
                        dgx[go + j] = dar;
                        dgh[go + j] = dar;
                        dgh[go + 2 * hid + j] = dan * r;
                    } else {
                        dgh[go + 2 * hid + j] = dan;                      // r handled after d(r ⊙ h) is known
                    }
                }
            }
            if (resetAfter) {
                // dh = direct + dGh·U   (all three gate blocks)
                System.arraycopy(carry, 0, dh, 0, batch * hid);
                Gemm.mm(batch, hid, g3, dgh, rowT * g3, g3, 1, p, w.whh(), hid, dh, 0, hid, true);
            } else {
                // d(r ⊙ h) = dGh_n·U_n ;  dr = d(r ⊙ h) ⊙ h ;  dh gets d(r ⊙ h) ⊙ r
                Gemm.mm(batch, hid, hid, dgh, rowT * g3 + 2 * hid, g3, 1, p, w.whh() + 2 * hid * hid, hid, drh, 0, hid, false);
                for (int b = 0; b < batch; b++) {
                    if (lengths != null && t >= lengths[b]) continue;
                    final int go = (rowT + b) * g3, ho = b * hid, hpo = (rowT + b) * hid;
                    for (int j = 0; j < hid; j++) {
                        float r = gates[go + j];
                        float d = drh[ho + j];
                        float dar = d * tr.hprev[hpo + j] * r * (1 - r);
                        dgx[go + j] = dar;
                        dgh[go + j] = dar;
                        carry[ho + j] += d * r;
                    }
                }
                System.arraycopy(carry, 0, dh, 0, batch * hid);
                Gemm.mm(batch, hid, 2 * hid, dgh, rowT * g3, g3, 1, p, w.whh(), hid, dh, 0, hid, true);
            }
        }
        // dU += dGhᵀ·Hprev over all steps at once (reset-before: the candidate rows see r ⊙ h instead)
        final int rows = steps * batch;
        if (resetAfter) {
            Gemm.mm(g3, hid, rows, dgh, 0, 1, g3, tr.hprev, 0, hid, grad, w.whh(), hid, true);
        } else {
            Gemm.mm(2 * hid, hid, rows, dgh, 0, 1, g3, tr.hprev, 0, hid, grad, w.whh(), hid, true);
            Gemm.mm(hid, hid, rows, dgh, 2 * hid, 1, g3, tr.aux, 0, hid, grad, w.whh() + 2 * hid * hid, hid, true);
        }
        if (w.hasBias()) Gemm.addColumnSums(rows, g3, dgh, 0, g3, grad, w.bhh());
    }

    /** rows of m[.., cols at colOff] = bias[0..cols), or 0 without bias: the start of a product that adds to it. */
    static void setBias(float[] m, int rows, int cols, int colOff, int ld, float[] p, int biasOff) {
        for (int i = 0; i < rows; i++) {
            int o = i * ld + colOff;
            if (biasOff < 0) java.util.Arrays.fill(m, o, o + cols, 0f);
            else System.arraycopy(p, biasOff, m, o, cols);
        }
    }
}
