package org.gru4j.nn;

/**
 * The per-step buffers of one direction of one layer (B rows each), reused from step to step and call to call.
 * <pre>
 * h, c     (B,H)     the state: enters as h0 / c0, leaves as h_n / c_n
 * gx, gh   (B,G·Hp)  this step's X·W_ihᵀ + b_ih and h·W_hhᵀ + b_hh, in {@link org.gru4j.kernel.StepGemm}'s layout
 * dh, dc   (B,H)     backward: enter as dL/dh_n, dL/dc_n and leave as dL/dh0, dL/dc0
 * tmp, tmp2 (B,H)    backward: the part of dL/dh that bypasses the product; GRU reset-before's d(r ⊙ h)
 * </pre>
 */
final class Scratch {
    float[] h = new float[0], c = new float[0], gx = new float[0], gh = new float[0];
    float[] dh = new float[0], dc = new float[0], tmp = new float[0], tmp2 = new float[0];

    /** Makes room for B rows of H units and gate rows of width ldc. */
    void ensure(int batch, int hidden, int ldc) {
        long state = (long) batch * hidden, gate = (long) batch * ldc;
        if (gate > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("a batch of " + batch + " is too large for " + ldc + " gate rows");
        h = fit(h, state);
        c = fit(c, state);
        gx = fit(gx, gate);
        gh = fit(gh, gate);
        dh = fit(dh, state);
        dc = fit(dc, state);
        tmp = fit(tmp, state);
        tmp2 = fit(tmp2, state);
    }

    private static float[] fit(float[] a, long n) {
        return a.length >= n ? a : new float[(int) n];
    }
}
