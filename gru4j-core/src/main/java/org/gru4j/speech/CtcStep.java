package org.gru4j.speech;

import org.gru4j.audio.SpecAugment;
import org.gru4j.tensor.Tensor;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One CTC training step's forward and backward on a mini-batch: each utterance's raw features are copied,
 * optionally SpecAugment-masked, normalised and stacked; the batch is padded to (T, B, I) with per-utterance
 * lengths; the network's logits (T, B, C) go through {@link Ctc#loss} (mean reduction, infeasible utterances zeroed);
 * the gradient flows back into {@code model.net.grads} (zeroed first). The caller applies the optimizer.
 */
public final class CtcStep {
    private CtcStep() {
    }

    /**
     * Data-parallel: replica r (sharing replicas[0]'s parameters) runs its share of the batch on its own core; the
     * loss and the gradient left in replicas[0].net.grads are the whole batch's,
     * L = Σ_r (n_r/n)·L_r and ∇ = Σ_r (n_r/n)·∇_r, which is what one {@link #run} over the whole batch gives.
     */
    public static double run(SpeechModel[] replicas, List<Utterance> batch, SpecAugment augment, long seed) {
        int parts = Math.min(replicas.length, batch.size());
        if (parts <= 1) return run(replicas[0], batch, augment, new org.gru4j.train.Rng(seed));
        int n = batch.size();
        double[] losses = new double[parts];
        int[] from = new int[parts + 1];
        for (int r = 0; r <= parts; r++) from[r] = (int) ((long) n * r / parts);
        org.gru4j.kernel.Parallel.run(parts, r -> losses[r] = run(replicas[r], batch.subList(from[r], from[r + 1]),
                augment, new org.gru4j.train.Rng(seed * 7919 + r)));
        float[] g0 = replicas[0].net.grads;
        double w0 = (double) (from[1] - from[0]) / n, loss = w0 * losses[0];
        for (int i = 0; i < g0.length; i++) g0[i] *= (float) w0;
        for (int r = 1; r < parts; r++) {
            double w = (double) (from[r + 1] - from[r]) / n;
            loss += w * losses[r];
            float[] g = replicas[r].net.grads;
            for (int i = 0; i < g0.length; i++) g0[i] += (float) (w * g[i]);
        }
        return loss;
    }

    /** Returns the batch's mean CTC loss (PyTorch 'mean': per utterance divided by its label count). */
    public static double run(SpeechModel model, List<Utterance> batch, SpecAugment augment, RandomGenerator rng) {
        int f = model.config.frontend().dim(), in = model.config.input(), c = model.alphabet.classes();
        int b = batch.size();
        float[][] inputs = new float[b][];
        int[] lengths = new int[b];
        int[][] targets = new int[b][];
        int t = 0;
        for (int u = 0; u < b; u++) {
            float[] x = batch.get(u).features().clone();
            if (augment != null) augment.apply(x, f, rng);
            model.normalize(x);
            inputs[u] = SpeechModel.stack(x, f, model.config.stack());
            lengths[u] = inputs[u].length / in;
            targets[u] = batch.get(u).labels();
            t = Math.max(t, lengths[u]);
        }
        // x is (T, B, I), zero past each length
        float[] x = new float[t * b * in];
        for (int u = 0; u < b; u++) {
            for (int s = 0; s < lengths[u]; s++) {
                System.arraycopy(inputs[u], s * in, x, (s * b + u) * in, in);
            }
        }
        model.net.zeroGrads();
        Tensor logits = model.net.forward(new Tensor(new int[]{t, b, in}, x), lengths, null, null, rng).logits();
        Ctc.Result r = Ctc.loss(logits.data, t, b, c, targets, lengths, Alphabet.BLANK, Ctc.Reduction.MEAN, true);
        model.net.backward(new Tensor(new int[]{t, b, c}, r.grad()));
        return r.loss();
    }
}
