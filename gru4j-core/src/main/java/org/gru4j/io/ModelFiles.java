package org.gru4j.io;

import org.gru4j.model.SequenceModel;
import org.gru4j.nn.Module;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.train.Checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The one way in and out of model files: a file's extension picks its {@link ModelFormat}, which reads or writes the
 * model, with its training state and metadata where the format keeps them.
 * <pre>
 * .pt .pth      a torch.save'd state_dict of nn.GRU/LSTM/RNN (or a model holding one: options.prefix)   read
 * .safetensors  PyTorch's names (load_state_dict takes it), gru4j's config in __metadata__             read, write
 * .gru4j        gru4j's native file: safetensors + config (+ training state)                           read, write
 * .onnx         gru4j-onnx, when on the class path: a recurrent stack or a gru4j sequence model       read, write
 * </pre>
 * <pre>
 * ModelFiles.Contents c = ModelFiles.read(Path.of("gru.pt"));     // c.model() is a Recurrent or a SequenceModel
 * ModelFiles.write(Path.of("gru.gru4j"), c);                      // atomic: a failure leaves no file
 * </pre>
 */
public final class ModelFiles {
    private ModelFiles() {}

    /**
     * A model and what its file carried with it.
     *
     * @param model    a {@link Recurrent} or a {@link SequenceModel}
     * @param training the training state (a .gru4j saved with one), or null
     * @param metadata the file's own fields beyond the configuration (a language model's vocab, seq_len, val_bpc);
     *                 empty when there are none. Written back by the formats that keep metadata; a 'format' here
     *                 chooses the layout of the configuration fields ({@link ConfigCodec#CHAR_LM}).
     * @param unused   tensors of the file that are not part of the model: a state_dict of a larger network holds its
     *                 other layers (an embedding, a head) but not how they connect, so only the recurrent module is
     *                 read; empty for gru4j's own files
     */
    public record Contents(Module model, Checkpoint training, Map<String, String> metadata, List<String> unused) {
        /**
         * Checks the model's kind and copies the metadata (null: none).
         *
         * @throws IllegalArgumentException when the model is neither a Recurrent nor a SequenceModel
         */
        public Contents {
            if (!(model instanceof Recurrent) && !(model instanceof SequenceModel)) {
                throw new IllegalArgumentException("a model file holds a Recurrent or a SequenceModel, not " + model);
            }
            metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
            unused = unused == null ? List.of() : List.copyOf(unused);
        }

        /**
         * Contents that leave no tensor of the file out.
         *
         * @param model    a Recurrent or a SequenceModel
         * @param training the training state, or null
         * @param metadata the file's own fields, or null
         */
        public Contents(Module model, Checkpoint training, Map<String, String> metadata) {
            this(model, training, metadata, List.of());
        }

        /**
         * A model alone: no training state, no metadata.
         *
         * @param model a Recurrent or a SequenceModel
         * @return the contents
         */
        public static Contents of(Module model) {
            return new Contents(model, null, Map.of());
        }

        /**
         * The model when it is a bare recurrent module, else null.
         *
         * @return the Recurrent, or null
         */
        public Recurrent recurrent() {
            return model instanceof Recurrent r ? r : null;
        }

        /**
         * The model when it is a sequence model, else null.
         *
         * @return the SequenceModel, or null
         */
        public SequenceModel sequence() {
            return model instanceof SequenceModel s ? s : null;
        }

        /**
         * The recurrent stack's configuration (the whole model's for a Recurrent).
         *
         * @return the configuration
         */
        public RecurrentConfig recurrentConfig() {
            return model instanceof SequenceModel s ? s.config.recurrent() : ((Recurrent) model).config;
        }

        /**
         * One line on the {@link #unused} tensors for a reader ("3 tensors outside the recurrent module: emb.weight,
         * fc.weight, fc.bias"; at most 6 names), or null when there are none.
         *
         * @return the line, or null
         */
        public String unusedNote() {
            if (unused.isEmpty()) return null;
            List<String> shown = unused.size() > 6 ? unused.subList(0, 6) : unused;
            return unused.size() + " tensor" + (unused.size() == 1 ? "" : "s") + " outside the recurrent module: "
                    + Untrusted.text(String.join(", ", shown)) + (unused.size() > 6 ? ", … " + (unused.size() - 6) + " more" : "");
        }

