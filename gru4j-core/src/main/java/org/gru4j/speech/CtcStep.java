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
