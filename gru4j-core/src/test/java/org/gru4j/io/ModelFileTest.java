package org.gru4j.io;

import org.gru4j.model.Head;
import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * .gru4j round trips (config equal, parameter bits equal, outputs equal) and PyTorch-named safetensors round trips
 * (outputs within 1e-6, the update convention converted) for every cell and option; every refusal names the file and
 * the field or tensor.
 */
class ModelFileTest {
    static final int T = 5, B = 2;

    @TempDir
    Path tmp;

    static List<RecurrentConfig> recurrentConfigs() {
        List<RecurrentConfig> out = new ArrayList<>();
        for (CellKind cell : CellKind.values()) {
            for (int layers : new int[]{1, 2}) {
                for (boolean bi : new boolean[]{false, true}) {
                    for (boolean bias : new boolean[]{true, false}) {
                        if (cell == CellKind.GRU) {
                            for (boolean after : new boolean[]{true, false}) {
                                for (boolean keeps : new boolean[]{true, false}) {
                                    out.add(new RecurrentConfig(cell, 3, 4, layers, bi, bias, after, keeps));
                                }
                            }
                        } else {
                            out.add(RecurrentConfig.pytorch(cell, 3, 4, layers, bi, bias));
                        }
                    }
                }
            }
        }
        return out;
    }

    static List<SequenceModelConfig> sequenceConfigs() {
        List<SequenceModelConfig> out = new ArrayList<>();
        for (CellKind cell : CellKind.values()) {
            out.add(SequenceModelConfig.seqToSeq(cell, 3, 4, 2, 2));
            out.add(SequenceModelConfig.seqToOne(cell, 3, 4, 1, 3));
            out.add(SequenceModelConfig.nextToken(cell, 7, 3, 4, 2).withDropout(0.1));
            out.add(new SequenceModelConfig(0, RecurrentConfig.pytorch(cell, 3, 4, 2, true, false), 0.3, Head.LAST_STEP, 2));
        }
        out.add(new SequenceModelConfig(5, new RecurrentConfig(CellKind.GRU, 3, 4, 2, true, true, true, false), 0, Head.PER_STEP, 5));
        out.add(new SequenceModelConfig(0, new RecurrentConfig(CellKind.GRU, 3, 4, 1, false, true, false, false), 0, Head.LAST_STEP, 2));
        return out;
    }

