package org.gru4j.apps;

import org.gru4j.tensor.Tensor;
import org.gru4j.train.Example;
import org.gru4j.train.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * The adding problem (Hochreiter &amp; Schmidhuber 1997, in the form of Le, Jaitly &amp; Hinton 2015): T steps of two
 * features, a number u_t ~ U[0,1) and a marker m_t ∈ {0,1}. Exactly two steps are marked, one in the first half
 * [0, ⌊T/2⌋) and one in the second [⌊T/2⌋, T), each uniformly there. The target, read once at the end, is
 * <pre>
 * y = Σ_t m_t · u_t          (the sum of the two marked numbers, in [0, 2))
 * </pre>
 * Predicting the constant 1 (the mean of y) gives MSE = Var(u₁ + u₂) = 2/12 ≈ 0.167: the trivial baseline.
 */
public final class AddingProblem {
    /** MSE of always predicting 1.0: Var(u₁ + u₂) for u ~ U[0,1). */
    public static final double BASELINE_MSE = 1.0 / 6.0;

    private AddingProblem() {}

    /**
     * n examples of T steps: input (T,2) = [u_t, m_t], target (1) = the sum of the marked u_t. T ≥ 2.
     *
     * @param n examples
     * @param T steps of each, ≥ 2
     * @param rng the generator
     * @return the examples
     */
    public static List<Example> examples(int n, int T, Rng rng) {
        if (T < 2) throw new IllegalArgumentException("adding problem needs T ≥ 2 steps, got " + T);
        List<Example> out = new ArrayList<>(n);
        int half = T / 2;
        for (int i = 0; i < n; i++) {
            float[] x = new float[T * 2];                          // x is (T,2)
            for (int t = 0; t < T; t++) x[t * 2] = (float) rng.nextDouble();
            int first = rng.nextInt(half), second = half + rng.nextInt(T - half);
            x[first * 2 + 1] = 1f;
            x[second * 2 + 1] = 1f;
            float y = x[first * 2] + x[second * 2];
            out.add(new Example(new Tensor(new int[]{T, 2}, x), new Tensor(new int[]{1}, new float[]{y})));
        }
        return out;
    }
}
