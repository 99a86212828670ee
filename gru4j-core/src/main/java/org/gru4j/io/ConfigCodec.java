package org.gru4j.io;

import org.gru4j.model.Head;
import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Module;
import org.gru4j.nn.Param;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A model's configuration as string fields, and back: the one codec of every format that stores one (.gru4j and
 * .safetensors {@code __metadata__}, ONNX {@code metadata_props}, the Flink operator's serialized model).
 * <pre>
 * format=gru4j|pt  format_version=1  model=recurrent|sequence
 * cell input hidden layers bidirectional bias reset_after z_keeps_state   (RecurrentConfig)
 * vocab dropout head outputs                                              (SequenceModelConfig)
 * describe                                                                for people; not read back
 * </pre>
 * Every value is a string: integers in decimal, booleans true/false, dropout as Double.toString writes it (which reads
 * back to the same bits). A character language model keeps its own layout ({@code format=gru4j-char-lm}: cell,
 * hidden, layers, embedding, and vocab as a JSON array of characters): an embedding → stack → per-step head over the
 * vocabulary. A field that is missing or malformed, or a config the constructors reject, is refused in one line
 * naming the file and the field.
 */
public final class ConfigCodec {
    private ConfigCodec() {}

    /** The format version this code writes and the newest it reads. */
    public static final int VERSION = 1;
    /** format of a character language model's file (org.gru4j.lm.CharModel). */
    public static final String CHAR_LM = "gru4j-char-lm";
    /** The fields this codec owns: anything else in a file's metadata is the file's own (see {@link ModelFiles.Contents}). */
    static final Set<String> FIELDS = Set.of("format", "format_version", "model", "cell", "input", "hidden", "layers",
            "bidirectional", "bias", "reset_after", "z_keeps_state", "vocab", "dropout", "head", "outputs", "describe");

    /**
     * The configuration as fields, in the order a reader sees them, under the given 'format'.
     *
     * @param model a Recurrent or a SequenceModel
     * @param format the layout of the fields: "gru4j", "pt" or {@link #CHAR_LM}
     * @return field → value
     */
    public static Map<String, String> fields(Module model, String format) {
        Map<String, String> m = new LinkedHashMap<>();
        if (format.equals(CHAR_LM)) return charLmFields(model);
        m.put("format", format);
        m.put("format_version", Integer.toString(VERSION));
        SequenceModel seq = model instanceof SequenceModel s ? s : null;
        m.put("model", seq == null ? "recurrent" : "sequence");
        RecurrentConfig r = seq != null ? seq.config.recurrent() : ((Recurrent) model).config;
        m.put("cell", r.cell().id());
        m.put("input", Integer.toString(r.input()));
        m.put("hidden", Integer.toString(r.hidden()));
        m.put("layers", Integer.toString(r.layers()));
        m.put("bidirectional", Boolean.toString(r.bidirectional()));
        m.put("bias", Boolean.toString(r.bias()));
        m.put("reset_after", Boolean.toString(r.resetAfter()));
        m.put("z_keeps_state", Boolean.toString(r.zKeepsState()));
        if (seq != null) {
            SequenceModelConfig s = seq.config;
            m.put("vocab", Integer.toString(s.vocab()));
            m.put("dropout", Double.toString(s.dropout()));
            m.put("head", s.head().name().toLowerCase(Locale.ROOT));
            m.put("outputs", Integer.toString(s.outputs()));
        }
        m.put("describe", model.describe());
        return m;
    }

    /** A token model in gru4j 0.1's character-model layout: cell, hidden, layers, embedding (the vocabulary is the caller's). */
    private static Map<String, String> charLmFields(Module model) {
        if (!(model instanceof SequenceModel s) || !s.config.tokens() || s.config.head() != Head.PER_STEP
                || s.config.outputs() != s.config.vocab() || s.config.recurrent().bidirectional() || !s.config.recurrent().bias()) {
            throw new IllegalArgumentException("only a next-token model is a character model, not " + model.describe());
        }
        RecurrentConfig r = s.config.recurrent();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", CHAR_LM);
        m.put("format_version", "1");
        m.put("cell", r.cell().id());
        m.put("hidden", Integer.toString(r.hidden()));
        m.put("layers", Integer.toString(r.layers()));
        m.put("embedding", Integer.toString(r.input()));
        return m;
    }

    /**
     * The fields of a file's metadata with the configuration written in the layout its 'format' asks for (the
     * default, or {@link #CHAR_LM} when the file's own fields say so), then the file's own fields.
     */
    static Map<String, String> metadata(Module model, String defaultFormat, Map<String, String> own) {
        Map<String, String> m = fields(model, own.getOrDefault("format", defaultFormat));
        for (Map.Entry<String, String> e : own.entrySet()) if (!e.getKey().equals("format")) m.put(e.getKey(), e.getValue());
        return m;
    }

