package org.gru4j.train;

import org.gru4j.model.Head;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.tensor.Tensor;

import java.util.List;

/**
 * Examples padded into one time-major step: what {@link org.gru4j.model.SequenceModel#forward} and a {@link Loss} take.
 *
 * @param x       (T,B,I) features or (T,B) token ids, zero past each sequence's length
 * @param target  per-step heads (T,B,O) or (T,B) classes; last-step heads (B,O) or (B) classes
 * @param lengths valid steps per sequence, or null when all have T
 * @param mask    loss rows (T·B) that count (per-step heads with lengths), or null for all
 * @param reset   truncated BPTT: lanes whose state starts from zero at this chunk (a new series); null otherwise
 */
public record Batch(Tensor x, Tensor target, int[] lengths, boolean[] mask, boolean[] reset) {

    /**
     * Whole sequences: examples[indices[b]] for b = 0..B−1, padded to the longest.
     *
     * @param examples the examples
     * @param indices which of them, in batch order
     * @param cf the model's shape (a token model takes (T,B) ids)
     * @param classes targets are class indices
     * @return the batch
     */
    public static Batch of(List<Example> examples, int[] indices, SequenceModelConfig cf, boolean classes) {
        int B = indices.length, T = 0;
        for (int i : indices) T = Math.max(T, examples.get(i).steps());
        int[] series = indices.clone(), from = new int[B], count = new int[B];
        for (int b = 0; b < B; b++) count[b] = examples.get(indices[b]).steps();
        return assemble(examples, series, from, count, T, cf, classes, null);
    }

    /**
     * One chunk of truncated BPTT: lane b holds steps from[b] .. from[b]+count[b]−1 of series[b] (count 0: the lane has
     * finished), padded to T steps.
     */
    static Batch chunk(List<Example> examples, int[] series, int[] from, int[] count, int T, SequenceModelConfig cf,
                       boolean classes) {
        boolean[] reset = new boolean[series.length];
        for (int b = 0; b < series.length; b++) reset[b] = from[b] == 0;
        return assemble(examples, series, from, count, T, cf, classes, reset);
    }

    private static Batch assemble(List<Example> examples, int[] series, int[] from, int[] count, int T,
                                  SequenceModelConfig cf, boolean classes, boolean[] reset) {
        final int B = series.length, I = cf.recurrent().input(), O = cf.outputs();
        final boolean perStep = cf.head() == Head.PER_STEP;
        final int inW = cf.tokens() ? 1 : I, tW = classes ? 1 : O;
        Tensor x = cf.tokens() ? Tensor.zeros(T, B) : Tensor.zeros(T, B, I);
        Tensor target = perStep ? (classes ? Tensor.zeros(T, B) : Tensor.zeros(T, B, O)) : (classes ? Tensor.zeros(B) : Tensor.zeros(B, O));
        int[] lengths = new int[B];
        boolean ragged = reset != null;
        for (int b = 0; b < B; b++) {
            if (count[b] == 0) continue;
            Example e = examples.get(series[b]);
            check(e, series[b], cf, classes, perStep);
            lengths[b] = count[b];
            ragged |= count[b] != T;
            for (int t = 0; t < count[b]; t++) {
                int s = from[b] + t;
                System.arraycopy(e.input().data, s * inW, x.data, (t * B + b) * inW, inW);
                if (perStep) System.arraycopy(e.target().data, s * tW, target.data, (t * B + b) * tW, tW);
            }
            if (!perStep) System.arraycopy(e.target().data, 0, target.data, b * tW, tW);
        }
        boolean[] mask = null;
        if (ragged && perStep) {
            mask = new boolean[T * B];
            for (int t = 0; t < T; t++) for (int b = 0; b < B; b++) mask[t * B + b] = t < lengths[b];
        }
        return new Batch(x, target, ragged ? lengths : null, mask, reset);
    }

    /**
     * Sequences b = 0..B−1 of the batch.
     *
     * @return B
     */
    public int sequences() {
        return x.dim(1);
    }

    /**
     * Sequences from … to−1 of this batch, as a batch of their own (a data-parallel replica's share).
     *
     * @param perStep targets are per step (T,B,…), else one per sequence (B,…)
     */
    Batch lanes(int from, int to, boolean perStep) {
        final int T = x.dim(0), B = x.dim(1), n = to - from;
        Tensor xs = slice(x, 1, from, to);
        Tensor ts = perStep ? slice(target, 1, from, to) : slice(target, 0, from, to);
        int[] len = lengths == null ? null : java.util.Arrays.copyOfRange(lengths, from, to);
        boolean[] m = null;
        if (mask != null) {
            m = new boolean[T * n];
            for (int t = 0; t < T; t++) System.arraycopy(mask, t * B + from, m, t * n, n);
        }
        boolean[] r = reset == null ? null : java.util.Arrays.copyOfRange(reset, from, to);
        return new Batch(xs, ts, len, m, r);
    }

    /** Indices from … to−1 along dimension {@code dim} (0 or 1) of t. */
    static Tensor slice(Tensor t, int dim, int from, int to) {
        int outer = 1, inner = 1;
        for (int d = 0; d < dim; d++) outer *= t.dim(d);
        for (int d = dim + 1; d < t.rank(); d++) inner *= t.dim(d);
        int[] shape = t.shape.clone();
        shape[dim] = to - from;
        float[] out = new float[outer * (to - from) * inner];
        int n = t.dim(dim);
        for (int o = 0; o < outer; o++) System.arraycopy(t.data, (o * n + from) * inner, out, o * (to - from) * inner, (to - from) * inner);
        return new Tensor(shape, out);
    }

    private static void check(Example e, int index, SequenceModelConfig cf, boolean classes, boolean perStep) {
        int n = e.steps();
        int[] in = cf.tokens() ? new int[]{n} : new int[]{n, cf.recurrent().input()};
        if (!java.util.Arrays.equals(e.input().shape, in)) {
            throw new IllegalArgumentException("example " + index + ": input has shape " + e.input().shapeString()
                    + ", the model takes " + java.util.Arrays.toString(in));
        }
        int[] tg = perStep ? (classes ? new int[]{n} : new int[]{n, cf.outputs()}) : (classes ? new int[]{1} : new int[]{cf.outputs()});
        if (!java.util.Arrays.equals(e.target().shape, tg)) {
            throw new IllegalArgumentException("example " + index + ": target has shape " + e.target().shapeString()
                    + ", expected " + java.util.Arrays.toString(tg));
        }
    }
}
