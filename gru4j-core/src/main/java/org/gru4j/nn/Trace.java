package org.gru4j.nn;

/**
 * What one direction of one layer keeps from forward for backward, sized once for (T, B) and reused while later
 * calls fit. All arrays are time-indexed by the real step t (not the order of processing), so the weight-gradient
 * products after the backward loop see rows aligned with the layer's input. The per-step buffers are in
 * {@link Scratch}, the packed weights in {@link Packed}.
 *
 * <pre>
 * gates  (T,B,G·H)  activated gates (GRU r,z,n; LSTM i,f,g,o; RNN h')
 * hprev  (T,B,H)    the state each step started from (forward keeps its running state here)
 * aux    (T,B,H)    GRU reset-after: U_n h + b_hn; GRU reset-before: r ⊙ h; LSTM: c before the step
 * aux2   (T,B,H)    LSTM: tanh(c')
 * dgx    (T,B,G·H)  backward: gradient of the input pre-activations X·W_ihᵀ + b_ih
 * dgh    (T,B,G·H)  backward: gradient of the recurrent pre-activations h·W_hhᵀ + b_hh
 * </pre>
 */
final class Trace {
    int steps, batch;
    final int input, hidden, gateRows;
    float[] gates = new float[0], hprev = new float[0], aux = new float[0], aux2 = new float[0];
    float[] dgx = new float[0], dgh = new float[0];

    Trace(int input, int hidden, int gateRows) {
        this.input = input;
        this.hidden = hidden;
        this.gateRows = gateRows;
    }

    /**
     * Makes room for T steps of B sequences (forward's arrays); keeps them when they are already large enough.
     * Every size is counted in long and refused, before anything is allocated, when it would not fit a Java array.
     */
    void ensure(int steps, int batch) {
        long gateSize = size(steps, batch, gateRows, hidden, gateRows), stateSize = size(steps, batch, hidden, hidden, gateRows);
        this.steps = steps;
        this.batch = batch;
        gates = fit(gates, gateSize);
        hprev = fit(hprev, stateSize);
        aux = fit(aux, stateSize);
        aux2 = fit(aux2, stateSize);
    }

    /** Makes room for backward's gradients of the pre-activations, (T,B,G·H) each. */
    void ensureBackward() {
        long gateSize = size(steps, batch, gateRows, hidden, gateRows);
        dgx = fit(dgx, gateSize);
        dgh = fit(dgh, gateSize);
    }

    /**
     * Refuses, before anything is allocated, a (T, B) whose arrays kept for backward would not fit a Java array.
     */
    static void check(int steps, int batch, int hidden, int gateRows) {
        size(steps, batch, Math.max(hidden, gateRows), hidden, gateRows);
    }

    /** T·B·n floats, or a clear refusal when that is more than a Java array holds. */
    private static long size(int steps, int batch, int n, int hidden, int gateRows) {
        long s;
        try {
            s = Math.multiplyExact(Math.multiplyExact((long) steps, (long) batch), (long) n);
        } catch (ArithmeticException e) {
            s = Long.MAX_VALUE;
        }
        if (s > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(steps + " steps × batch " + batch + " × " + n + " = " + (s == Long.MAX_VALUE ? "too many" : s)
                    + " floats per array kept for backward (hidden " + hidden + ", " + gateRows + " gate rows), more than a Java array holds ("
                    + (Integer.MAX_VALUE - 8) + "): use shorter sequences or a smaller batch");
        }
        return s;
    }

    private static float[] fit(float[] a, long n) {
        return a.length >= n ? a : new float[(int) n];
    }
}