    /**
     * The fields of a file's metadata that are not the configuration's (nor a training checkpoint's {@code train.*}).
     *
     * @param metadata a file's metadata
     * @return the other fields, in order
     */
    public static Map<String, String> extra(Map<String, String> metadata) {
        Map<String, String> out = new LinkedHashMap<>();
        if (CHAR_LM.equals(metadata.get("format"))) {
            // the layout is part of what the file says: written back the same way
            out.put("format", CHAR_LM);
            for (String k : List.of("seq_len", "vocab", "val_bpc")) if (metadata.containsKey(k)) out.put(k, metadata.get(k));
            return out;
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (!FIELDS.contains(e.getKey()) && !e.getKey().startsWith("train.")) out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * Whether the metadata holds a configuration this codec reads.
     *
     * @param m a file's metadata
     * @return true when it names a model
     */
    public static boolean describesModel(Map<String, String> m) {
        return CHAR_LM.equals(m.get("format")) || m.containsKey("format_version") && m.containsKey("model");
    }

    /**
     * A model with zero parameters, of the configuration the fields give; the fields are checked one by one, and the
     * config's size against the values the file holds ({@link RecurrentConfig#checkSize}) before anything is built.
     *
     * @param file names the file in messages
     * @param m the configuration fields
     * @param availableFloats the values the file's tensors hold
     * @return the model, all parameters zero
     * @throws ModelFormatException naming the field that is missing or malformed, or the size that is too large
     */
    public static Module build(Path file, Map<String, String> m, long availableFloats) throws ModelFormatException {
        if (CHAR_LM.equals(m.get("format"))) return buildCharLm(file, m, availableFloats);
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
        RecurrentConfig rc;
        try {
            rc = new RecurrentConfig(cell(file, m), integer(file, m, "input"), integer(file, m, "hidden"), integer(file, m, "layers"),
                    bool(file, m, "bidirectional"), bool(file, m, "bias"), bool(file, m, "reset_after"), bool(file, m, "z_keeps_state"));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "inconsistent config: " + e.getMessage());
        }
        if (kind.equals("recurrent")) {
            try {
                rc.checkSize(availableFloats, file.toString());
                return new Recurrent(rc);
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
            SequenceModelConfig sc = new SequenceModelConfig(integer(file, m, "vocab"), rc, dropout, head, integer(file, m, "outputs"));
            rc.checkSize(sc.vocab(), sc.outputs(), availableFloats, file.toString());
            return new SequenceModel(sc);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ModelFormatException(file, "inconsistent config: " + e.getMessage());
        }
    }

    /** A character model: embedding (V,E) → stack → per-step head over V, V the length of the vocab array. */
    private static Module buildCharLm(Path file, Map<String, String> m, long availableFloats) throws ModelFormatException {
        if (!"1".equals(m.get("format_version"))) {
            throw new ModelFormatException(file, "character model format version " + m.get("format_version") + " is not supported (1 is)");
        }
        int vocab;
        try {
            Object v = Json.parse(field(file, m, "vocab"));
            if (!(v instanceof List<?> list) || !list.stream().allMatch(s -> s instanceof String)) {
                throw new ModelFormatException(file, "metadata 'vocab' is not a JSON array of strings");
            }
            vocab = list.size();
        } catch (Json.ParseException e) {
            throw new ModelFormatException(file, "metadata 'vocab': " + e.getMessage());
        }
        if (vocab < 1) throw new ModelFormatException(file, "metadata 'vocab' is empty");
        try {
            SequenceModelConfig sc = SequenceModelConfig.nextToken(cell(file, m), vocab, positive(file, m, "embedding"),
                    positive(file, m, "hidden"), positive(file, m, "layers"));
            sc.recurrent().checkSize(sc.vocab(), sc.outputs(), availableFloats, file.toString());
            return new SequenceModel(sc);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ModelFormatException(file, "inconsistent config: " + e.getMessage());
        }
    }

    /**
     * Loads parameters into the model, each name and shape checked against the config first so that the message
     * names both, and every value finite; nothing is loaded when anything is wrong.
     *
     * @param file names the file in messages
     * @param model the model to fill
     * @param tensors name → tensor
     * @throws ModelFormatException naming the tensor that is missing, misshapen, unexpected or not finite
     */
    public static void loadChecked(Path file, Module model, Map<String, Tensor> tensors) throws ModelFormatException {
        Set<String> names = new HashSet<>();
        for (Param p : model.parameters()) {
            names.add(p.name());
            Tensor t = tensors.get(p.name());
            if (t == null) throw new ModelFormatException(file, "tensor '" + p.name() + "' is missing (the config describes " + model.describe() + ")");
            if (!Arrays.equals(t.shape, p.shape())) {
                throw new ModelFormatException(file, "tensor '" + p.name() + "' has shape " + t.shapeString() + ", the config ("
                        + model.describe() + ") expects " + Arrays.toString(p.shape()));
            }
        }
        for (String name : tensors.keySet()) {
            if (!names.contains(name)) {
                throw new ModelFormatException(file, "unexpected tensor '" + name + "' (the config describes " + model.describe() + ")");
            }
        }
        try {
            StateDict.requireFinite(tensors);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, e.getMessage());
        }
        model.load(tensors);
    }

    private static CellKind cell(Path file, Map<String, String> m) throws ModelFormatException {
        try {
            return CellKind.parse(field(file, m, "cell"));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "metadata field 'cell': " + e.getMessage());
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

    private static int positive(Path file, Map<String, String> m, String name) throws ModelFormatException {
        int i = integer(file, m, name);
        if (i < 1) throw new ModelFormatException(file, "metadata field '" + name + "' is " + i + ", expected a positive integer");
        return i;
    }

    private static boolean bool(Path file, Map<String, String> m, String name) throws ModelFormatException {
        String v = field(file, m, name);
        if (v.equals("true")) return true;
        if (v.equals("false")) return false;
        throw new ModelFormatException(file, "metadata field '" + name + "' is '" + v + "', expected true or false");
    }
}
