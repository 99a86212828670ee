package org.gru4j.train;

import org.gru4j.nn.Param;
import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optimizers against double references of the published update rules over several steps with changing gradients
 * and learning rates; clipping, the skipped step, schedules and initialisers. (PyTorch itself: TrainFixtureTest.)
 */
class OptimizerTest {
    static final int P = 37, STEPS = 6;

    static float[] random(Rng rng, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (scale * rng.nextGaussian());
        return a;
    }

    @Test
    void adamAndAdamWFollowTheirRules() {
        for (boolean decoupled : new boolean[]{false, true}) {
            Rng rng = new Rng(1);
            float[] theta = random(rng, P, 1);
            double[] ref = new double[P], m = new double[P], v = new double[P];
            for (int i = 0; i < P; i++) ref[i] = theta[i];
            double b1 = 0.8, b2 = 0.95, eps = 1e-6, wd = 0.1;
            Adam adam = new Adam(P, b1, b2, eps, wd, decoupled);
            for (int t = 1; t <= STEPS; t++) {
                float[] g = random(rng, P, 0.5);
                double lr = 0.01 * t;
                adam.update(theta, g.clone(), 0, lr, null);
                for (int i = 0; i < P; i++) {
                    double gi = g[i];
                    if (decoupled) ref[i] *= 1 - lr * wd;
                    else gi += wd * ref[i];
                    m[i] = b1 * m[i] + (1 - b1) * gi;
                    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                    double mHat = m[i] / (1 - Math.pow(b1, t)), vHat = v[i] / (1 - Math.pow(b2, t));
                    ref[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
                }
            }
            for (int i = 0; i < P; i++) assertEquals(ref[i], theta[i], 2e-6, (decoupled ? "AdamW" : "Adam") + " θ[" + i + "]");
            assertEquals(STEPS, adam.steps);
        }
    }

    @Test
    void sgdMomentumAndNesterovFollowTheirRules() {
        for (boolean nesterov : new boolean[]{false, true}) {
            Rng rng = new Rng(2);
            float[] theta = random(rng, P, 1);
            double[] ref = new double[P], buf = new double[P];
            for (int i = 0; i < P; i++) ref[i] = theta[i];
            double mu = 0.9, wd = 0.05, damp = nesterov ? 0 : 0.1;
            Sgd sgd = new Sgd(P, mu, damp, wd, nesterov);
            for (int t = 1; t <= STEPS; t++) {
                float[] g = random(rng, P, 0.5);
                sgd.update(theta, g.clone(), 0, 0.1, null);
                for (int i = 0; i < P; i++) {
                    double gi = g[i] + wd * ref[i];
                    buf[i] = t == 1 ? gi : mu * buf[i] + (1 - damp) * gi;
                    ref[i] -= 0.1 * (nesterov ? gi + mu * buf[i] : buf[i]);
                }
            }
            for (int i = 0; i < P; i++) assertEquals(ref[i], theta[i], 2e-6, (nesterov ? "nesterov" : "momentum") + " θ[" + i + "]");
        }
    }

    @Test
    void nonFiniteLossOrGradientSkipsTheStep() {
        Rng rng = new Rng(3);
        float[] theta = random(rng, P, 1), before = theta.clone();
        Adam adam = Adam.adam(P);
        float[] g = random(rng, P, 1);
        g[5] = Float.NaN;
        Optimizer.StepReport r = adam.update(theta, g, 1.0, 0.1, Clipping.byNorm(1));
        assertFalse(r.applied());
        assertTrue(r.message().startsWith("exploding gradient: norm=NaN"), r.message());
        assertTrue(r.message().endsWith("step skipped"), r.message());
        r = adam.update(theta, random(rng, P, 1), Double.POSITIVE_INFINITY, 0.1, null);
        assertFalse(r.applied());
        g = random(rng, P, 1);
        g[0] = Float.POSITIVE_INFINITY;
        assertFalse(adam.update(theta, g, 1.0, 0.1, null).applied());
        assertArrayEquals(before, theta, "a skipped step leaves the parameters alone");
        assertEquals(0, adam.steps);
        for (float[] s : adam.state().values()) for (float x : s) assertEquals(0f, x, "and the moments");
        assertTrue(adam.update(theta, random(rng, P, 1), 1.0, 0.1, null).applied());
    }

    /** The same for SGD with momentum: a NaN loss or an infinite gradient changes neither the parameters nor the buffer. */
    @Test
    void sgdSkipsNonFiniteStepsToo() {
        Rng rng = new Rng(4);
        float[] theta = random(rng, P, 1);
        Sgd sgd = new Sgd(P, 0.9, 0, 0, false);
        assertTrue(sgd.update(theta, random(rng, P, 1), 1.0, 0.1, null).applied());
        float[] before = theta.clone();
        java.util.Map<String, float[]> state = new java.util.HashMap<>();
        sgd.state().forEach((k, v) -> state.put(k, v.clone()));
        float[] g = random(rng, P, 1);
        g[P - 1] = Float.NEGATIVE_INFINITY;
        assertFalse(sgd.update(theta, g, 1.0, 0.1, Clipping.byNorm(1)).applied());
        assertFalse(sgd.update(theta, random(rng, P, 1), Double.NaN, 0.1, null).applied());
        assertArrayEquals(before, theta);
        sgd.state().forEach((k, v) -> assertArrayEquals(state.get(k), v, k));
        assertEquals(1, sgd.steps);
    }

    @Test
    void clippingByNormAndByValue() {
        Rng rng = new Rng(4);
        float[] g = random(rng, P, 3);
        double norm = Clipping.globalNorm(g);
        double sum = 0;
        for (float x : g) sum += x * (double) x;
        assertEquals(Math.sqrt(sum), norm, 1e-9);
        float[] c = g.clone();
        Clipping.byNorm(1.5).apply(c, norm);
        assertEquals(1.5, Clipping.globalNorm(c), 1e-5);
        for (int i = 0; i < P; i++) assertEquals(g[i] / (norm + 1e-6) * 1.5, c[i], 1e-6, "direction kept");
        float[] same = g.clone();
        Clipping.byNorm(norm * 2).apply(same, norm);
        assertArrayEquals(g, same, "under the bound nothing changes");
        float[] v = g.clone();
        Clipping.byValue(0.5).apply(v, norm);
        for (int i = 0; i < P; i++) assertEquals(Math.max(-0.5f, Math.min(0.5f, g[i])), v[i]);
        Sgd sgd = new Sgd(P, 0, 0, 0, false);
        Optimizer.StepReport r = sgd.update(new float[P], g.clone(), 1, 0.1, Clipping.byNorm(1));
        assertEquals(norm, r.gradNorm(), 1e-9, "the report gives the norm before clipping");
    }

    @Test
    void schedules() {
        assertEquals(0.1, new Schedule.Step(0.1, 3, 0.5).lr(2), 1e-15);
        assertEquals(0.05, new Schedule.Step(0.1, 3, 0.5).lr(3), 1e-15);
        assertEquals(0.025, new Schedule.Step(0.1, 3, 0.5).lr(7), 1e-15);
        Schedule cos = new Schedule.Cosine(0.1, 10, 0.01);
        assertEquals(0.1, cos.lr(0), 1e-15);
        assertEquals(0.055, cos.lr(5), 1e-15);
        assertEquals(0.01, cos.lr(10), 1e-15);
        assertEquals(0.01, cos.lr(50), 1e-15);
        Schedule w = new Schedule.Warmup(4, cos);
        assertEquals(0.025, w.lr(0), 1e-15);
        assertEquals(0.1, w.lr(3), 1e-15);
        assertEquals(0.1, w.lr(4), 1e-15);
        assertEquals(0.055, w.lr(9), 1e-15);
    }

    @Test
    void initialisersDrawWithinTheirBoundsDeterministically() {
        SequenceModelConfig cf = SequenceModelConfig.nextToken(CellKind.GRU, 9, 6, 8, 2);
        SequenceModel a = new SequenceModel(cf), b = new SequenceModel(cf), c = new SequenceModel(cf);
        Init.PYTORCH.apply(a, new Rng(5));
        Init.PYTORCH.apply(b, new Rng(5));
        Init.PYTORCH.apply(c, new Rng(6));
        assertArrayEquals(a.params, b.params, "same seed, same weights");
        assertFalse(java.util.Arrays.equals(a.params, c.params));
        for (Param p : a.parameters()) {
            double bound = 1 / Math.sqrt(8), max = 0;   // recurrent: 1/√H; head: 1/√fan_in, fan_in = H here
            for (int i = 0; i < p.size(); i++) max = Math.max(max, Math.abs(a.params[p.offset() + i]));
            if (!p.name().startsWith("embedding")) {
                assertTrue(max <= bound, p.name() + " max " + max);
                assertTrue(max > 0.8 * bound, p.name() + " fills its range");
            } else {
                assertTrue(max > 1.5, "embedding is N(0,1)");
            }
        }
        SequenceModel o = new SequenceModel(cf);
        new Init(true, true).apply(o, new Rng(5));
        Param whh = o.parameters().stream().filter(p -> p.name().equals("rnn.weight_hh_l1")).findFirst().orElseThrow();
        int H = 8;
        for (int blk = 0; blk < 3; blk++) {
            int off = whh.offset() + blk * H * H;
            for (int i = 0; i < H; i++) {
                for (int j = 0; j < H; j++) {
                    double dot = 0;
                    for (int k = 0; k < H; k++) dot += (double) o.params[off + i * H + k] * o.params[off + j * H + k];
                    assertEquals(i == j ? 1 : 0, dot, 1e-5, "gate block " + blk + " rows " + i + "·" + j);
                }
            }
        }
        Param wih = o.parameters().stream().filter(p -> p.name().equals("rnn.weight_ih_l0")).findFirst().orElseThrow();
        double xb = Math.sqrt(6.0 / (24 + 6)), max = 0;
        for (int i = 0; i < wih.size(); i++) max = Math.max(max, Math.abs(o.params[wih.offset() + i]));
        assertTrue(max <= xb && max > 0.8 * xb, "xavier bound " + xb + ", max " + max);
    }

    @Test
    void rngIsDeterministicAndUniform() {
        Rng a = new Rng(42), b = new Rng(42);
        for (int i = 0; i < 100; i++) assertEquals(a.nextLong(), b.nextLong());
        int[] counts = new int[7];
        for (int i = 0; i < 70000; i++) counts[a.nextInt(7)]++;
        for (int c : counts) assertTrue(Math.abs(c - 10000) < 500, "nextInt(7) counts " + java.util.Arrays.toString(counts));
        int[] p = new Rng(1).permutation(50);
        assertNotEquals(0, p[0] + p[1] - 1, "shuffled");
        assertEquals(50 * 49 / 2, java.util.Arrays.stream(p).sum());
        double s = 0, s2 = 0;
        for (int i = 0; i < 100000; i++) {
            double g = a.nextGaussian();
            s += g;
            s2 += g * g;
        }
        assertEquals(0, s / 100000, 0.02);
        assertEquals(1, s2 / 100000, 0.02);
    }
}
