package org.gru4j.train;

import org.gru4j.tensor.Tensor;

/**
 * Binary cross-entropy on logits x with targets y in [0, 1], PyTorch's F.binary_cross_entropy_with_logits
 * (reduction="mean") over the counted rows, in the form that neither overflows nor loses precision:
 * <pre>
 * ℓ = −[y log σ(x) + (1 − y) log(1 − σ(x))] = max(x, 0) − x·y + log(1 + exp(−|x|))
 * dℓ/dx = σ(x) − y;   L and dL/dx are divided by n
 * </pre>
 */
public record BinaryCrossEntropyWithLogits() implements Loss {
    @Override
    public Value compute(Tensor x, Tensor y, boolean[] mask) {
        // the element functions see (x, y) here rather than the difference
        return ElementwiseLoss.meanOf(x, y, mask,
                (xi, yi) -> Math.max(xi, 0) - xi * yi + Math.log1p(Math.exp(-Math.abs(xi))),
                (xi, yi) -> 1 / (1 + Math.exp(-xi)) - yi);
    }

    @Override
    public String name() {
        return "bce_with_logits";
    }
}
