package org.gru4j.model;

import org.gru4j.kernel.Gemm;

/**
 * A fully connected layer whose weight W (O,I) and bias b (O) live at fixed offsets inside a model's flat parameter
 * array (gradients at the same offsets in the gradient array), as PyTorch's nn.Linear lays them out.
 * <pre>
 * forward:  y = x·Wᵀ + b                 x is (N,I), y is (N,O)
 * backward: dW += dyᵀ·x ; db += Σ_n dy ; dx = dy·W
 * </pre>
 * The one linear layer of gru4j: the head of a {@link SequenceModel}, of its {@link Stepper}, of the ONNX export.
 */
final class Linear {
    final int in, out, weight, bias;   // bias is −1 without a bias
    private float[] wT = new float[0];

    Linear(int in, int out, int weight, int bias) {
        this.in = in;
        this.out = out;
        this.weight = weight;
        this.bias = bias;
    }

    /** y (n,O) = x (n,I)·Wᵀ + b; x starts at xOff with rows I apart. */
    void forward(float[] params, float[] x, int xOff, int n, float[] y) {
        if (wT.length < in * out) wT = new float[in * out];
        Gemm.transpose(out, in, params, weight, in, wT, 0);                  // Wᵀ is (I,O)
        Gemm.mm(n, out, in, x, xOff, in, 1, wT, 0, out, y, 0, out, false);
        if (bias >= 0) {
            for (int r = 0; r < n; r++) {
                for (int o = 0; o < out; o++) y[r * out + o] += params[bias + o];
            }
        }
    }

    /** One row, as a matrix-vector product: y (O) = W·x + b, x (I) from xOff; for a model stepped one event at a time. */
    void step(float[] params, float[] x, int xOff, float[] y) {
        for (int o = 0; o < out; o++) {
            float s = bias >= 0 ? params[bias + o] : 0f;
            int w = weight + o * in;
            for (int j = 0; j < in; j++) s += params[w + j] * x[xOff + j];
            y[o] = s;
        }
    }

    /** Adds dW and db into grads; writes dx (n,I) = dy·W when dx is not null. */
    void backward(float[] params, float[] grads, float[] x, int xOff, float[] dy, int n, float[] dx) {
        // dW (O,I) += dyᵀ (O,n) · x (n,I)
        Gemm.mm(out, in, n, dy, 0, 1, out, x, xOff, in, grads, weight, in, true);
        if (bias >= 0) Gemm.addColumnSums(n, out, dy, 0, out, grads, bias);
        // dx (n,I) = dy (n,O) · W (O,I)
        if (dx != null) Gemm.mm(n, in, out, dy, 0, out, 1, params, weight, in, dx, 0, in, false);
    }
}
