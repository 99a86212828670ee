package org.gru4j.train;

import org.gru4j.tensor.Tensor;

/**
 * Mean absolute error, PyTorch's F.l1_loss(reduction="mean") over the counted rows:
 * <pre>
 * L = Σ |p − t| / n
 * dL/dp = sign(p − t) / n          (0 where p = t, as PyTorch)
 * </pre>
 */
public record MeanAbsoluteError() implements Loss {
    @Override
    public Value compute(Tensor p, Tensor t, boolean[] mask) {
        return ElementwiseLoss.mean(p, t, mask, (d, unused) -> Math.abs(d), (d, unused) -> Math.signum(d));
    }

    @Override
    public String name() {
        return "mae";
    }
}
