package org.gru4j.apps;

import org.gru4j.tensor.Tensor;
import org.gru4j.train.CrossEntropy;
import org.gru4j.train.Example;
import org.gru4j.train.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * The copy-memory task (Hochreiter &amp; Schmidhuber 1997; the form of Arjovsky, Shah &amp; Bengio 2016 with a few symbols):
 * S symbols drawn uniformly from K categories, then a delay of T blank steps whose last is a "go" marker, then S blank
 * steps during which the network must output the S symbols in order. Length T + 2S; inputs one-hot over K + 2 codes
 * (0..K−1 symbols, K blank, K+1 go):
 * <pre>
 * step   0 .. S−1      S .. S+T−2     S+T−1     S+T .. S+T+S−1
 * input  a_1 .. a_S    blank          go        blank
 * target –             –              –         a_1 .. a_S          (– : ignored by the loss)
 * </pre>
 * Only the S recall steps count (the others carry CrossEntropy's ignore index), so chance accuracy is 1/K.
 */
public final class CopyMemory {
    private CopyMemory() {}

    /**
     * Input features: K symbols, blank, go.
     *
     * @param K symbol categories
     * @return K + 2
     */
    public static int features(int K) {
        return K + 2;
    }

    /**
     * n examples with S symbols of K categories and a delay of T ≥ 1 steps: input (T+2S, K+2), target (T+2S) classes.
     *
     * @param n examples
     * @param T the delay, ≥ 1
     * @param S symbols to remember
     * @param K categories of each symbol
     * @param rng the generator
     * @return the examples
     */
    public static List<Example> examples(int n, int T, int S, int K, Rng rng) {
        if (T < 1 || S < 1 || K < 2) throw new IllegalArgumentException("copy task needs delay ≥ 1, symbols ≥ 1, categories ≥ 2; got "
                + T + ", " + S + ", " + K);
        final int steps = T + 2 * S, F = features(K), blank = K, go = K + 1;
        List<Example> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] x = new float[steps * F];                      // x is (T+2S, K+2) one-hot
            float[] y = new float[steps];                          // y is (T+2S) classes
            java.util.Arrays.fill(y, CrossEntropy.IGNORE_INDEX);
            for (int s = 0; s < S; s++) {
                int a = rng.nextInt(K);
                x[s * F + a] = 1f;
                y[S + T + s] = a;
            }
            for (int t = S; t < steps; t++) x[t * F + (t == S + T - 1 ? go : blank)] = 1f;
            out.add(new Example(new Tensor(new int[]{steps, F}, x), new Tensor(new int[]{steps}, y)));
        }
        return out;
    }
}