        /**
         * The same without the training state.
         *
         * @return the contents
         */
        public Contents withoutTraining() {
            return new Contents(model, null, metadata, unused);
        }
    }

    /**
     * What a state_dict cannot tell, named: {@code Options.NONE.withPrefix("encoder.rnn.").withRelu(true)}.
     *
     * @param prefix the key prefix of the recurrent module when the file holds several ({@code rnn.}); null: the only one
     * @param relu   a plain RNN uses relu (the state_dict does not record it); false: tanh
     */
    public record Options(String prefix, boolean relu) {
        /** The single recurrent module in the file; a plain RNN uses tanh. */
        public static final Options NONE = new Options(null, false);

        /**
         * @param prefix the key prefix of the recurrent module ("rnn." or "rnn"); null: the only one
         * @return these options with that prefix
         */
        public Options withPrefix(String prefix) {
            return new Options(prefix, relu);
        }

        /**
         * @param relu a plain RNN uses relu (true) or tanh (false)
         * @return these options with that nonlinearity
         */
        public Options withRelu(boolean relu) {
            return new Options(prefix, relu);
        }
    }

    private static final List<ModelFormat> FORMATS = formats();

    private static List<ModelFormat> formats() {
        List<ModelFormat> all = new ArrayList<>(List.of(new TorchPt(), new TorchSafetensors(), new ModelFile()));
        for (ModelFormat f : ServiceLoader.load(ModelFormat.class, ModelFiles.class.getClassLoader())) all.add(f);
        return List.copyOf(all);
    }

    /**
     * The formats known here, in the order above.
     *
     * @return every format
     */
    public static List<ModelFormat> all() {
        return FORMATS;
    }

    /**
     * The format of a file, by its extension; an unknown one is refused, naming the known extensions.
     *
     * @param file a model file
     * @return its format
     */
    public static ModelFormat format(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<String> known = new ArrayList<>();
        for (ModelFormat f : FORMATS) {
            for (String ext : f.extensions()) {
                if (name.endsWith(ext)) return f;
                known.add(ext);
            }
        }
        int dot = name.lastIndexOf('.');
        throw new IllegalArgumentException(file + ": unknown model format " + (dot < 0 ? "(no extension)" : "'" + name.substring(dot) + "'")
                + " (expected " + String.join(", ", known) + ")");
    }

    /**
     * The model in a file, by the file's extension, with no options.
     *
     * @param file the model file
     * @return the model and what the file carried with it
     * @throws IOException when the file cannot be read or is refused, naming the file
     */
    public static Contents read(Path file) throws IOException {
        return read(file, Options.NONE);
    }

    /**
     * The model in a file, by the file's extension.
     *
     * @param file the model file
     * @param options what a state_dict cannot tell
     * @return the model and what the file carried with it
     * @throws IOException when the file cannot be read or is refused, naming the file
     */
    public static Contents read(Path file, Options options) throws IOException {
        if (Files.isDirectory(file)) throw new IllegalArgumentException(file + ": is a directory, not a model file");
        LoadBudget.requireRegular(file);   // a device or FIFO is named as such, not read
        return format(file).read(file, options);
    }

    /**
     * Writes the model in the format of the file's extension, atomically.
     *
     * @param file the target; its extension picks the format
     * @param contents the model and what it carries
     * @throws IOException when writing fails or the format cannot write this model
     */
    public static void write(Path file, Contents contents) throws IOException {
        format(file).write(file, contents);
    }

    /**
     * The format of a file by its extension, or {@code fallback} when the extension is none of the known ones.
     *
     * @param file a file
     * @param fallback the format for an unknown extension
     * @return the format
     */
    public static ModelFormat formatOr(Path file, ModelFormat fallback) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (ModelFormat f : FORMATS) for (String ext : f.extensions()) if (name.endsWith(ext)) return f;
        return fallback;
    }

    /**
     * Writes the model alone in the format of the file's extension, atomically.
     *
     * @param file the target; its extension picks the format
     * @param model a Recurrent or a SequenceModel
     * @throws IOException when writing fails or the format cannot write this model
     */
    public static void write(Path file, Module model) throws IOException {
        write(file, Contents.of(model));
    }
}
