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

    /**
     * Checks the sizes: a cell kind, and input, hidden and layers of at least 1.
     *
     * @throws IllegalArgumentException naming the size that is out of range
     */
    public RecurrentConfig {
        if (cell == null) throw new IllegalArgumentException("cell kind is required");
        if (input < 1) throw new IllegalArgumentException("input size must be ≥ 1, got " + input);
        if (hidden < 1) throw new IllegalArgumentException("hidden size must be ≥ 1, got " + hidden);
        if (layers < 1) throw new IllegalArgumentException("layers must be ≥ 1, got " + layers);
    }

    /**
     * A module laid out as PyTorch's: GRUs reset after the product, z keeps the state.
     *
     * @param cell the cell kind
     * @param input input features I of the first layer
     * @param hidden hidden size H
     * @param layers stacked layers L
     * @param bidirectional whether a second direction runs each layer backwards
     * @param bias whether b_ih and b_hh exist
     * @return the configuration
     */
    public static RecurrentConfig pytorch(CellKind cell, int input, int hidden, int layers, boolean bidirectional,
                                          boolean bias) {
        return new RecurrentConfig(cell, input, hidden, layers, bidirectional, bias, true, true);
    }

    /**
     * Directions D: 2 when bidirectional, else 1.
     *
     * @return D
     */
    public int directions() {
        return bidirectional ? 2 : 1;
    }

    /**
     * Input features of layer l.
     *
     * @param layer the layer l, from 0
     * @return I for layer 0, D·H for the others
     */
    public int layerInput(int layer) {
        return layer == 0 ? input : directions() * hidden;
    }

    /**
     * Rows of each weight matrix: gates · H.
     *
     * @return G·H
     */
    public int gateRows() {
        return cell.gates * hidden;
    }

    /**
     * Parameters of the stack alone: {@link #parameterCount(int, int)} with no embedding and no head.
     *
     * @return the count
     */
    public long parameterCount() {
        return parameterCount(0, 0);
    }

    /**
     * Parameters of the stack, with an embedding of {@code vocab} rows before it and a linear head of {@code outputs}
     * after it (0 and 0: the stack alone), in long with exact arithmetic:
     * <pre>
     * Σ_l D·(G·H·I_l + G·H·H + 2·G·H·[bias])  +  V·I  +  (D·H + 1)·O
     * </pre>
     *
     * @param vocab rows V of an embedding before the stack, or 0
     * @param outputs outputs O of a linear head after it, or 0
     * @return the count
     * @throws ArithmeticException when the count does not fit in a long
     */
    public long parameterCount(int vocab, int outputs) {
        long gh = Math.multiplyExact((long) cell.gates, hidden), n = 0;
        for (int l = 0; l < Math.min(layers, 2); l++) {
            long perDirection = Math.addExact(Math.multiplyExact(gh, (long) layerInput(l) + hidden), bias ? Math.multiplyExact(2, gh) : 0);
            // layers 1 … L-1 are alike: count layer 1 once and multiply
            long times = l == 0 ? 1 : layers - 1;
            n = Math.addExact(n, Math.multiplyExact(Math.multiplyExact(perDirection, directions()), times));
        }
        long dh = Math.multiplyExact((long) directions(), hidden);
        n = Math.addExact(n, Math.multiplyExact((long) vocab, input));
        return Math.addExact(n, Math.multiplyExact(dh + 1, outputs));
    }

    /** Parameters any config may have whatever its file holds: building it costs at most 8 MB (params and grads). */
    public static final long SMALL = 1 << 20;

    /**
     * The size rule for a config read from a file, checked before anything is built: its parameters (with an
     * embedding of vocab rows and a head of outputs; 0, 0 for none) must be no more than the values the file holds
     * or {@link #SMALL}, whichever is larger, and must fit in one Java array. A 300-byte file cannot make gru4j
     * allocate a model of gigabytes; a small config that does not match its tensors is built and then refused naming
     * the tensor.
     *
     * @param availableFloats the values of all tensors in the file (float32 or converted)
     * @param file            names the file in the message ("m.gru4j", "the state_dict")
     * @param vocab rows of an embedding before the stack, or 0
     * @param outputs outputs of a linear head after it, or 0
     * @throws IllegalArgumentException naming the file, the config and both counts
     */
    public void checkSize(int vocab, int outputs, long availableFloats, String file) {
        long need;
        try {
            need = parameterCount(vocab, outputs);
        } catch (ArithmeticException e) {
            need = Long.MAX_VALUE;
        }
        String what = describe() + (vocab > 0 ? " with an embedding of " + vocab + " rows" : "") + (outputs > 0 ? " and a head of " + outputs : "");
        if (need > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the config (" + what + ") has " + (need == Long.MAX_VALUE ? "over 2^63" : need)
                    + " parameters, more than one array holds (2^31 - 9)");
        }
        if (need > availableFloats && need > SMALL) {
            throw new IllegalArgumentException("the config (" + what + ") has " + need + " parameters, but " + file + " holds only "
                    + availableFloats + " values");
        }
    }

    /**
     * {@link #checkSize(int, int, long, String)} for the stack alone.
     *
     * @param availableFloats the values of all tensors in the file
     * @param file names the file in the message
     */
    public void checkSize(long availableFloats, String file) {
        checkSize(0, 0, availableFloats, file);
    }

    /**
     * The configuration in one line, e.g. {@code gru input=8 hidden=16 layers=2}.
     *
     * @return the description
     */
    public String describe() {
        String s = cell.id() + " input=" + input + " hidden=" + hidden + " layers=" + layers
                + (bidirectional ? " bidirectional" : "") + (bias ? "" : " bias=false");
        if (cell == CellKind.GRU) {
            s += " reset=" + (resetAfter ? "after" : "before") + " update=" + (zKeepsState ? "z-keeps-state" : "z-takes-candidate");
        }
        return s;
    }
}
