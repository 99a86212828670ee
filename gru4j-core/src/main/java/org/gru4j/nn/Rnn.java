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

    static void forward(Trace tr, float[] p, Weights w, boolean relu, int[] lengths, boolean reverse,
                        float[] y, int yOff, int ldy) {
        final int steps = tr.steps, batch = tr.batch, hid = tr.hidden;
        final float[] h = tr.h, gh = tr.gh, gx = tr.gx;
        for (int s = 0; s < steps; s++) {
            final int t = reverse ? steps - 1 - s : s;
            final int rowT = t * batch;
            System.arraycopy(h, 0, tr.hprev, rowT * hid, batch * hid);
            Gru.setBias(gh, batch, hid, 0, hid, p, w.bhh());
            Recurrent.timesWhh(tr, batch, h, gh);
            for (int b = 0; b < batch; b++) {
                final boolean active = lengths == null || t < lengths[b];
                final int go = (rowT + b) * hid, ho = b * hid, yo = (rowT + b) * ldy + yOff;
                final float[] hn = tr.gates;                        // h' = act(gx + gh)
                if (relu) {
                    for (int j = 0; j < hid; j++) hn[go + j] = Math.max(gx[go + j] + gh[ho + j], 0f);
                } else {
                    Elementwise.tanh(hid, gx, go, gh, ho, null, 0, null, 0, hn, go);
                }
                if (active) {
                    System.arraycopy(hn, go, h, ho, hid);
                    System.arraycopy(hn, go, y, yo, hid);
                } else {
                    java.util.Arrays.fill(y, yo, yo + hid, 0f);
                }
            }
        }
    }

    /** Backward through time; tr.dh enters as dL/dh_n and leaves as dL/dh0; dGx is left in tr.gx. */
    static void backward(Trace tr, float[] p, float[] grad, Weights w, boolean relu, int[] lengths, boolean reverse,
                         float[] dy, int yOff, int ldy) {
        final int steps = tr.steps, batch = tr.batch, hid = tr.hidden;
        final float[] dh = tr.dh, carry = tr.tmp, dG = tr.gx;
        for (int s = steps - 1; s >= 0; s--) {
            final int t = reverse ? steps - 1 - s : s;
            final int rowT = t * batch;
            for (int b = 0; b < batch; b++) {
                final boolean active = lengths == null || t < lengths[b];
                final int go = (rowT + b) * hid, ho = b * hid, yo = (rowT + b) * ldy + yOff;
                if (!active) {
                    java.util.Arrays.fill(dG, go, go + hid, 0f);
                    System.arraycopy(dh, ho, carry, ho, hid);
                    continue;
                }
                for (int j = 0; j < hid; j++) {
                    float hn = tr.gates[go + j];
                    float g = dh[ho + j] + dy[yo + j];
                    dG[go + j] = relu ? (hn > 0f ? g : 0f) : g * (1 - hn * hn);
                    carry[ho + j] = 0f;
                }
            }
            System.arraycopy(carry, 0, dh, 0, batch * hid);
            Gemm.mm(batch, hid, hid, dG, rowT * hid, hid, 1, p, w.whh(), hid, dh, 0, hid, true);
        }
        final int rows = steps * batch;
        Gemm.mm(hid, hid, rows, dG, 0, 1, hid, tr.hprev, 0, hid, grad, w.whh(), hid, true);
        if (w.hasBias()) Gemm.addColumnSums(rows, hid, dG, 0, hid, grad, w.bhh());
    }
}
