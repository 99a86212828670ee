package org.gru4j.speech;

import org.gru4j.tensor.Tensor;
import org.gru4j.train.Loss;

/**
 * {@link Ctc} as a {@link Loss} for the {@link org.gru4j.train.Trainer}: predictions are the logits (T, B, C); the
 * targets are label sequences packed as a (B, 1 + U_max) tensor — row b holds utterance b's label count U_b, then
 * its U_b labels (see {@link #targets}), one row per sequence ({@link #targetsPerSequence}), so the trainer's
 * replicas are weighted by utterances, which makes their combined loss and gradient exactly the batch's 'mean'; the mask (T·B, row t·B + b) gives the input lengths (null: all T). The
 * value is PyTorch's 'mean' (each utterance's loss over its label count, averaged over the batch), with utterances no
 * alignment fits contributing zero (zero_infinity).
 *
 * @param blank the blank class
 */
public record CtcLoss(int blank) implements Loss {
    @Override
    public Value compute(Tensor predictions, Tensor targets, boolean[] mask) {
        int t = predictions.dim(0), b = predictions.dim(1), c = predictions.dim(2);
        if (targets.rank() != 2 || targets.dim(0) != b) {
            throw new IllegalArgumentException("ctc targets must be (" + b + ", 1 + U), got " + targets.shapeString());
        }
        int[][] labels = new int[b][];
        int cols = targets.dim(1);
        for (int u = 0; u < b; u++) {
            int n = (int) targets.data[u * cols];
            if (n < 0 || n >= cols) throw new IllegalArgumentException("ctc target " + u + " says " + n + " labels, the tensor holds " + (cols - 1));
            labels[u] = new int[n];
            for (int i = 0; i < n; i++) labels[u][i] = (int) targets.data[u * cols + 1 + i];
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

    /** Targets are one label sequence per utterance: the trainer splits them among replicas by utterance. */
    @Override
    public boolean targetsPerSequence() {
        return true;
    }

    /**
     * Packs label sequences as the (B, 1 + U_max) target tensor.
     *
     * @param labels each utterance's labels
     * @return the tensor (B, 1 + U_max)
     */
    public static Tensor targets(int[][] labels) {
        int b = labels.length, max = 0;
        for (int[] l : labels) max = Math.max(max, l.length);
        Tensor out = Tensor.zeros(b, 1 + max);
        for (int u = 0; u < b; u++) {
            out.data[u * (1 + max)] = labels[u].length;
            for (int i = 0; i < labels[u].length; i++) out.data[u * (1 + max) + 1 + i] = labels[u][i];
        }
        return out;
    }
}
