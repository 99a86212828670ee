package org.gru4j.io;

import org.gru4j.nn.Param;
import org.gru4j.model.Head;
import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The native model file, {@code .gru4j}: a safetensors file (so any safetensors tool opens it) whose
 * {@code __metadata__} records the configuration, so that loading rebuilds exactly the model that was saved —
 * the same config, the same parameter bits, hence the same outputs.
 * <pre>
 * __metadata__  format=gru4j  format_version=1  model=recurrent|sequence
 *               cell input hidden layers bidirectional bias reset_after z_keeps_state   (RecurrentConfig)
 *               vocab dropout head outputs                                              (SequenceModelConfig)
 *               describe                     for people; not read back
 *               train.*                      a training checkpoint's metadata ({@link Checkpoint}), when saved with one
 * tensors       float32 parameters under their names, in the model's own conventions (a reset-before GRU stays one):
 *               Recurrent      weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, …_reverse, …
 *               SequenceModel  embedding.weight, rnn.weight_ih_l0, …, head.weight, head.bias
 *               optimizer.*, best.params, carry.h, carry.c   the checkpoint's tensors, when saved with one
 * </pre>
 * Every metadata value is a string (safetensors allows no other): integers in decimal, booleans true/false, dropout as
 * Double.toString writes it (which reads back to the same bits). A file of a newer format_version, a field that is
 * missing or malformed, a config the constructors reject, or a tensor missing, misshapen or unexpected is refused
 * with one line naming the file and the field or tensor.
 */
public final class ModelFile {
    private ModelFile() {}

    /** The format version this code writes and the newest it reads. */
    public static final int VERSION = 1;
    static final String FORMAT = "gru4j";
    private static final String TRAIN = "train.";

    /**
     * A model of either kind — exactly one of {@code recurrent} and {@code sequence} is set — and, when the file holds
     * one, its training state.
     */
    public record Contents(Recurrent recurrent, SequenceModel sequence, Checkpoint training) {
        public Contents {
            if ((recurrent == null) == (sequence == null)) throw new IllegalArgumentException("exactly one of recurrent and sequence model");
        }

        public static Contents of(Recurrent r) {
            return new Contents(r, null, null);
        }

        public static Contents of(SequenceModel m) {
            return new Contents(null, m, null);
        }

        /** The recurrent stack's configuration (the whole model's for a Recurrent). */
        public RecurrentConfig recurrentConfig() {
            return recurrent != null ? recurrent.config : sequence.config.recurrent();
        }

        public List<Param> parameters() {
            return recurrent != null ? recurrent.parameters() : sequence.parameters();
        }

        public float[] params() {
            return recurrent != null ? recurrent.params : sequence.params;
        }

        public Map<String, Tensor> stateDict() {
            return recurrent != null ? recurrent.stateDict() : sequence.stateDict();
        }

        public String describe() {
            return recurrent != null ? recurrent.config.describe() : sequence.config.describe();
        }

        /** Sets the parameters from tensors under their names; a missing, misshapen or unexpected one throws, naming it. */
        public void load(Map<String, Tensor> tensors) {
            if (recurrent != null) recurrent.load(tensors);
            else sequence.load(tensors);
        }
    }

    public static void save(Path file, Recurrent model) throws IOException {
        save(file, Contents.of(model));
    }

    public static void save(Path file, SequenceModel model) throws IOException {
        save(file, Contents.of(model));
    }

    /** A sequence model with its training state (e.g. {@code trainer.checkpoint()}), so training can resume from the file. */
    public static void save(Path file, SequenceModel model, Checkpoint training) throws IOException {
        save(file, new Contents(null, model, training));
    }

