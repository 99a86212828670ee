package org.gru4j.nn;

/**
 * The shape of a stacked recurrent module, as PyTorch's nn.GRU / nn.LSTM / nn.RNN describe it.
 *
 * @param cell          the cell kind
 * @param input         input features I of the first layer
 * @param hidden        hidden size H
 * @param layers        stacked layers L (layer l > 0 reads the D·H outputs of layer l-1)
 * @param bidirectional D = 2 when true: a second direction runs each layer from the end of each sequence
 * @param bias          whether b_ih and b_hh exist
 * @param resetAfter    GRU only. true: PyTorch/cuDNN/ONNX linear_before_reset=1,
 *                      n = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn)). false: the original (Chung et al. 2014)
 *                      form, n = tanh(W_n x + b_in + U_n (r ⊙ h) + b_hn).
 * @param zKeepsState   GRU only. true: PyTorch/ONNX/Keras, h' = (1 − z) ⊙ n + z ⊙ h. false: the seed's
 *                      h' = (1 − z) ⊙ h + z ⊙ n. The two are one model with the update-gate rows negated.
 */
public record RecurrentConfig(CellKind cell, int input, int hidden, int layers, boolean bidirectional,
                              boolean bias, boolean resetAfter, boolean zKeepsState) {

    public RecurrentConfig {
        if (cell == null) throw new IllegalArgumentException("cell kind is required");
        if (input < 1) throw new IllegalArgumentException("input size must be ≥ 1, got " + input);
        if (hidden < 1) throw new IllegalArgumentException("hidden size must be ≥ 1, got " + hidden);
        if (layers < 1) throw new IllegalArgumentException("layers must be ≥ 1, got " + layers);
    }

    /** A module laid out as PyTorch's: GRUs reset after the product, z keeps the state. */
    public static RecurrentConfig pytorch(CellKind cell, int input, int hidden, int layers, boolean bidirectional,
                                          boolean bias) {
        return new RecurrentConfig(cell, input, hidden, layers, bidirectional, bias, true, true);
    }

    public int directions() {
        return bidirectional ? 2 : 1;
    }

    /** Input features of layer l. */
    public int layerInput(int layer) {
        return layer == 0 ? input : directions() * hidden;
    }

    /** Rows of each weight matrix: gates · H. */
    public int gateRows() {
        return cell.gates * hidden;
    }

    /** Parameters of the module: Σ over layers and directions of G·H·(I_l + H) (+ 2·G·H with biases). */
    public long parameterCount() {
        long n = 0, gh = gateRows();
        for (int l = 0; l < layers; l++) n += directions() * (gh * (layerInput(l) + (long) hidden) + (bias ? 2 * gh : 0));
        return n;
    }

    public String describe() {
        String s = cell.id() + " input=" + input + " hidden=" + hidden + " layers=" + layers
                + (bidirectional ? " bidirectional" : "") + (bias ? "" : " bias=false");
        if (cell == CellKind.GRU) {
            s += " reset=" + (resetAfter ? "after" : "before") + " update=" + (zKeepsState ? "z-keeps-state" : "z-takes-candidate");
        }
        return s;
    }
}
