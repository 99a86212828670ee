package org.gru4j.nn;

/**
 * What one direction of one layer keeps from forward for backward, plus its scratch; sized once for (T, B) and
 * reused while later calls fit. All arrays are time-indexed by the real step t (not the order of processing),
 * so the weight-gradient products after the backward loop see rows aligned with the layer's input.
 *
 * <pre>
 * gx     (T,B,G·H)  input projection X·W_ihᵀ + b_ih; reused by backward for dGx
 * gates  (T,B,G·H)  activated gates (GRU r,z,n; LSTM i,f,g,o; RNN h')
 * dgh    (T,B,G·H)  backward: gradient of the recurrent pre-activations h·W_hhᵀ + b_hh
 * hprev  (T,B,H)    the state each step started from
 * aux    (T,B,H)    GRU reset-after: U_n h + b_hn; GRU reset-before: r ⊙ h; LSTM: c before the step
 * aux2   (T,B,H)    LSTM: tanh(c')
 * </pre>
 */
final class Trace {
    int steps, batch;
    final int input, hidden, gateRows;
    float[] gx = new float[0], gates = new float[0], dgh = new float[0], hprev = new float[0];
    float[] aux = new float[0], aux2 = new float[0];
    // per-step scratch (B rows)
    float[] h = new float[0], c = new float[0], gh = new float[0], dh = new float[0], dc = new float[0], tmp = new float[0];
    // weights packed for the forward products: W_ihᵀ (I, G·H) and W_hhᵀ (H, G·H)
    final float[] wihT, whhT;
    // batch-1 streams only (else null): the same two matrices in the matrix-vector layout of Gemm.packPanels
    float[] wihPanels, whhPanels;

    Trace(int input, int hidden, int gateRows) {
        this.input = input;
        this.hidden = hidden;
        this.gateRows = gateRows;
        this.wihT = new float[input * gateRows];
        this.whhT = new float[hidden * gateRows];
    }

    /** Makes room for T steps of B sequences; keeps the arrays when they are already large enough. */
    void ensure(int steps, int batch) {
        this.steps = steps;
        this.batch = batch;
        int rows = steps * batch;
        gx = fit(gx, rows * gateRows);
        gates = fit(gates, rows * gateRows);
        dgh = fit(dgh, rows * gateRows);
        hprev = fit(hprev, rows * hidden);
        aux = fit(aux, rows * hidden);
        aux2 = fit(aux2, rows * hidden);
        h = fit(h, batch * hidden);
        c = fit(c, batch * hidden);
        dh = fit(dh, batch * hidden);
        dc = fit(dc, batch * hidden);
        tmp = fit(tmp, batch * hidden);
        gh = fit(gh, batch * gateRows);
    }

    private static float[] fit(float[] a, long n) {
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("workspace of " + n + " floats is too large");
        return a.length >= n ? a : new float[(int) n];
    }
}
