package org.gru4j.train;

import org.gru4j.tensor.Tensor;

/**
 * Softmax cross-entropy over logits z (N,C) with integer class targets y (N) (stored as floats), PyTorch's
 * F.cross_entropy(reduction="mean", ignore_index):
 * <pre>
 * ℓ_n = log Σ_c exp(z_nc) − z_n,y_n          (computed as m + log Σ exp(z − m), m = max_c z_nc)
 * L   = Σ_{counted n} ℓ_n / count           counted: y_n ≠ ignoreIndex and mask_n
 * dL/dz_nc = (softmax(z_n)_c − [c = y_n]) / count
 * </pre>
 *
 * @param ignoreIndex a target class that is not counted ({@link #IGNORE_INDEX}, PyTorch's default, for none in
 *     practice)
 */
public record CrossEntropy(int ignoreIndex) implements Loss {
    /** PyTorch's default ignore_index. */
    public static final int IGNORE_INDEX = -100;

    @Override
    public Value compute(Tensor logits, Tensor targets, boolean[] mask) {
        final int C = logits.dim(-1), N = Loss.rows(logits);
        if (targets.size() != N) {
            throw new IllegalArgumentException("cross-entropy needs one class per row: targets " + targets.shapeString()
                    + " for logits " + logits.shapeString());
        }
        Loss.checkMask(mask, N);
        int count = 0;
        for (int n = 0; n < N; n++) if (counted(targets.data[n], mask, n, C)) count++;
        Tensor grad = new Tensor(logits.shape, new float[logits.size()]);
        if (count == 0) return new Value(0, grad);
        double sum = 0;
        double[] e = new double[C];     // exp(z − m) of one row
        for (int n = 0; n < N; n++) {
            if (!counted(targets.data[n], mask, n, C)) continue;
            int y = (int) targets.data[n], o = n * C;
            double m = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < C; c++) m = Math.max(m, logits.data[o + c]);
            double s = 0;
            for (int c = 0; c < C; c++) s += e[c] = Math.exp(logits.data[o + c] - m);
            sum += m + Math.log(s) - logits.data[o + y];
            double inv = 1 / s;
            for (int c = 0; c < C; c++) grad.data[o + c] = (float) ((e[c] * inv - (c == y ? 1 : 0)) / count);
        }
        return new Value(sum / count, grad);
    }

    private boolean counted(float target, boolean[] mask, int n, int C) {
        int y = (int) target;
        if (y == ignoreIndex || (mask != null && !mask[n])) return false;
        if (y != target || y < 0 || y >= C) {
            throw new IllegalArgumentException("target " + target + " at row " + n + " is not a class in 0.." + (C - 1)
                    + " (nor the ignore index " + ignoreIndex + ")");
        }
        return true;
    }

    @Override
    public String name() {
        return "cross_entropy";
    }
}
