package org.gru4j.train;

import org.gru4j.tensor.Tensor;

/**
 * One training sequence (or, with truncated BPTT, one long series), steps first.
 *
 * @param input  (T_i, I) features, or (T_i) token ids as floats
 * @param target per-step heads: (T_i, O) values or (T_i) classes; last-step heads: (O) values or (1) class
 */
public record Example(Tensor input, Tensor target) {
    /**
     * Checks that the input has at least one step.
     *
     * @throws IllegalArgumentException when it has none
     */
    public Example {
        if (input.rank() < 1 || input.dim(0) < 1) throw new IllegalArgumentException("an example needs at least one step, got input " + input.shapeString());
    }

    /**
     * Steps T_i.
     *
     * @return the input's first dimension
     */
    public int steps() {
        return input.dim(0);
    }
}
