package org.gru4j.train;

import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each loss against a double reference written from the textbook formula (no shared code), and its gradient against
 * central finite differences of that reference. Predictions are (T=4, B=3, C=5), with a mask and, for
 * cross-entropy, ignored targets.
 */
class LossTest {
    static final int N = 12, C = 5;

    interface Reference {
        /** The mean loss over the counted rows, in double. */
        double loss(double[] p, float[] t, boolean[] mask);
    }

    record Case(String name, Loss loss, Reference ref, boolean classes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("cross_entropy", new CrossEntropy(CrossEntropy.IGNORE_INDEX), LossTest::crossEntropy, true),
                new Case("mse", new MeanSquaredError(), (p, t, m) -> elementMean(p, t, m, (a, b) -> (a - b) * (a - b)), false),
                new Case("mae", new MeanAbsoluteError(), (p, t, m) -> elementMean(p, t, m, (a, b) -> Math.abs(a - b)), false),
                new Case("huber", new Huber(0.7), (p, t, m) -> elementMean(p, t, m, (a, b) -> {
                    double d = Math.abs(a - b);
                    return d < 0.7 ? 0.5 * d * d : 0.7 * (d - 0.35);
                }), false),
                new Case("bce_with_logits", new BinaryCrossEntropyWithLogits(), (p, t, m) -> elementMean(p, t, m, (x, y) -> {
                    double s = 1 / (1 + Math.exp(-x));
                    return -(y * Math.log(s) + (1 - y) * Math.log(1 - s));
                }), false));
    }

    static double crossEntropy(double[] z, float[] t, boolean[] mask) {
        double sum = 0;
        int count = 0;
        for (int n = 0; n < N; n++) {
            if (t[n] == -100 || (mask != null && !mask[n])) continue;
            double s = 0;
            for (int c = 0; c < C; c++) s += Math.exp(z[n * C + c]);
            sum += -Math.log(Math.exp(z[n * C + (int) t[n]]) / s);
            count++;
        }
        return sum / count;
    }

    static double elementMean(double[] p, float[] t, boolean[] mask, java.util.function.DoubleBinaryOperator f) {
        double sum = 0;
        int count = 0;
        for (int n = 0; n < N; n++) {
            if (mask != null && !mask[n]) continue;
            for (int c = 0; c < C; c++) {
                sum += f.applyAsDouble(p[n * C + c], t[n * C + c]);
                count++;
            }
        }
        return sum / count;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void valueMatchesReferenceAndGradientMatchesFiniteDifferences(Case k) {
        Rng rng = new Rng(11);
        Tensor p = Tensor.zeros(4, 3, C);
        for (int i = 0; i < p.size(); i++) p.data[i] = (float) (2 * rng.nextGaussian());
        Tensor t = k.classes ? Tensor.zeros(4, 3) : Tensor.zeros(4, 3, C);
        for (int i = 0; i < t.size(); i++) {
            t.data[i] = k.classes ? rng.nextInt(C) : k.name.startsWith("bce") ? (float) rng.nextDouble() : (float) rng.nextGaussian();
        }
        if (k.classes) t.data[5] = CrossEntropy.IGNORE_INDEX;
        boolean[] mask = new boolean[N];
        for (int n = 0; n < N; n++) mask[n] = n % 4 != 3;
        for (boolean[] m : new boolean[][]{null, mask}) {
            Loss.Value v = k.loss.compute(p, t, m);
            double[] pd = new double[p.size()];
            for (int i = 0; i < pd.length; i++) pd[i] = p.data[i];
            double want = k.ref.loss(pd, t.data, m);
            assertEquals(want, v.loss(), 1e-12 * Math.max(1, Math.abs(want)), k.name + " value");
            double h = 1e-6;
            for (int i = 0; i < pd.length; i++) {
                double keep = pd[i];
                pd[i] = keep + h;
                double up = k.ref.loss(pd, t.data, m);
                pd[i] = keep - h;
                double down = k.ref.loss(pd, t.data, m);
                pd[i] = keep;
                double fd = (up - down) / (2 * h);
                assertEquals(fd, v.grad().data[i], 1e-6, k.name + " gradient [" + i + "]" + (m != null ? " masked" : ""));
                if (m != null && !m[i / C]) assertEquals(0f, v.grad().data[i], "masked row gets no gradient");
            }
        }
    }

    @Test
    void crossEntropyIsStableForLargeLogits() {
        Tensor z = new Tensor(new int[]{1, 3}, new float[]{1000f, 0f, -1000f});
        Loss.Value v = new CrossEntropy(-100).compute(z, new Tensor(new int[]{1}, new float[]{1}), null);
        assertEquals(1000.0, v.loss(), 1e-9);
        assertEquals(-1f, v.grad().data[1], 1e-9f);
        Loss.Value b = new BinaryCrossEntropyWithLogits().compute(new Tensor(new int[]{1, 1}, new float[]{-800f}),
                new Tensor(new int[]{1, 1}, new float[]{1f}), null);
        assertEquals(800.0, b.loss(), 1e-9);
    }

    @Test
    void badTargetIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CrossEntropy(-100).compute(Tensor.zeros(2, 3),
                new Tensor(new int[]{2}, new float[]{0, 3}), null));
        assertTrue(e.getMessage().contains("target 3.0 at row 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MeanSquaredError().compute(Tensor.zeros(2, 3), Tensor.zeros(3, 2), null));
    }
}
