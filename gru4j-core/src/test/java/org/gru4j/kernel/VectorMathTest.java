package org.gru4j.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vector σ and tanh passes against double precision (≤ 1e-6 relative, plus a floor of 1e-30 for results that
 * underflow) and against the scalar fallback, on lengths around the vector width and with offsets.
 */
class VectorMathTest {
    static final int[] SIZES = {1, 3, 15, 16, 17, 33, 129, 1000};

    @Test
    void sigmoidOfSumMatchesDoubleAndScalar() {
        Random rnd = new Random(3);
        for (int n : SIZES) {
            for (float range : new float[]{0.01f, 1f, 10f, 120f}) {
                float[] a = rand(rnd, n + 5, range), b = rand(rnd, n + 7, range);
                float[] v = new float[n + 9], sc = new float[n + 9];
                VectorMath.sigmoidOfSum(n, a, 5, b, 7, v, 9);
                Elementwise.scalarSigmoidOfSum(n, a, 5, b, 7, sc, 9);
                for (int i = 0; i < n; i++) {
                    double want = 1 / (1 + Math.exp(-((double) (a[5 + i] + b[7 + i]))));
                    close("sigmoid", a[5 + i] + b[7 + i], v[9 + i], want);
                    close("scalar sigmoid", a[5 + i] + b[7 + i], sc[9 + i], want);
                }
                for (int i = 0; i < 9; i++) assertTrue(v[i] == 0f, "wrote before its range");
            }
        }
    }

    @Test
    void tanhMatchesDoubleAndScalarInAllForms() {
        Random rnd = new Random(5);
        for (int n : SIZES) {
            for (float range : new float[]{1e-6f, 0.001f, 0.6f, 1f, 5f, 60f}) {
                float[] a = rand(rnd, n + 1, range), b = rand(rnd, n + 2, range), r = rand(rnd, n + 3, 1), u = rand(rnd, n + 4, range);
                for (int form = 0; form < 3; form++) {
                    float[] bb = form == 1 ? b : null, rr = form == 2 ? r : null, uu = form == 2 ? u : null;
                    float[] v = new float[n + 1], sc = new float[n + 1];
                    VectorMath.tanh(n, a, 1, bb, 2, rr, 3, uu, 4, v, 1);
                    Elementwise.scalarTanh(n, a, 1, bb, 2, rr, 3, uu, 4, sc, 1);
                    for (int i = 0; i < n; i++) {
                        float x = a[1 + i];                          // the argument as both paths round it
                        if (form == 1) x += b[2 + i];
                        if (form == 2) x = Math.fma(r[3 + i], u[4 + i], x);
                        close("tanh form " + form, x, v[1 + i], Math.tanh(x));
                        close("scalar tanh form " + form, x, sc[1 + i], Math.tanh(x));
                    }
                    assertTrue(v[0] == 0f, "wrote before its range");
                }
            }
        }
    }

    @Test
    void saturatesWithoutNaNOrInfinity() {
        float[] xs = {-1e30f, -1000f, -100f, -88.5f, -44.1f, 44.1f, 88.5f, 100f, 1000f, 1e30f, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE};
        float[] zero = new float[xs.length], s = new float[xs.length], t = new float[xs.length];
        VectorMath.sigmoidOfSum(xs.length, xs, 0, zero, 0, s, 0);
        VectorMath.tanh(xs.length, xs, 0, null, 0, null, 0, null, 0, t, 0);
        for (int i = 0; i < xs.length; i++) {
            assertTrue(s[i] >= 0f && s[i] <= 1f && Math.abs(s[i] - 1 / (1 + Math.exp(-xs[i]))) <= 1e-6, "sigmoid(" + xs[i] + ") = " + s[i]);
            assertTrue(t[i] >= -1f && t[i] <= 1f && Math.abs(t[i] - Math.tanh(xs[i])) <= 1e-6, "tanh(" + xs[i] + ") = " + t[i]);
        }
    }

    private static void close(String what, float x, float got, double want) {
        double err = Math.abs(got - want) / (Math.abs(want) + 1e-30);
        assertTrue(err <= 1e-6 || Math.abs(got - want) < 1e-30, what + "(" + x + ") = " + got + ", want " + want + " (relative error " + err + ")");
    }

    private static float[] rand(Random rnd, int n, float range) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (rnd.nextFloat() * 2 - 1) * range;
        return a;
    }
}
