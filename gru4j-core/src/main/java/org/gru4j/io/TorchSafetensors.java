package org.gru4j.io;

import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Module;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code .safetensors}: a model with PyTorch's names and conventions, so that
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
 * The configuration rides along in {@code __metadata__} ({@link ConfigCodec}, format=pt), which PyTorch ignores and
 * gru4j reads back, so a SequenceModel round-trips whole; so do the file's own fields (a language model's lm.*).
 * Read: such a file, a .gru4j renamed, or a plain state_dict (the recurrent module found by its names, under
 * options.prefix or the only one).
 *
 * <p>PyTorch's GRU resets after the recurrent product and its z keeps the state. A GRU with the other update
 * convention converts exactly: z' = 1 − z = σ(−a), so its update-gate rows (H..2H in the r,z,n order) of W_ih, W_hh,
 * b_ih and b_hh are negated. A GRU that resets before the product has no nn.GRU equivalent and is refused.
 */
public final class TorchSafetensors implements ModelFormat {
    private static final Pattern RECURRENT = Pattern.compile("^(rnn\\.)?(weight_ih|weight_hh|bias_ih|bias_hh)_l\\d+(_reverse)?$");

    @Override
    public List<String> extensions() {
        return List.of(".safetensors");
    }

    @Override
    public String label() {
        return "safetensors, PyTorch names";
    }

    /**
     * The model in PyTorch's conventions: itself when it already is, else a copy with the update gate negated.
     *
     * @param model a Recurrent or a SequenceModel
     * @return the model in PyTorch's conventions
     */
    public static Module toPytorch(Module model) {
        RecurrentConfig r = model instanceof SequenceModel s ? s.config.recurrent() : ((Recurrent) model).config;
        if (r.cell() != CellKind.GRU || (r.resetAfter() && r.zKeepsState())) return model;
        if (!r.resetAfter()) {
            throw new IllegalArgumentException("a GRU that resets before the recurrent product (reset=before) has no PyTorch"
                    + " equivalent: nn.GRU resets after it. Keep it as .gru4j, or export .onnx (linear_before_reset=0)");
        }
        RecurrentConfig pr = new RecurrentConfig(r.cell(), r.input(), r.hidden(), r.layers(), r.bidirectional(), r.bias(), true, true);
        Module out = model instanceof SequenceModel s
                ? new SequenceModel(new SequenceModelConfig(s.config.vocab(), pr, s.config.dropout(), s.config.head(), s.config.outputs()))
                : new Recurrent(pr);
        Map<String, Tensor> sd = model.stateDict();
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
    @Override
    public void write(Path file, ModelFiles.Contents c) throws IOException {
        Module p = toPytorch(c.model());
        Safetensors.write(file, p.stateDict(), ConfigCodec.metadata(p, "pt", c.metadata()));
    }

    @Override
    public ModelFiles.Contents read(Path file, ModelFiles.Options options) throws IOException {
        return read(file, Safetensors.read(file), options, false);
    }

    /**
     * Any safetensors model file: a .gru4j (format=gru4j, with its training state), one with gru4j's config in its
     * metadata, or — unless {@code configRequired} — a plain state_dict, its recurrent module found by name.
     */
    static ModelFiles.Contents read(Path file, Safetensors.Contents st, ModelFiles.Options options, boolean configRequired)
            throws IOException {
        Map<String, String> m = st.metadata();
        if (options.prefix() == null || configRequired) {
            if (ModelFile.FORMAT.equals(m.get("format"))) return ModelFile.fromSafetensors(file, st);
            if (ConfigCodec.describesModel(m)) {
                Module model = ConfigCodec.build(file, m, st.values());
                ConfigCodec.loadChecked(file, model, st.tensors());
                return new ModelFiles.Contents(model, null, ConfigCodec.extra(m));
            }
            if (configRequired) return ModelFile.fromSafetensors(file, st);   // refuses, naming what is missing
        }
        try {
            return StateDict.contents(st.tensors(), options);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, e.getMessage(), e);
        }
    }
}
