package org.gru4j.kernel;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vector exp, σ and tanh against Math's double-precision functions: ≤ 1e-6 relative (plus a tiny absolute floor). */
class VectorMathTest {

    @Test
    void expSigmoidTanhMatchDoublePrecision() {
        check("exp", VectorMath::exp, Math::exp, -87f, 88f);
        check("sigmoid", VectorMath::sigmoid, a -> 1 / (1 + Math.exp(-a)), -80f, 80f);
        check("tanh", VectorMath::tanh, Math::tanh, -20f, 20f);
    }

    @Test
    void saturatesWithoutNaNOrInfinity() {
        float[] xs = {-1e30f, -1000f, -100f, -88.5f, 88.5f, 100f, 1000f, 1e30f, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE};
        for (float x : xs) {
            float s = apply(VectorMath::sigmoid, x), t = apply(VectorMath::tanh, x);
            assertTrue(s >= 0f && s <= 1f, "sigmoid(" + x + ") = " + s);
            assertTrue(t >= -1f && t <= 1f && Math.abs(t - Math.tanh(x)) <= 1e-6, "tanh(" + x + ") = " + t);
            assertTrue(Math.abs(s - 1 / (1 + Math.exp(-x))) <= 1e-6, "sigmoid(" + x + ") = " + s);
        }
    }

    private static float apply(UnaryOperator<FloatVector> f, float x) {
        return f.apply(FloatVector.broadcast(VectorMath.S, x)).lane(0);
    }

    /** Random points over [lo, hi] plus a dense sweep near 0 (where tanh switches formula at |x| = 0.625). */
    private static void check(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator ref, float lo, float hi) {
        Random rnd = new Random(11);
        int n = 1 << 16;
        float[] x = new float[n + VectorMath.L];
        for (int i = 0; i < n; i++) {
            x[i] = i % 2 == 0 ? lo + rnd.nextFloat() * (hi - lo) : (float) ((rnd.nextDouble() * 2 - 1) * Math.pow(10, -8 + 9 * rnd.nextDouble()));
        }
        float[] y = new float[x.length];
        for (int i = 0; i < n; i += VectorMath.L) f.apply(FloatVector.fromArray(VectorMath.S, x, i)).intoArray(y, i);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double want = ref.applyAsDouble(x[i]);
            double err = Math.abs(y[i] - want) / (Math.abs(want) + 1e-30);
            worst = Math.max(worst, err);
            assertTrue(err <= 1e-6, name + "(" + x[i] + ") = " + y[i] + ", want " + want + " (relative error " + err + ")");
        }
        System.out.println(name + ": worst relative error " + worst);
    }
}
