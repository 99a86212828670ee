package org.gru4j.lm;

import org.gru4j.io.Json;
import org.gru4j.io.ModelFormatException;
import org.gru4j.io.Safetensors;
import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link CharModel} on disk: a safetensors file of the network's state_dict ({@code embedding.weight},
 * {@code rnn.weight_ih_l0}, …, {@code head.bias}, float32) whose {@code __metadata__} holds
 * <pre>
 * format "gru4j-char-lm", format_version "1", cell "gru"|"lstm"|"rnn_tanh", hidden, layers, embedding, seq_len,
 * vocab  (a JSON array of one-character strings, in id order), val_bpc (when known)
 * </pre>
 * Written atomically (a crash leaves the previous file whole). The state_dict names are PyTorch's for a module with
 * attributes embedding, rnn (batch_first=False) and head, so {@code load_state_dict} takes it as it is.
 */
public final class CharModelFile {
    private CharModelFile() {}

    public static final String FORMAT = "gru4j-char-lm";

    public static void write(Path file, CharModel m) throws IOException {
        var rc = m.network.config.recurrent();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", "1");
        meta.put("cell", rc.cell().id());
        meta.put("hidden", Integer.toString(rc.hidden()));
        meta.put("layers", Integer.toString(rc.layers()));
        meta.put("embedding", Integer.toString(rc.input()));
        meta.put("seq_len", Integer.toString(m.seqLen));
        meta.put("vocab", Json.write(m.vocabulary.asStrings()));
        if (Double.isFinite(m.validationBpc)) meta.put("val_bpc", Double.toString(m.validationBpc));
        Safetensors.write(file, m.network.stateDict(), meta);
    }

    public static CharModel read(Path file) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        Map<String, String> meta = c.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new ModelFormatException(file, "not a gru4j character model (its safetensors metadata has no \"format\": \"" + FORMAT + "\")");
        }
        if (!"1".equals(meta.get("format_version"))) {
            throw new ModelFormatException(file, "character model format version " + meta.get("format_version") + " is not supported (1 is)");
        }
        CharVocabulary vocab;
        try {
            Object v = Json.parse(required(file, meta, "vocab"));
            if (!(v instanceof List<?> list) || !list.stream().allMatch(s -> s instanceof String)) {
                throw new ModelFormatException(file, "metadata 'vocab' is not a JSON array of strings");
            }
            @SuppressWarnings("unchecked") List<String> chars = (List<String>) list;
            vocab = CharVocabulary.of(chars);
        } catch (Json.ParseException | IllegalArgumentException e) {
            throw new ModelFormatException(file, "metadata 'vocab': " + e.getMessage());
        }
        if (vocab.size() < 1) throw new ModelFormatException(file, "metadata 'vocab' is empty");
        try {
            CellKind cell = CellKind.parse(required(file, meta, "cell"));
            int hidden = integer(file, meta, "hidden"), layers = integer(file, meta, "layers"), embedding = integer(file, meta, "embedding");
            int seqLen = integer(file, meta, "seq_len");
            SequenceModelConfig config = SequenceModelConfig.nextToken(cell, vocab.size(), embedding, hidden, layers);
            config.recurrent().checkSize(config.vocab(), config.outputs(), c.values(), file.toString());
            SequenceModel net = new SequenceModel(config);
            org.gru4j.nn.StateDict.requireFinite(c.tensors());
            net.load(c.tensors());
            String bpc = meta.get("val_bpc");
            return new CharModel(vocab, net, seqLen, bpc == null ? Double.NaN : Double.parseDouble(bpc));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, e.getMessage());
        }
    }

    private static String required(Path file, Map<String, String> meta, String key) throws ModelFormatException {
        String v = meta.get(key);
        if (v == null) throw new ModelFormatException(file, "metadata has no '" + key + "'");
        return v;
    }

    private static int integer(Path file, Map<String, String> meta, String key) throws ModelFormatException {
        String v = required(file, meta, key);
        try {
            int i = Integer.parseInt(v);
            if (i < 1) throw new NumberFormatException();
            return i;
        } catch (NumberFormatException e) {
            throw new ModelFormatException(file, "metadata '" + key + "' is not a positive integer: \"" + v + "\"");
        }
    }
}
