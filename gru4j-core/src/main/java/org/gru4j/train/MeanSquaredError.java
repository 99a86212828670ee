package org.gru4j.train;

import org.gru4j.tensor.Tensor;

/**
 * Mean squared error, PyTorch's F.mse_loss(reduction="mean") over the counted rows:
 * <pre>
 * L = Σ (p − t)² / n          n = counted rows · C
 * dL/dp = 2 (p − t) / n
 * </pre>
 */
public record MeanSquaredError() implements Loss {
    @Override
    public Value compute(Tensor p, Tensor t, boolean[] mask) {
        return ElementwiseLoss.mean(p, t, mask, (d, unused) -> d * d, (d, unused) -> 2 * d);
    }

    @Override
    public String name() {
        return "mse";
    }
}
