package org.gru4j.train;

import org.gru4j.tensor.Tensor;

/**
 * Huber loss with threshold δ, PyTorch's F.huber_loss(reduction="mean", delta) over the counted rows, d = p − t:
 * <pre>
 * ℓ = ½ d²               if |d| &lt; δ
 *     δ (|d| − ½ δ)      otherwise
 * dℓ/dp = d if |d| &lt; δ, else δ·sign(d);   L and dL/dp are divided by n
 * </pre>
 *
 * @param delta the threshold δ, &gt; 0
 */
public record Huber(double delta) implements Loss {
    /**
     * Checks δ.
     *
     * @throws IllegalArgumentException when δ is not positive
     */
    public Huber {
        if (!(delta > 0)) throw new IllegalArgumentException("huber delta must be > 0, got " + delta);
    }

    @Override
    public Value compute(Tensor p, Tensor t, boolean[] mask) {
        return ElementwiseLoss.mean(p, t, mask,
                (d, unused) -> Math.abs(d) < delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta),
                (d, unused) -> Math.abs(d) < delta ? d : delta * Math.signum(d));
    }

    @Override
    public String name() {
        return "huber";
    }
}