    /** Writes the model (and its training state when {@code c.training()} is set) atomically. */
    public static void save(Path file, Contents c) throws IOException {
        Map<String, Tensor> tensors = c.stateDict();
        Map<String, String> meta = metadata(c, FORMAT);
        if (c.training() != null) {
            for (Map.Entry<String, float[]> e : c.training().optimizer().entrySet()) {
                if (e.getValue().length != c.params().length) {
                    throw new IllegalArgumentException("optimizer state '" + e.getKey() + "' holds " + e.getValue().length
                            + " values, the model has " + c.params().length + " parameters: not this model's training state");
                }
            }
            for (Map.Entry<String, Tensor> e : c.training().tensors().entrySet()) {
                // the checkpoint's parameters are the model's: written once, under the model's names
                if (!tensors.containsKey(e.getKey())) tensors.put(e.getKey(), e.getValue());
            }
            for (Map.Entry<String, String> e : c.training().metadata().entrySet()) meta.put(TRAIN + e.getKey(), e.getValue());
        }
        Safetensors.write(file, tensors, meta);
    }

    /** Reads a .gru4j file back into the model it was saved from (and its training state, when it holds one). */
    public static Contents load(Path file) throws IOException {
        Safetensors.Contents st = Safetensors.read(file);
        Map<String, String> m = st.metadata();
        String format = m.get("format");
        if (format == null) {
            throw new ModelFormatException(file, "no gru4j metadata (field 'format' is missing): not a .gru4j model file"
                    + " (a PyTorch state_dict converts with `gru4j convert`)");
        }
        if (!format.equals(FORMAT)) {
            throw new ModelFormatException(file, "metadata field 'format' is '" + format + "', expected '" + FORMAT + "': not a .gru4j model file");
        }
        Contents c = build(file, m);
        Map<String, Tensor> params = new LinkedHashMap<>(), training = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : st.tensors().entrySet()) {
            String k = e.getKey();
            boolean isTraining = k.startsWith("optimizer.") || k.equals("best.params") || k.equals("carry.h") || k.equals("carry.c");
            (isTraining ? training : params).put(k, e.getValue());
        }
        loadChecked(file, c, params);
        Map<String, String> trainMeta = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (e.getKey().startsWith(TRAIN)) trainMeta.put(e.getKey().substring(TRAIN.length()), e.getValue());
        }
        if (trainMeta.isEmpty()) {
            if (!training.isEmpty()) {
                throw new ModelFormatException(file, "tensor '" + training.keySet().iterator().next()
                        + "' is training state, but the metadata has no train.* fields");
            }
            return c;
        }
        int count = c.params().length;
        for (Map.Entry<String, Tensor> e : training.entrySet()) {
            if (e.getKey().startsWith("optimizer.") || e.getKey().equals("best.params")) {
                if (!Arrays.equals(e.getValue().shape, new int[]{count})) {
                    throw new ModelFormatException(file, "tensor '" + e.getKey() + "' has shape " + e.getValue().shapeString()
                            + ", expected [" + count + "] (one value per parameter of " + c.describe() + ")");
                }
            }
        }
        Map<String, Tensor> all = new LinkedHashMap<>(c.stateDict());
        all.putAll(training);
        return new Contents(c.recurrent(), c.sequence(), Checkpoint.of(file, all, trainMeta));
    }

    /** Loads parameters into c, each name and shape checked against the config first so the message can name both. */
    public static void loadChecked(Path file, Contents c, Map<String, Tensor> tensors) throws ModelFormatException {
        for (Param p : c.parameters()) {
            Tensor t = tensors.get(p.name());
            if (t == null) throw new ModelFormatException(file, "tensor '" + p.name() + "' is missing (the config describes " + c.describe() + ")");
            if (!Arrays.equals(t.shape, p.shape())) {
                throw new ModelFormatException(file, "tensor '" + p.name() + "' has shape " + t.shapeString() + ", the config ("
                        + c.describe() + ") expects " + Arrays.toString(p.shape()));
            }
        }
        for (String name : tensors.keySet()) {
            if (c.parameters().stream().noneMatch(p -> p.name().equals(name))) {
                throw new ModelFormatException(file, "unexpected tensor '" + name + "' (the config describes " + c.describe() + ")");
            }
        }
        c.load(tensors);
    }

    /** The configuration as metadata fields, in the order a reader sees them, under the given 'format'. */
    public static Map<String, String> metadata(Contents c, String format) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", format);
        m.put("format_version", Integer.toString(VERSION));
        m.put("model", c.recurrent() != null ? "recurrent" : "sequence");
        RecurrentConfig r = c.recurrentConfig();
        m.put("cell", r.cell().id());
        m.put("input", Integer.toString(r.input()));
        m.put("hidden", Integer.toString(r.hidden()));
        m.put("layers", Integer.toString(r.layers()));
        m.put("bidirectional", Boolean.toString(r.bidirectional()));
        m.put("bias", Boolean.toString(r.bias()));
        m.put("reset_after", Boolean.toString(r.resetAfter()));
        m.put("z_keeps_state", Boolean.toString(r.zKeepsState()));
        if (c.sequence() != null) {
            SequenceModelConfig s = c.sequence().config;
            m.put("vocab", Integer.toString(s.vocab()));
            m.put("dropout", Double.toString(s.dropout()));
            m.put("head", s.head().name().toLowerCase(Locale.ROOT));
            m.put("outputs", Integer.toString(s.outputs()));
        }
        m.put("describe", c.describe());
        return m;
    }

    /** A model with zero parameters, of the configuration the metadata fields give; the fields are checked one by one. */
    public static Contents build(Path file, Map<String, String> m) throws ModelFormatException {
        String v = field(file, m, "format_version");
        int version;
        try {
            version = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ModelFormatException(file, "metadata field 'format_version' is '" + v + "', expected an integer");
        }
        if (version > VERSION) {
            throw new ModelFormatException(file, "format_version " + version + " is newer than this gru4j reads (" + VERSION
                    + "): update gru4j to load it");
        }
        if (version < 1) throw new ModelFormatException(file, "metadata field 'format_version' is " + version + ", expected 1.." + VERSION);
        String kind = field(file, m, "model");
        if (!kind.equals("recurrent") && !kind.equals("sequence")) {
            throw new ModelFormatException(file, "metadata field 'model' is '" + kind + "', expected recurrent or sequence");
        }
        CellKind cell;
        try {
            cell = CellKind.parse(field(file, m, "cell"));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "metadata field 'cell': " + e.getMessage());
        }
        RecurrentConfig rc;
        try {
            rc = new RecurrentConfig(cell, integer(file, m, "input"), integer(file, m, "hidden"), integer(file, m, "layers"),
                    bool(file, m, "bidirectional"), bool(file, m, "bias"), bool(file, m, "reset_after"), bool(file, m, "z_keeps_state"));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "inconsistent config: " + e.getMessage());
        }
        if (kind.equals("recurrent")) {
            try {
                return Contents.of(new Recurrent(rc));
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(file, "inconsistent config: " + e.getMessage());
            }
        }
        String d = field(file, m, "dropout"), h = field(file, m, "head");
        double dropout;
        try {
            dropout = Double.parseDouble(d);
        } catch (NumberFormatException e) {
            throw new ModelFormatException(file, "metadata field 'dropout' is '" + d + "', expected a number");
        }
        Head head;
        try {
            head = Head.valueOf(h.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "metadata field 'head' is '" + h + "', expected per_step or last_step");
        }
        try {
            return Contents.of(new SequenceModel(new SequenceModelConfig(integer(file, m, "vocab"), rc, dropout, head, integer(file, m, "outputs"))));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ModelFormatException(file, "inconsistent config: " + e.getMessage());
        }
    }

    private static String field(Path file, Map<String, String> m, String name) throws ModelFormatException {
        String v = m.get(name);
        if (v == null) throw new ModelFormatException(file, "metadata field '" + name + "' is missing");
        return v;
    }

    private static int integer(Path file, Map<String, String> m, String name) throws ModelFormatException {
        String v = field(file, m, name);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ModelFormatException(file, "metadata field '" + name + "' is '" + v + "', expected an integer");
        }
    }

    private static boolean bool(Path file, Map<String, String> m, String name) throws ModelFormatException {
        String v = field(file, m, name);
        if (v.equals("true")) return true;
        if (v.equals("false")) return false;
        throw new ModelFormatException(file, "metadata field '" + name + "' is '" + v + "', expected true or false");
    }
}
