package org.gru4j.speech;

import org.gru4j.tensor.Tensor;
import org.gru4j.train.Loss;

/**
 * {@link Ctc} as a {@link Loss} for the {@link org.gru4j.train.Trainer}: predictions are the logits (T, B, C); the
 * targets are label sequences packed as a (1 + U_max, B) tensor — row 0 holds each utterance's label count U_b, rows
 * 1 … U_b its labels (see {@link #targets}); the mask (T·B, row t·B + b) gives the input lengths (null: all T). The
 * value is PyTorch's 'mean' (each utterance's loss over its label count, averaged over the batch), with utterances no
 * alignment fits contributing zero (zero_infinity).
 */
public record CtcLoss(int blank) implements Loss {
    /** PyTorch's 'mean' is over utterances: data-parallel replicas weigh their shares by utterances. */
    @Override
    public boolean targetsPerSequence() {
        return true;
    }

    @Override
    public Value compute(Tensor predictions, Tensor targets, boolean[] mask) {
        int t = predictions.dim(0), b = predictions.dim(1), c = predictions.dim(2);
        if (targets.rank() != 2 || targets.dim(1) != b) {
            throw new IllegalArgumentException("ctc targets must be (1 + U, " + b + "), got " + targets.shapeString());
        }
        int[][] labels = new int[b][];
        int rows = targets.dim(0);
        for (int u = 0; u < b; u++) {
            int n = (int) targets.data[u];
            if (n < 0 || n >= rows) throw new IllegalArgumentException("ctc target " + u + " says " + n + " labels, the tensor holds " + (rows - 1));
            labels[u] = new int[n];
            for (int i = 0; i < n; i++) labels[u][i] = (int) targets.data[(1 + i) * b + u];
        }
        int[] lengths = new int[b];
        for (int u = 0; u < b; u++) {
            if (mask == null) {
                lengths[u] = t;
            } else {
                while (lengths[u] < t && mask[lengths[u] * b + u]) lengths[u]++;
            }
        }
        Ctc.Result r = Ctc.loss(predictions.data, t, b, c, labels, lengths, blank, Ctc.Reduction.MEAN, true);
        return new Value(r.loss(), new Tensor(predictions.shape.clone(), r.grad()));
    }

    @Override
    public String name() {
        return "ctc";
    }

    /** Packs label sequences as the (1 + U_max, B) target tensor. */
    public static Tensor targets(int[][] labels) {
        int b = labels.length, max = 0;
        for (int[] l : labels) max = Math.max(max, l.length);
        Tensor out = Tensor.zeros(1 + max, b);
        for (int u = 0; u < b; u++) {
            out.data[u] = labels[u].length;
            for (int i = 0; i < labels[u].length; i++) out.data[(1 + i) * b + u] = labels[u][i];
        }
        return out;
    }
}
