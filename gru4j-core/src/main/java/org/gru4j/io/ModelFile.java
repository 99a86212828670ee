package org.gru4j.io;

import org.gru4j.nn.Module;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The native model file, {@code .gru4j}: a safetensors file (so any safetensors tool opens it) whose
 * {@code __metadata__} records the configuration ({@link ConfigCodec}, format=gru4j), so that loading rebuilds exactly
 * the model that was saved — the same config, the same parameter bits, hence the same outputs.
 * <pre>
 * __metadata__  the config fields (ConfigCodec)
 *               train.*                      a training checkpoint's metadata ({@link Checkpoint}), when saved with one
 *               anything else                the file's own fields (e.g. lm.vocab), kept as they are
 * tensors       float32 parameters under their names, in the model's own conventions (a reset-before GRU stays one):
 *               Recurrent      weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, …_reverse, …
 *               SequenceModel  embedding.weight, rnn.weight_ih_l0, …, head.weight, head.bias
 *               optimizer.*, best.params, carry.h, carry.c   the checkpoint's tensors, when saved with one
 * </pre>
 * A file of a newer format_version, a field that is missing or malformed, a config the constructors reject, or a tensor
 * missing, misshapen or unexpected is refused with one line naming the file and the field or tensor.
 */
public final class ModelFile implements ModelFormat {
    static final String FORMAT = "gru4j";
    private static final String TRAIN = "train.";

    @Override
    public List<String> extensions() {
        return List.of(".gru4j");
    }

    @Override
    public String label() {
        return "gru4j model file";
    }

    @Override
    public ModelFiles.Contents read(Path file, ModelFiles.Options options) throws IOException {
        if (options.prefix() != null) throw new IllegalArgumentException("--prefix does not apply to a .gru4j file (" + file.getFileName() + ")");
        return TorchSafetensors.read(file, Safetensors.read(file), options, true);
    }

    @Override
    public void write(Path file, ModelFiles.Contents contents) throws IOException {
        save(file, contents);
    }

    /**
     * Writes the model alone, atomically.
     *
     * @param file the .gru4j file
     * @param model a Recurrent or a SequenceModel
     * @throws IOException when writing fails
     */
    public static void save(Path file, Module model) throws IOException {
        save(file, ModelFiles.Contents.of(model));
    }

    /**
     * A model with its training state (e.g. {@code trainer.checkpoint()}), so training can resume from the file.
     *
     * @param file the .gru4j file
     * @param model a Recurrent or a SequenceModel
     * @param training its training state
     * @throws IOException when writing fails
     */
    public static void save(Path file, Module model, Checkpoint training) throws IOException {
        save(file, new ModelFiles.Contents(model, training, Map.of()));
    }

    /**
     * Writes the model (and its training state when {@code c.training()} is set, and its own metadata) atomically.
     *
     * @param file the .gru4j file
     * @param c the model and what it carries
     * @throws IOException when writing fails
     */
    public static void save(Path file, ModelFiles.Contents c) throws IOException {
        Map<String, Tensor> tensors = c.model().stateDict();
        Map<String, String> meta = ConfigCodec.metadata(c.model(), FORMAT, c.metadata());
        if (c.training() != null) {
            int count = c.model().parameterCount();
            for (Map.Entry<String, float[]> e : c.training().optimizer().entrySet()) {
                if (e.getValue().length != count) {
                    throw new IllegalArgumentException("optimizer state '" + e.getKey() + "' holds " + e.getValue().length
                            + " values, the model has " + count + " parameters: not this model's training state");
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

    /**
     * Reads a .gru4j file back into the model it was saved from (and its training state, when it holds one).
     *
     * @param file the .gru4j file
     * @return the model, its training state (or null) and its other metadata
     * @throws IOException when the file cannot be read or is refused, naming the field or tensor
     */
    public static ModelFiles.Contents load(Path file) throws IOException {
        return fromSafetensors(file, Safetensors.read(file));
    }

    /** A safetensors file that says format=gru4j, whatever its extension. */
    static ModelFiles.Contents fromSafetensors(Path file, Safetensors.Contents st) throws IOException {
        Map<String, String> m = st.metadata();
        String format = m.get("format");
        if (format == null) {
            throw new ModelFormatException(file, "no gru4j metadata (field 'format' is missing): not a .gru4j model file"
                    + " (a PyTorch state_dict converts with `gru4j convert`)");
        }
        if (!format.equals(FORMAT)) {
            throw new ModelFormatException(file, "metadata field 'format' is '" + format + "', expected '" + FORMAT + "': not a .gru4j model file");
        }
        Module model = ConfigCodec.build(file, m, st.values());
        Map<String, Tensor> params = new LinkedHashMap<>(), training = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : st.tensors().entrySet()) {
            String k = e.getKey();
            boolean isTraining = k.startsWith("optimizer.") || k.equals("best.params") || k.equals("carry.h") || k.equals("carry.c");
            (isTraining ? training : params).put(k, e.getValue());
        }
        ConfigCodec.loadChecked(file, model, params);
        Map<String, String> trainMeta = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (e.getKey().startsWith(TRAIN)) trainMeta.put(e.getKey().substring(TRAIN.length()), e.getValue());
        }
        Map<String, String> extra = ConfigCodec.extra(m);
        if (trainMeta.isEmpty()) {
            if (!training.isEmpty()) {
                throw new ModelFormatException(file, "tensor '" + training.keySet().iterator().next()
                        + "' is training state, but the metadata has no train.* fields");
            }
            return new ModelFiles.Contents(model, null, extra);
        }
        int count = model.parameterCount();
        for (Map.Entry<String, Tensor> e : training.entrySet()) {
            if (e.getKey().startsWith("optimizer.") || e.getKey().equals("best.params")) {
                if (!Arrays.equals(e.getValue().shape, new int[]{count})) {
                    throw new ModelFormatException(file, "tensor '" + e.getKey() + "' has shape " + e.getValue().shapeString()
                            + ", expected [" + count + "] (one value per parameter of " + model.describe() + ")");
                }
            }
        }
        Map<String, Tensor> all = new LinkedHashMap<>(model.stateDict());
        all.putAll(training);
        return new ModelFiles.Contents(model, CheckpointFile.of(file, all, trainMeta), extra);
    }
}
