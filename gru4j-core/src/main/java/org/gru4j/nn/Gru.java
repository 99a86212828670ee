package org.gru4j.nn;

import org.gru4j.kernel.Elementwise;
import org.gru4j.kernel.Gemm;
import org.gru4j.kernel.StepGemm;

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
 * Shapes: x (T,B,I); h (B,H) enters as h0 and leaves as h_n;
 * y rows (t·B + b) with leading dimension ldy, this direction's H columns starting at yOff.
 * Steps past a sequence's length leave its state unchanged and write zero output.
 */
final class Gru {
    private Gru() {}

    /**
     * Forward through the steps. x is the layer's input (T,B,·) with leading dimension ldx; sc.h enters as h0 and
     * leaves as h_n. Reset-after: each step is shared unit by unit ({@link StepLoop}); reset-before needs all of
     * r ⊙ h before its second product and runs on one thread.
     */
    static void forward(Trace tr, Scratch sc, Packed pk, boolean resetAfter, boolean zKeepsState,
                        int[] lengths, boolean reverse, float[] x, int ldx, float[] y, int yOff, int ldy) {
        final int steps = tr.steps, batch = tr.batch, hid = tr.hidden;
        if (steps == 0) return;
        if (!resetAfter) {
            StepLoop.start(tr, sc, reverse);
            resetBefore(tr, sc, pk, zKeepsState, lengths, reverse, x, ldx, y, yOff, ldy);
            return;
        }
        final int hp = pk.hh.padded, ldc = pk.hh.ldc, g3 = 3 * hid;
        final float[] hs = tr.hprev, gx = sc.gx, gh = sc.gh, gates = tr.gates, aux = tr.aux;
        StepLoop.forward(tr, sc, pk, reverse, x, ldx, (t, j0, n, hOut, hIn, hNext) -> {
            final int rowT = t * batch;
            for (int b = 0; b < batch; b++) {
                final int c = b * ldc + j0, go = (rowT + b) * g3 + j0, ao = (rowT + b) * hid + j0;
                Elementwise.sigmoidOfSum(n, gx, c, gh, c, gates, go);                          // r
                Elementwise.sigmoidOfSum(n, gx, c + hp, gh, c + hp, gates, go + hid);          // z
                System.arraycopy(gh, c + 2 * hp, aux, ao, n);                                  // hl = U_n h + b_hn
                Elementwise.tanh(n, gx, c + 2 * hp, null, 0, gates, go, gh, c + 2 * hp, gates, go + 2 * hid);  // n
                final boolean active = lengths == null || t < lengths[b];
                update(n, zKeepsState, active, gates, go, hs, hIn + b * hid + j0, hOut, hNext + b * hid + j0,
                        y, (rowT + b) * ldy + yOff + j0, hid);
            }
        });
    }

    /** Reset-before: n = tanh(W_n x + b_in + U_n (r ⊙ h) + b_hn), on one thread (the products still packed). */
    private static void resetBefore(Trace tr, Scratch sc, Packed pk, boolean zKeepsState, int[] lengths, boolean reverse,
                                    float[] x, int ldx, float[] y, int yOff, int ldy) {
        final int steps = tr.steps, batch = tr.batch, hid = tr.hidden, g3 = 3 * hid;
        final StepGemm ih = pk.ih, hh = pk.hh;
        final int hp = hh.padded, ldc = hh.ldc;
        final float[] hs = tr.hprev, gx = sc.gx, gh = sc.gh, gates = tr.gates, aux = tr.aux;
        for (int s = 0; s < steps; s++) {
            final int t = reverse ? steps - 1 - s : s, rowT = t * batch;
            final boolean last = s == steps - 1;
            final float[] hOut = last ? sc.h : hs;
            final int hIn = rowT * hid, hNext = last ? 0 : (reverse ? t - 1 : t + 1) * batch * hid;
            // gh[:, r,z] = h·U_rzᵀ + b_hrz (the product also fills the n block, replaced below)
            ih.times(0, batch, 0, hh.panels, x, rowT * ldx, ldx, gx, 0);
            hh.times(0, batch, 0, hh.panels, hs, hIn, hid, gh, 0);
            for (int b = 0; b < batch; b++) {
                final int c = b * ldc, go = (rowT + b) * g3, ao = (rowT + b) * hid, ho = hIn + b * hid;
                Elementwise.sigmoidOfSum(hid, gx, c, gh, c, gates, go);
                Elementwise.sigmoidOfSum(hid, gx, c + hp, gh, c + hp, gates, go + hid);
                for (int j = 0; j < hid; j++) aux[ao + j] = gates[go + j] * hs[ho + j];   // r ⊙ h
                // gh[:, n] = b_hn, the start of the product below
                System.arraycopy(hh.bias, 2 * hp, gh, c + 2 * hp, hid);
            }
            // gh[:, n] += (r ⊙ h)·U_nᵀ ;  n = tanh(gx_n + gh_n)
            Gemm.mm(batch, hid, hid, aux, rowT * hid, hid, 1, pk.wnT, 0, hid, gh, 2 * hp, ldc, true);
            for (int b = 0; b < batch; b++) {
                final int c = b * ldc, go = (rowT + b) * g3;
                Elementwise.tanh(hid, gx, c + 2 * hp, gh, c + 2 * hp, null, 0, null, 0, gates, go + 2 * hid);
                final boolean active = lengths == null || t < lengths[b];
                update(hid, zKeepsState, active, gates, go, hs, hIn + b * hid, hOut, hNext + b * hid,
                        y, (rowT + b) * ldy + yOff, hid);
            }
        }
    }