    static void randomize(float[] p, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < p.length; i++) p[i] = (float) (r.nextGaussian() * 0.5);
    }

    static Tensor features(int I, long seed) {
        Random r = new Random(seed);
        Tensor x = Tensor.zeros(T, B, I);
        for (int i = 0; i < x.size(); i++) x.data[i] = (float) r.nextGaussian();
        return x;
    }

    static Tensor input(SequenceModelConfig cf) {
        if (!cf.tokens()) return features(cf.recurrent().input(), 3);
        Tensor x = Tensor.zeros(T, B);
        for (int i = 0; i < x.size(); i++) x.data[i] = (i * 5) % cf.vocab();
        return x;
    }

    static void assertSameBits(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "parameter " + i);
    }

    static void assertClose(float[] a, float[] b, double tol) {
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], tol, "element " + i);
    }

    @ParameterizedTest
    @MethodSource("recurrentConfigs")
    void recurrentRoundTrips(RecurrentConfig cf) throws IOException {
        Recurrent m = new Recurrent(cf);
        randomize(m.params, cf.hashCode());
        Tensor x = features(cf.input(), 1);
        Recurrent.Output want = m.forward(x);

        Path f = tmp.resolve("m.gru4j");
        ModelFile.save(f, m);
        ModelFiles.Contents c = ModelFile.load(f);
        assertNull(c.sequence());
        assertNull(c.training());
        assertEquals(cf, c.recurrent().config);
        assertSameBits(m.params, c.recurrent().params);
        Recurrent.Output got = c.recurrent().forward(x);
        assertSameBits(want.y().data, got.y().data);
        assertSameBits(want.hn().data, got.hn().data);

        Path s = tmp.resolve("m.safetensors");
        if (cf.cell() == CellKind.GRU && !cf.resetAfter()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TorchSafetensors().write(s, ModelFiles.Contents.of(m)));
            assertTrue(e.getMessage().contains("reset=before"), e.getMessage());
            return;
        }
        new TorchSafetensors().write(s, ModelFiles.Contents.of(m));
        // PyTorch's names exactly, nothing else
        assertEquals(m.stateDict().keySet(), Safetensors.read(s).tensors().keySet());
        ModelFiles.Contents p = new TorchSafetensors().read(s, ModelFiles.Options.NONE);
        assertTrue(p.recurrent().config.zKeepsState());
        Recurrent.Output back = p.recurrent().forward(x);
        assertClose(want.y().data, back.y().data, 1e-6);
        assertClose(want.hn().data, back.hn().data, 1e-6);
        if (want.cn() != null) assertClose(want.cn().data, back.cn().data, 1e-6);
        // read as a plain state_dict (no metadata), as the run command does
        ModelFiles.Contents plain = ModelFiles.Contents.of(org.gru4j.io.StateDict.toRecurrent(Safetensors.read(s).tensors(),
                ModelFiles.Options.NONE.withRelu(cf.cell() == CellKind.RNN_RELU)));
        assertClose(want.y().data, plain.recurrent().forward(x).y().data, 1e-6);
    }

    @ParameterizedTest
    @MethodSource("sequenceConfigs")
    void sequenceModelRoundTrips(SequenceModelConfig cf) throws IOException {
        SequenceModel m = new SequenceModel(cf);
        randomize(m.params, cf.hashCode());
        Tensor x = input(cf);
        SequenceModel.Output want = m.forward(x);

        Path f = tmp.resolve("s.gru4j");
        ModelFile.save(f, m);
        ModelFiles.Contents c = ModelFile.load(f);
        assertNull(c.recurrent());
        assertEquals(cf, c.sequence().config);
        assertSameBits(m.params, c.sequence().params);
        assertSameBits(want.logits().data, c.sequence().forward(x).logits().data);

        Path s = tmp.resolve("s.safetensors");
        RecurrentConfig r = cf.recurrent();
        if (r.cell() == CellKind.GRU && !r.resetAfter()) {
            assertThrows(IllegalArgumentException.class, () -> new TorchSafetensors().write(s, ModelFiles.Contents.of(m)));
            return;
        }
        new TorchSafetensors().write(s, ModelFiles.Contents.of(m));
        assertEquals(m.stateDict().keySet(), Safetensors.read(s).tensors().keySet());
        ModelFiles.Contents p = new TorchSafetensors().read(s, ModelFiles.Options.NONE);
        assertEquals(cf.head(), p.sequence().config.head());
        assertEquals(cf.dropout(), p.sequence().config.dropout());
        assertClose(want.logits().data, p.sequence().forward(x).logits().data, 1e-6);
    }

    @Test
    void trainingStateRoundTrips() throws IOException {
        SequenceModel m = new SequenceModel(SequenceModelConfig.nextToken(CellKind.GRU, 6, 3, 4, 2).withDropout(0.2));
        randomize(m.params, 5);
        int P = m.parameterCount();
        float[] mom = new float[P], sq = new float[P], best = new float[P];
        randomize(mom, 6);
        randomize(sq, 7);
        randomize(best, 8);
        Tensor carry = features(4, 9).reshape(2, T, 4 * B / 2);
        Checkpoint ck = new Checkpoint(m.stateDict(), Map.of("exp_avg", mom, "exp_avg_sq", sq), 17, 19, 2, 33, 0x1234_5678_9abcL,
                0.123456789, 1, best, carry, null, m.config.describe(), "adam betas=(0.9, 0.999) eps=1.0E-8", 42, 100);
        Path f = tmp.resolve("t.gru4j");
        ModelFile.save(f, m, ck);
        ModelFiles.Contents c = ModelFile.load(f);
        Checkpoint got = c.training();
        assertSameBits(m.params, c.sequence().params);
        assertSameBits(mom, got.optimizer().get("exp_avg"));
        assertSameBits(sq, got.optimizer().get("exp_avg_sq"));
        assertSameBits(best, got.bestParams());
        assertSameBits(carry.data, got.carryH().data);
        assertArrayEquals(carry.shape, got.carryH().shape);
        assertEquals(17, got.optimizerSteps());
        assertEquals(19, got.step());
        assertEquals(2, got.epoch());
        assertEquals(33, got.position());
        assertEquals(0x1234_5678_9abcL, got.rng());
        assertEquals(0.123456789, got.bestLoss());
        assertEquals(1, got.badEpochs());
        assertEquals(42, got.seed());
        assertEquals(100, got.examples());
        assertEquals(ck.model(), got.model());
        assertEquals(ck.optimizerName(), got.optimizerName());
        // another model's training state is refused when saving
        Checkpoint other = new Checkpoint(m.stateDict(), Map.of("exp_avg", new float[P + 1]), 1, 1, 0, 0, 0, 0, 0, null, null, null,
                "", "", 0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.save(tmp.resolve("o.gru4j"), m, other));
        assertTrue(e.getMessage().contains("optimizer state 'exp_avg' holds " + (P + 1)), e.getMessage());
        // without training state the same model loads with none
        ModelFile.save(f, m);
        assertNull(ModelFile.load(f).training());
    }

    /** 10 training steps straight == 5 steps, saved as .gru4j with the trainer's checkpoint, loaded, resumed, 5 more. */
    @Test
    void aTrainerResumesFromTheFileBitForBit() throws IOException {
        SequenceModelConfig cf = SequenceModelConfig.seqToSeq(CellKind.GRU, 2, 5, 2, 1).withDropout(0.2);
        List<org.gru4j.train.Example> data = new ArrayList<>();
        Random r = new Random(3);
        for (int i = 0; i < 12; i++) {
            Tensor x = Tensor.zeros(4, 2), y = Tensor.zeros(4, 1);
            for (int k = 0; k < 8; k++) x.data[k] = (float) r.nextGaussian();
            for (int t = 0; t < 4; t++) y.data[t] = x.data[2 * t] - x.data[2 * t + 1];
            data.add(new org.gru4j.train.Example(x, y));
        }
        org.gru4j.train.TrainConfig tc = org.gru4j.train.TrainConfig.defaults(0.01).withBatchSize(3).withSeed(5);
        java.util.function.Supplier<SequenceModel> fresh = () -> {
            SequenceModel m = new SequenceModel(cf);
            randomize(m.params, 11);
            return m;
        };
        SequenceModel a = fresh.get();
        new org.gru4j.train.Trainer(a, org.gru4j.train.Adam.adamW(a.parameterCount()), new org.gru4j.train.MeanSquaredError(),
                tc.withMaxSteps(10), null).fit(data);

        SequenceModel b = fresh.get();
        org.gru4j.train.Trainer first = new org.gru4j.train.Trainer(b, org.gru4j.train.Adam.adamW(b.parameterCount()),
                new org.gru4j.train.MeanSquaredError(), tc.withMaxSteps(5), null);
        first.fit(data);
        Path f = tmp.resolve("run.gru4j");
        ModelFile.save(f, b, first.checkpoint());

        ModelFiles.Contents c = ModelFile.load(f);
        org.gru4j.train.Trainer second = new org.gru4j.train.Trainer(c.sequence(), org.gru4j.train.Adam.adamW(c.sequence().parameterCount()),
                new org.gru4j.train.MeanSquaredError(), tc.withMaxSteps(10), null);
        second.resume(c.training());
        assertEquals(10, second.fit(data).steps());
        assertSameBits(a.params, c.sequence().params);
        assertTrue(!java.util.Arrays.equals(a.params, b.params), "5 steps differ from 10 (the test can fail)");
    }

    /** Writes the .gru4j of a small GRU, then lets the edit change its tensors and metadata. */
    private Path edited(java.util.function.BiConsumer<Map<String, Tensor>, Map<String, String>> edit) throws IOException {
        Recurrent m = new Recurrent(RecurrentConfig.pytorch(CellKind.GRU, 3, 4, 1, false, true));
        Path good = tmp.resolve("good.gru4j");
        ModelFile.save(good, m);
        Safetensors.Contents c = Safetensors.read(good);
        Map<String, Tensor> t = new LinkedHashMap<>(c.tensors());
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        edit.accept(t, meta);
        Path bad = tmp.resolve("bad.gru4j");
        Safetensors.write(bad, t, meta);
        return bad;
    }

    private String refusal(Path f) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
        return e.getMessage();
    }

    @Test
    void refusesNewerVersion() throws IOException {
        String m = refusal(edited((t, meta) -> meta.put("format_version", "2")));
        assertTrue(m.contains("format_version 2 is newer than this gru4j reads (1)"), m);
    }

    @Test
    void refusesMissingTensor() throws IOException {
        String m = refusal(edited((t, meta) -> t.remove("bias_hh_l0")));
        assertTrue(m.contains("tensor 'bias_hh_l0' is missing"), m);
    }

    @Test
    void refusesWrongShape() throws IOException {
        String m = refusal(edited((t, meta) -> t.put("weight_hh_l0", Tensor.zeros(12, 5))));
        assertTrue(m.contains("tensor 'weight_hh_l0' has shape [12, 5]") && m.contains("expects [12, 4]"), m);
    }

    @Test
    void refusesInconsistentConfig() throws IOException {
        String m = refusal(edited((t, meta) -> meta.put("hidden", "5")));
        assertTrue(m.contains("tensor 'weight_ih_l0' has shape [12, 3], the config (gru input=3 hidden=5"), m);
        m = refusal(edited((t, meta) -> meta.put("hidden", "five")));
        assertTrue(m.contains("metadata field 'hidden' is 'five', expected an integer"), m);
        m = refusal(edited((t, meta) -> meta.put("layers", "0")));
        assertTrue(m.contains("inconsistent config: layers must be ≥ 1"), m);
        m = refusal(edited((t, meta) -> meta.remove("bias")));
        assertTrue(m.contains("metadata field 'bias' is missing"), m);
        m = refusal(edited((t, meta) -> meta.put("cell", "transformer")));
        assertTrue(m.contains("metadata field 'cell'"), m);
        m = refusal(edited((t, meta) -> t.put("extra", Tensor.zeros(1))));
        assertTrue(m.contains("unexpected tensor 'extra'"), m);
    }

    @Test
    void refusesAPlainSafetensors() throws IOException {
        Path f = tmp.resolve("plain.gru4j");
        Safetensors.write(f, new Recurrent(RecurrentConfig.pytorch(CellKind.GRU, 3, 4, 1, false, true)).stateDict(), Map.of());
        assertTrue(refusal(f).contains("field 'format' is missing"));
        assertTrue(Files.exists(f));
    }
}
