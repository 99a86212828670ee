package org.gru4j.train;

import org.gru4j.tensor.Tensor;

import java.util.function.DoubleBinaryOperator;

/** The mean over counted rows shared by the element-wise losses; sums in double, gradients rounded once to float. */
final class ElementwiseLoss {
    private ElementwiseLoss() {}

    /** Element loss and derivative as functions of d = p − t (the second argument is t, unused by most). */
    static Loss.Value mean(Tensor p, Tensor t, boolean[] mask, DoubleBinaryOperator loss, DoubleBinaryOperator dloss) {
        Loss.checkSameShape(p, t);
        return reduce(p, t, mask, loss, dloss, true);
    }

    /** Element loss and derivative as functions of (p, t). */
    static Loss.Value meanOf(Tensor p, Tensor t, boolean[] mask, DoubleBinaryOperator loss, DoubleBinaryOperator dloss) {
        Loss.checkSameShape(p, t);
        return reduce(p, t, mask, loss, dloss, false);
    }

    private static Loss.Value reduce(Tensor p, Tensor t, boolean[] mask, DoubleBinaryOperator loss,
                                     DoubleBinaryOperator dloss, boolean difference) {
        final int C = p.dim(-1), N = Loss.rows(p);
        Loss.checkMask(mask, N);
        int rows = 0;
        for (int n = 0; n < N; n++) if (mask == null || mask[n]) rows++;
        Tensor grad = new Tensor(p.shape, new float[p.size()]);
        if (rows == 0) return new Loss.Value(0, grad);
        double count = (double) rows * C, sum = 0;
        for (int n = 0; n < N; n++) {
            if (mask != null && !mask[n]) continue;
            for (int i = n * C; i < (n + 1) * C; i++) {
                double a = difference ? (double) p.data[i] - t.data[i] : p.data[i], b = t.data[i];
                sum += loss.applyAsDouble(a, b);
                grad.data[i] = (float) (dloss.applyAsDouble(a, b) / count);
            }
        }
        return new Loss.Value(sum / count, grad);
    }
}
