package org.gru4j.nn;

import org.gru4j.tensor.Tensor;

/**
 * A named view into a model's flat parameter buffer: PyTorch's name ({@code weight_ih_l0}, {@code rnn.bias_hh_l1},
 * {@code head.weight}), where it starts in the buffer, and its shape. Gradients sit at the same offsets in the
 * gradient buffer.
 *
 * @param name the parameter's PyTorch name
 * @param offset where it starts in the buffer
 * @param shape its shape
 */
public record Param(String name, int offset, int[] shape) {
    /**
     * The number of values.
     *
     * @return the product of the shape's sizes
     */
    public int size() {
        return (int) Tensor.count(shape);
    }
}
