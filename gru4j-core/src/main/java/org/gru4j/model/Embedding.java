package org.gru4j.model;

/**
 * A lookup table E (V,E_dim) inside a model's flat parameter array, as PyTorch's nn.Embedding.
 * <pre>
 * forward:  y[n] = E[token[n]]           tokens are (N), y is (N,E_dim)
 * backward: dE[token[n]] += dy[n]
 * </pre>
 * Token ids arrive as floats (the model's input tensor); each must be an integer in 0..V−1.
 */
final class Embedding {
    final int vocab, dim, weight;

    Embedding(int vocab, int dim, int weight) {
        this.vocab = vocab;
        this.dim = dim;
        this.weight = weight;
    }

    int token(float[] ids, int n) {
        float f = ids[n];
        int id = (int) f;
        if (id != f || id < 0 || id >= vocab) {
            throw new IllegalArgumentException("token id " + f + " at position " + n + " is outside the vocabulary 0.." + (vocab - 1));
        }
        return id;
    }

    void forward(float[] params, float[] ids, int n, float[] y) {
        for (int i = 0; i < n; i++) System.arraycopy(params, weight + token(ids, i) * dim, y, i * dim, dim);
    }

    void backward(float[] grads, float[] ids, float[] dy, int n) {
        for (int i = 0; i < n; i++) {
            int row = weight + token(ids, i) * dim;
            for (int j = 0; j < dim; j++) grads[row + j] += dy[i * dim + j];
        }
    }
}
