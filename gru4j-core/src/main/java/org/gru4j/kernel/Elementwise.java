package org.gru4j.kernel;

/**
 * The nonlinearities of the fused gate passes, over array ranges: on the Vector API when {@link Gemm#VECTOR}
 * (see {@link VectorMath}), otherwise the scalar loops here, which use Math.exp and Math.tanh in double.
 * Output ranges may be the same as an input range (in place), never partly overlapping.
 */
public final class Elementwise {
    private Elementwise() {}

    /**
     * out[i] = σ(a[i] + b[i]) = 1 / (1 + e^−(a+b)), i in [0, n).
     *
     * @param n the count
     * @param a the first summand, from aOff
     * @param aOff its offset
     * @param b the second summand, from bOff
     * @param bOff its offset
     * @param out receives the result, from outOff (may be a or b)
     * @param outOff its offset
     */
    public static void sigmoidOfSum(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        if (Gemm.VECTOR) {
            VectorMath.sigmoidOfSum(n, a, aOff, b, bOff, out, outOff);
            return;
        }
        scalarSigmoidOfSum(n, a, aOff, b, bOff, out, outOff);
    }

    /**
     * out[i] = tanh(a[i] + b[i] + r[i]·u[i]), i in [0, n); b, or r and u, may be null for 0.
     *
     * @param n the count
     * @param a the input projection, from aOff
     * @param aOff its offset
     * @param b a bias, from bOff, or null
     * @param bOff its offset
     * @param r the reset gate, from rOff, or null
     * @param rOff its offset
     * @param u the recurrent projection, from uOff, or null
     * @param uOff its offset
     * @param out receives the result, from outOff
     * @param outOff its offset
     */
    public static void tanh(int n, float[] a, int aOff, float[] b, int bOff, float[] r, int rOff, float[] u, int uOff,
                            float[] out, int outOff) {
        if (Gemm.VECTOR) {
            VectorMath.tanh(n, a, aOff, b, bOff, r, rOff, u, uOff, out, outOff);
            return;
        }
        scalarTanh(n, a, aOff, b, bOff, r, rOff, u, uOff, out, outOff);
    }

    static void scalarSigmoidOfSum(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) out[outOff + i] = (float) (1.0 / (1.0 + Math.exp(-(a[aOff + i] + b[bOff + i]))));
    }

    static void scalarTanh(int n, float[] a, int aOff, float[] b, int bOff, float[] r, int rOff, float[] u, int uOff,
                           float[] out, int outOff) {
        for (int i = 0; i < n; i++) {
            float x = a[aOff + i];
            if (b != null) x += b[bOff + i];
            if (r != null) x = Math.fma(r[rOff + i], u[uOff + i], x);   // one rounding, as the vector path
            out[outOff + i] = (float) Math.tanh(x);
        }
    }
}
