package org.gru4j.nn;

import org.gru4j.kernel.Elementwise;
import org.gru4j.kernel.Gemm;

/**
 * The plain (Elman) RNN over one direction of one layer, forward and backward.
 * <pre>
 * h' = act(W x + b_ih + U h + b_hh),  act = tanh or relu
 * </pre>
 * Shapes as in {@link Gru}.
 */
final class Rnn {
    private Rnn() {}

    /** Forward through the steps; x (T,B,·) with leading dimension ldx; each step shared unit by unit ({@link StepLoop}). */
    static void forward(Trace tr, Scratch sc, Packed pk, boolean relu, int[] lengths, boolean reverse, float[] x, int ldx,
                        float[] y, int yOff, int ldy) {
        final int steps = tr.steps, batch = tr.batch, hid = tr.hidden;
        final int ldc = pk.hh.ldc;
        final float[] hs = tr.hprev, gx = sc.gx, gh = sc.gh, hn = tr.gates;
        StepLoop.forward(tr, sc, pk, reverse, x, ldx, (t, j0, n, hOut, hIn, hNext) -> {
            final int rowT = t * batch;
            for (int b = 0; b < batch; b++) {
                final boolean active = lengths == null || t < lengths[b];
                final int q = b * ldc + j0, go = (rowT + b) * hid + j0, yo = (rowT + b) * ldy + yOff + j0;
                final int hi = hIn + b * hid + j0, ho = hNext + b * hid + j0;
                // h' = act(gx + gh)
                if (relu) {
                    for (int j = 0; j < n; j++) hn[go + j] = Math.max(gx[q + j] + gh[q + j], 0f);
                } else {
                    Elementwise.tanh(n, gx, q, gh, q, null, 0, null, 0, hn, go);
                }
                if (active) {
                    System.arraycopy(hn, go, hOut, ho, n);
                    System.arraycopy(hn, go, y, yo, n);
                } else {
                    System.arraycopy(hs, hi, hOut, ho, n);
                    java.util.Arrays.fill(y, yo, yo + n, 0f);
                }
            }
        });
    }

    /** Backward through time; sc.dh enters as dL/dh_n and leaves as dL/dh0; dGx is left in tr.dgx. */
    static void backward(Trace tr, Scratch sc, float[] p, float[] grad, Weights w, boolean relu, int[] lengths, boolean reverse,
                         float[] dy, int yOff, int ldy) {
        final int steps = tr.steps, batch = tr.batch, hid = tr.hidden;
        final float[] dh = sc.dh, carry = sc.tmp, dG = tr.dgx;
        StepLoop.backward(tr, hid, reverse, (t, j0, j1) -> {
            final int rowT = t * batch;
            for (int b = 0; b < batch; b++) {
                final boolean active = lengths == null || t < lengths[b];
                final int go = (rowT + b) * hid, ho = b * hid, yo = (rowT + b) * ldy + yOff;
                if (!active) {
                    java.util.Arrays.fill(dG, go + j0, go + j1, 0f);
                    System.arraycopy(dh, ho + j0, carry, ho + j0, j1 - j0);
                    continue;
                }
                for (int j = j0; j < j1; j++) {
                    float hn = tr.gates[go + j];
                    float g = dh[ho + j] + dy[yo + j];
                    dG[go + j] = relu ? (hn > 0f ? g : 0f) : g * (1 - hn * hn);
                    carry[ho + j] = 0f;
                }
            }
        }, (t, j0, j1) -> {
            for (int b = 0; b < batch; b++) System.arraycopy(carry, b * hid + j0, dh, b * hid + j0, j1 - j0);
            Gemm.mm(batch, j1 - j0, hid, dG, t * batch * hid, hid, 1, p, w.whh() + j0, hid, dh, j0, hid, true);
        });
        final int rows = steps * batch;
        Gemm.mm(hid, hid, rows, dG, 0, 1, hid, tr.hprev, 0, hid, grad, w.whh(), hid, true);
        if (w.hasBias()) Gemm.addColumnSums(rows, hid, dG, 0, hid, grad, w.bhh());
    }
}