    /**
     * h' = n + z ⊙ (h − n) when z keeps the state, h + z ⊙ (n − h) otherwise, for n units of one batch row: z and n
     * read from the gates row at go + H and go + 2H, h from hIn[hi …], h' into hOut[ho …] and y[yo …]; an inactive
     * row carries h over and outputs 0.
     */
    private static void update(int n, boolean zKeepsState, boolean active, float[] gates, int go, float[] hIn, int hi,
                               float[] hOut, int ho, float[] y, int yo, int hid) {
        if (!active) {
            System.arraycopy(hIn, hi, hOut, ho, n);
            java.util.Arrays.fill(y, yo, yo + n, 0f);
            return;
        }
        final int zo = go + hid, no = go + 2 * hid;
        if (zKeepsState) {
            for (int j = 0; j < n; j++) {
                float nj = gates[no + j];
                float hn = nj + gates[zo + j] * (hIn[hi + j] - nj);
                hOut[ho + j] = hn;
                y[yo + j] = hn;
            }
        } else {
            for (int j = 0; j < n; j++) {
                float hp = hIn[hi + j];
                float hn = hp + gates[zo + j] * (gates[no + j] - hp);
                hOut[ho + j] = hn;
                y[yo + j] = hn;
            }
        }
    }

    /**
     * Backward through time. dy: the gradient of this direction's outputs (same layout as y); sc.dh enters as
     * dL/dh_n and leaves as dL/dh0. Leaves dL/d(W_ih x + b_ih) in tr.dgx and adds the
     * recurrent weight and bias gradients into {@code grad} at the offsets of w.
     */
    static void backward(Trace tr, Scratch sc, float[] p, float[] grad, Weights w, boolean resetAfter, boolean zKeepsState,
                         int[] lengths, boolean reverse, float[] dy, int yOff, int ldy) {
        final int steps = tr.steps, batch = tr.batch, hid = tr.hidden, g3 = 3 * hid;
        final float[] dh = sc.dh, carry = sc.tmp, drh = sc.tmp2, dgx = tr.dgx, dgh = tr.dgh, gates = tr.gates;
        if (resetAfter) {
            StepLoop.backward(tr, g3, reverse, (t, j0, j1) -> stepGrads(tr, sc, true, zKeepsState, lengths, t, j0, j1, dy, yOff, ldy),
                    (t, j0, j1) -> {
                        // dh = direct + dGh·U[:, units]   (all three gate blocks)
                        for (int b = 0; b < batch; b++) System.arraycopy(carry, b * hid + j0, dh, b * hid + j0, j1 - j0);
                        Gemm.mm(batch, j1 - j0, g3, dgh, t * batch * g3, g3, 1, p, w.whh() + j0, hid, dh, j0, hid, true);
                    });
        } else {
            for (int s = steps - 1; s >= 0; s--) {
                final int t = reverse ? steps - 1 - s : s;
                final int rowT = t * batch;
                stepGrads(tr, sc, false, zKeepsState, lengths, t, 0, hid, dy, yOff, ldy);
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

    /**
     * The gradients of step t through the gates, for units [j0, j1) of every row: dGx and dGh into the trace, the
     * part of dL/dh that bypasses the product into sc.tmp (reset-before: dr waits for d(r ⊙ h)).
     */
    private static void stepGrads(Trace tr, Scratch sc, boolean resetAfter, boolean zKeepsState, int[] lengths, int t,
                                  int j0, int j1, float[] dy, int yOff, int ldy) {
        final int batch = tr.batch, hid = tr.hidden, g3 = 3 * hid, rowT = t * batch;
        final float[] dh = sc.dh, carry = sc.tmp, dgx = tr.dgx, dgh = tr.dgh, gates = tr.gates;
        for (int b = 0; b < batch; b++) {
            final boolean active = lengths == null || t < lengths[b];
            final int go = (rowT + b) * g3, ho = b * hid, yo = (rowT + b) * ldy + yOff, hpo = (rowT + b) * hid;
            if (!active) {
                for (int g = 0; g < 3; g++) {
                    java.util.Arrays.fill(dgx, go + g * hid + j0, go + g * hid + j1, 0f);
                    java.util.Arrays.fill(dgh, go + g * hid + j0, go + g * hid + j1, 0f);
                }
                System.arraycopy(dh, ho + j0, carry, ho + j0, j1 - j0);   // the state passed through unchanged
                continue;
            }
            for (int j = j0; j < j1; j++) {
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
    }
}
