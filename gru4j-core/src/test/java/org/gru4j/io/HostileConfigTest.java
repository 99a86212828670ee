package org.gru4j.io;

import org.gru4j.lm.CharModel;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, item 3: a few hundred bytes of names or metadata used to build a config of 10^8 layers or a hidden size of
 * 20 000 before any tensor was checked. Now the config's parameter count is checked against the values the file
 * holds first ({@link RecurrentConfig#checkSize}), and layer indices must be dense and bounded by the tensors present.
 */
@Tag("hostile")
class HostileConfigTest {
    @TempDir
    Path tmp;

    private static void oneLine(Exception e, String... words) {
        String m = e.getMessage();
        for (String w : words) assertTrue(m.contains(w), "'" + w + "' not in: " + m);
        assertTrue(m.indexOf('\n') < 0 && m.length() < 1000, m);
        System.out.println("hostile: " + m);
    }

    private static Tensor t(int... shape) {
        return Tensor.zeros(shape);
    }

    private Path safetensors(String name, Map<String, Tensor> tensors, Map<String, String> meta) throws IOException {
        Path f = tmp.resolve(name);
        Safetensors.write(f, tensors, meta);
        return f;
    }

    @Test
    void layerIndexFarPastTheTensorsIsRefused() throws IOException {
        for (String name : new String[]{"weight_ih_l99999999", "weight_ih_l1999999999_reverse", "weight_hh_l99999999999999999999999"}) {
            Map<String, Tensor> sd = new LinkedHashMap<>();
            sd.put("weight_ih_l0", t(3, 1));
            sd.put("weight_hh_l0", t(3, 1));
            sd.put(name, t(3, 1));
            Path f = safetensors("l.safetensors", sd, null);
            assertTrue(Files.size(f) < 400);
            long t0 = System.nanoTime();
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFiles.read(f));
            assertTrue(System.nanoTime() - t0 < 2e9);
            oneLine(e, "names layer", "at most 1 layers");
        }
    }

    @Test
    void layerIndicesMustBeDense() {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (String n : new String[]{"weight_ih_l0", "weight_hh_l0", "weight_ih_l2", "weight_hh_l2", "weight_ih_l3", "weight_hh_l3",
                "bias_ih_l0", "bias_hh_l0"}) {
            sd.put(n, n.startsWith("bias") ? t(3) : t(3, 1));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StateDict.toRecurrent(sd));
        oneLine(e, "missing tensor 'weight_ih_l1'", "dense");
    }

    private static Map<String, String> recurrentMeta(String hidden, String layers) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "gru4j");
        m.put("format_version", "1");
        m.put("model", "recurrent");
        m.put("cell", "gru");
        m.put("input", "1");
        m.put("hidden", hidden);
        m.put("layers", layers);
        m.put("bidirectional", "false");
        m.put("bias", "true");
        m.put("reset_after", "true");
        m.put("z_keeps_state", "true");
        return m;
    }

    @Test
    void gru4jMetadataAskingForMoreThanTheFileHoldsIsRefused() throws IOException {
        Map<String, Tensor> one = Map.of("weight_ih_l0", t(3, 1));
        Path f = safetensors("h.gru4j", one, recurrentMeta("20000", "1"));
        assertTrue(Files.size(f) < 600);
        oneLine(assertThrows(ModelFormatException.class, () -> ModelFile.load(f)), "1200180000 parameters", "holds only 3 values");
        Path g = safetensors("l.gru4j", one, recurrentMeta("2", "10000000"));
        oneLine(assertThrows(ModelFormatException.class, () -> ModelFile.load(g)), "parameters", "holds only 3 values");
        Path h = safetensors("x.gru4j", one, recurrentMeta("2000000000", "2000000000"));
        oneLine(assertThrows(ModelFormatException.class, () -> ModelFile.load(h)), "more than one array holds");
        Map<String, String> seq = recurrentMeta("4", "1");
        seq.put("model", "sequence");
        seq.put("vocab", "1000000000");
        seq.put("dropout", "0.0");
        seq.put("head", "per_step");
        seq.put("outputs", "5");
        Path s = safetensors("s.gru4j", one, seq);
        oneLine(assertThrows(ModelFormatException.class, () -> ModelFile.load(s)), "embedding of 1000000000 rows", "holds only 3 values");
        // the same metadata in a renamed .safetensors, read through TorchSafetensors
        Path r = safetensors("s.safetensors", one, seq);
        oneLine(assertThrows(ModelFormatException.class, () -> ModelFiles.read(r)), "holds only 3 values");
    }

    @Test
    void charModelMetadataAskingForMoreThanTheFileHoldsIsRefused() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", ConfigCodec.CHAR_LM);
        m.put("format_version", "1");
        m.put("cell", "gru");
        m.put("hidden", "20000");
        m.put("layers", "100000000");
        m.put("embedding", "8");
        m.put("seq_len", "10");
        m.put("vocab", "[\"a\",\"b\"]");
        Path f = safetensors("lm.safetensors", Map.of("embedding.weight", t(2, 8)), m);
        oneLine(assertThrows(ModelFormatException.class, () -> CharModel.load(f)), "240011998800520018 parameters", "more than one array holds");
    }

    @Test
    void parameterCountIsExactAndMatchesTheModel() {
        RecurrentConfig c = RecurrentConfig.pytorch(CellKind.LSTM, 3, 5, 3, true, true);
        assertEquals(new org.gru4j.nn.Recurrent(c).params.length, c.parameterCount(0, 0));
        org.gru4j.model.SequenceModelConfig s = org.gru4j.model.SequenceModelConfig.nextToken(CellKind.GRU, 7, 4, 6, 2);
        assertEquals(new org.gru4j.model.SequenceModel(s).params.length, s.recurrent().parameterCount(s.vocab(), s.outputs()));
        RecurrentConfig huge = RecurrentConfig.pytorch(CellKind.LSTM, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, true, true);
        assertThrows(ArithmeticException.class, () -> huge.parameterCount(Integer.MAX_VALUE, Integer.MAX_VALUE));
    }
}
