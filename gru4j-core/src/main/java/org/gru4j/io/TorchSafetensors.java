package org.gru4j.io;

import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.nn.StateDict;
import org.gru4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A model as a safetensors file with PyTorch's names and conventions, so that
 * {@code module.load_state_dict(safetensors.torch.load_file(f), strict=True)} takes it as it is:
 * <pre>
 * Recurrent      → nn.GRU / nn.LSTM / nn.RNN(input, hidden, layers, bias=…, bidirectional=…[, nonlinearity=…])
 *                  weight_ih_l0 (G·H, I), weight_hh_l0 (G·H, H), bias_ih_l0, bias_hh_l0 (G·H), …_reverse
 * SequenceModel  → the module SequenceModel in scripts/gru4j_torch.py, attributes in this order:
 *                  embedding = nn.Embedding(vocab, input)                  (only when vocab &gt; 0)
 *                  rnn       = nn.GRU|LSTM|RNN(input, hidden, layers, bias=…, dropout=…, bidirectional=…)
 *                  head      = nn.Linear(D·H, outputs)   per_step: head(y);  last_step: head(h_n of the last layer,
 *                              directions concatenated, (B, D·H))
 * </pre>
 * The configuration rides along in {@code __metadata__} (format=pt and {@link ModelFile}'s fields), which PyTorch
 * ignores and gru4j reads back, so a SequenceModel round-trips whole.
 *
 * <p>PyTorch's GRU resets after the recurrent product and its z keeps the state. A GRU with the other update
 * convention converts exactly: z' = 1 − z = σ(−a), so its update-gate rows (H..2H in the r,z,n order) of W_ih, W_hh,
 * b_ih and b_hh are negated. A GRU that resets before the product has no nn.GRU equivalent and is refused.
 */
public final class TorchSafetensors {
    private TorchSafetensors() {}

    private static final Pattern RECURRENT = Pattern.compile("^(rnn\\.)?(weight_ih|weight_hh|bias_ih|bias_hh)_l\\d+(_reverse)?$");

    /** The model in PyTorch's conventions: itself when it already is, else a copy with the update gate negated. */
    public static ModelFile.Contents toPytorch(ModelFile.Contents c) {
        RecurrentConfig r = c.recurrentConfig();
        if (r.cell() != CellKind.GRU || (r.resetAfter() && r.zKeepsState())) return c;
        if (!r.resetAfter()) {
            throw new IllegalArgumentException("a GRU that resets before the recurrent product (reset=before) has no PyTorch"
                    + " equivalent: nn.GRU resets after it. Keep it as .gru4j, or export .onnx (linear_before_reset=0)");
        }
        RecurrentConfig pr = new RecurrentConfig(r.cell(), r.input(), r.hidden(), r.layers(), r.bidirectional(), r.bias(), true, true);
        ModelFile.Contents out = c.recurrent() != null ? ModelFile.Contents.of(new Recurrent(pr))
                : ModelFile.Contents.of(new SequenceModel(new SequenceModelConfig(c.sequence().config.vocab(), pr,
                c.sequence().config.dropout(), c.sequence().config.head(), c.sequence().config.outputs())));
        Map<String, Tensor> sd = c.stateDict();
        final int H = r.hidden();
        for (Map.Entry<String, Tensor> e : sd.entrySet()) {
            if (!RECURRENT.matcher(e.getKey()).matches()) continue;
            // rows H..2H of a (3H, cols) matrix or a (3H) bias: z = σ(a) → z' = σ(−a) = 1 − z
            float[] d = e.getValue().data;
            int cols = d.length / (3 * H);
            for (int i = H * cols; i < 2 * H * cols; i++) d[i] = -d[i];
        }
        out.load(sd);
        return out;
    }

    /** Writes the model's PyTorch state_dict (converted as {@link #toPytorch} says) with its config in the metadata. */
    public static void write(Path file, ModelFile.Contents c) throws IOException {
        ModelFile.Contents p = toPytorch(c);
        Map<String, String> meta = ModelFile.metadata(p, "pt");
        Safetensors.write(file, p.stateDict(), meta);
    }

    /**
     * A safetensors file as a model: whole, when its metadata carries gru4j's config (as {@link #write} leaves it);
     * otherwise the recurrent module found by its PyTorch names (under {@code prefix}, or the only one).
     *
     * @param relu for a plain RNN without config metadata: relu instead of tanh
     */
    public static ModelFile.Contents read(Path file, String prefix, boolean relu) throws IOException {
        Safetensors.Contents st = Safetensors.read(file);
        if (ModelFile.FORMAT.equals(st.metadata().get("format")) && prefix == null) return ModelFile.load(file);   // a .gru4j renamed
        if (st.metadata().containsKey("format_version") && st.metadata().containsKey("model") && prefix == null) {
            ModelFile.Contents c = ModelFile.build(file, st.metadata(), st.values());
            ModelFile.loadChecked(file, c, st.tensors());
            return c;
        }
        try {
            return ModelFile.Contents.of(StateDict.toRecurrent(st.tensors(), prefix, relu));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, e.getMessage(), e);
        }
    }
}
