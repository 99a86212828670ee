package org.gru4j.train;

import org.gru4j.nn.Param;
import org.gru4j.model.SequenceModel;
import org.gru4j.nn.Recurrent;

import java.util.List;

/**
 * Parameter initialisation. The default is PyTorch's:
 * <pre>
 * recurrent weights and biases   U(−1/√H, 1/√H)                          (nn.GRU / nn.LSTM / nn.RNN reset_parameters)
 * head weight (O, F)             U(−1/√F, 1/√F)  = kaiming_uniform(a=√5)  (nn.Linear)
 * head bias                      U(−1/√F, 1/√F)
 * embedding                      N(0, 1)                                  (nn.Embedding)
 * </pre>
 * Options: Xavier/Glorot uniform for each input weight matrix W_ih (G·H, I), U(±√(6 / (I + G·H))) as Keras's
 * glorot_uniform on its (I, G·H) kernel; orthogonal for each H×H gate block of W_hh (a Gaussian matrix's Q factor with
 * the signs of R's diagonal, as torch.nn.init.orthogonal_), as Keras's recurrent initialiser.
 *
 * @param xavierInput         Xavier-uniform input weights instead of U(±1/√H)
 * @param orthogonalRecurrent orthogonal recurrent gate blocks instead of U(±1/√H)
 */
public record Init(boolean xavierInput, boolean orthogonalRecurrent) {
    /** PyTorch's initialisation, the default. */
    public static final Init PYTORCH = new Init(false, false);

    /**
     * Draws the parameters of a sequence model.
     *
     * @param model the model
     * @param rng the generator
     */
    public void apply(SequenceModel model, Rng rng) {
        apply(model.parameters(), model.params, model.config.recurrent().hidden(), rng);
    }

    /**
     * Draws the parameters of a recurrent module.
     *
     * @param module the module
     * @param rng the generator
     */
    public void apply(Recurrent module, Rng rng) {
        apply(module.parameters(), module.params, module.config.hidden(), rng);
    }

    /** Draws every parameter in list order (so the draws depend on the seed and the model alone). */
    private void apply(List<Param> list, float[] params, int hidden, Rng rng) {
        final double k = 1 / Math.sqrt(hidden);
        for (Param p : list) {
            String name = p.name();
            int off = p.offset(), n = p.size();
            if (name.startsWith("embedding.")) {
                for (int i = 0; i < n; i++) params[off + i] = (float) rng.nextGaussian();
            } else if (name.startsWith("head.")) {
                int fanIn = list.stream().filter(q -> q.name().equals("head.weight")).findFirst().orElseThrow().shape()[1];
                uniform(params, off, n, 1 / Math.sqrt(fanIn), rng);
            } else if (xavierInput && name.contains("weight_ih")) {
                uniform(params, off, n, Math.sqrt(6.0 / (p.shape()[0] + p.shape()[1])), rng);
            } else if (orthogonalRecurrent && name.contains("weight_hh")) {
                for (int b = 0; b < p.shape()[0] / hidden; b++) orthogonal(params, off + b * hidden * hidden, hidden, rng);
            } else {
                uniform(params, off, n, k, rng);
            }
        }
    }

    private static void uniform(float[] a, int off, int n, double bound, Rng rng) {
        for (int i = 0; i < n; i++) a[off + i] = (float) rng.uniform(-bound, bound);
    }

    /** An n×n orthogonal matrix into a[off…], row-major: Q of A = QR for Gaussian A, columns signed by diag(R). */
    static void orthogonal(float[] a, int off, int n, Rng rng) {
        double[][] col = new double[n][n];              // col[j] is column j of A, then of Q
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) col[j][i] = rng.nextGaussian();
        for (int j = 0; j < n; j++) {                   // modified Gram–Schmidt, twice for orthogonality in double
            for (int pass = 0; pass < 2; pass++) {
                for (int q = 0; q < j; q++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) dot += col[q][i] * col[j][i];
                    for (int i = 0; i < n; i++) col[j][i] -= dot * col[q][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) norm += col[j][i] * col[j][i];
            norm = Math.sqrt(norm);
            // R's diagonal entry is +norm with Gram–Schmidt, so Q·sign(diag R) = Q
            for (int i = 0; i < n; i++) col[j][i] /= norm;
        }
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) a[off + i * n + j] = (float) col[j][i];
    }
}
