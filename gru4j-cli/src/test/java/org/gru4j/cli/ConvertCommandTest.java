package org.gru4j.cli;

import org.gru4j.io.ModelFile;
import org.gru4j.io.Npy;
import org.gru4j.io.Safetensors;
import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.gru4j.cli.RunCommandTest.Result;
import static org.gru4j.cli.RunCommandTest.examples;
import static org.gru4j.cli.RunCommandTest.gru4j;
import static org.gru4j.cli.RunCommandTest.maxAbsDiff;
import static org.gru4j.cli.RunCommandTest.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gru4j convert} and {@code gru4j inspect}: the bundled PyTorch example through every format (and between
 * them) runs to PyTorch's Y; inspect shows the architecture, tensors and counts; every failure is one line naming
 * the file (and tensor), exit 1, no output left.
 */
class ConvertCommandTest {
    @TempDir
    Path tmp;

    static void ok(Result r) {
        assertEquals(0, r.code(), "exit code; stderr: " + r.err());
        assertFalse(r.err().contains("error"), r.err());
    }

    static String lastLine(String out) {
        String[] l = out.strip().split("\n");
        return l[l.length - 1];
    }

    private double runDiff(Path model) throws IOException {
        Path ex = examples(), y = tmp.resolve("y.npy"), hn = tmp.resolve("hn.npy");
        ok(gru4j("run", "--model", s(model), "--input", s(ex.resolve("x.npy")), "--output", s(y), "--hn", s(hn)));
        return Math.max(maxAbsDiff(Npy.read(ex.resolve("y_torch.npy")), Npy.read(y)), maxAbsDiff(Npy.read(ex.resolve("hn_torch.npy")), Npy.read(hn)));
    }

    @Test
    void theExampleThroughEveryFormatRunsToPytorchsOutput() throws IOException {
        Path pt = examples().resolve("gru.pt");
        double worst = 0;
        for (String ext : List.of("gru4j", "safetensors", "onnx")) {
            Path out = tmp.resolve("gru." + ext);
            Result r = gru4j("convert", s(pt), s(out));
            ok(r);
            assertEquals("parameters=2880 tensors=8", lastLine(r.out()));
            double d = runDiff(out);
            assertTrue(d <= 1e-5, ext + ": Y differs from PyTorch's by " + d);
            worst = Math.max(worst, d);
        }
        // and between the formats
        for (String a : List.of("gru4j", "safetensors", "onnx")) {
            for (String b : List.of("gru4j", "safetensors", "onnx")) {
                if (a.equals(b)) continue;
                Path out = tmp.resolve("from_" + a + "." + b);
                ok(gru4j("convert", s(tmp.resolve("gru." + a)), s(out)));
                double d = runDiff(out);
                assertTrue(d <= 1e-5, a + " → " + b + ": Y differs from PyTorch's by " + d);
                worst = Math.max(worst, d);
            }
        }
        // .gru4j → .gru4j through the other formats keeps the very bits
        ok(gru4j("convert", s(tmp.resolve("from_onnx.safetensors")), s(tmp.resolve("again.gru4j"))));
        float[] a = ModelFile.load(tmp.resolve("gru.gru4j")).model().params(), b = ModelFile.load(tmp.resolve("again.gru4j")).model().params();
        for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]));
        System.out.printf("convert examples/gru.pt → .gru4j/.safetensors/.onnx (and between them) → run: largest |Y − y_torch| %.3g%n", worst);
    }

    @Test
    void inspectShowsTheExample() {
        Result r = gru4j("inspect", s(examples().resolve("gru.pt")));
        ok(r);
        String o = r.out();
        for (String want : List.of("cell:         gru", "input:        8", "hidden:       16", "layers:       2", "directions:   1",
                "bias:         true", "reset:        after", "head:         none", "weight_ih_l0  [48, 8]", "bias_hh_l1    [48]")) {
            assertTrue(o.contains(want), "inspect lacks '" + want + "':\n" + o);
        }
        assertEquals("parameters=2880 tensors=8", lastLine(o));
    }

    @Test
    void inspectShowsAnOnnxGraph() {
        Path onnx = tmp.resolve("gru.onnx");
        ok(gru4j("convert", s(examples().resolve("gru.pt")), s(onnx)));
        Result r = gru4j("inspect", s(onnx));
        ok(r);
        for (String want : List.of("inputs:       X [steps, batch, 8], h0 [2, batch, 16]", "outputs:      y [steps, batch, 16], hn [2, batch, 16]",
                "GRU×2", "Transpose×2", "hidden:       16", "l1.R        [1, 48, 16]")) {
            assertTrue(r.out().contains(want), "inspect lacks '" + want + "':\n" + r.out());
        }
        assertEquals("parameters=2880 tensors=8", lastLine(r.out()));
    }

    @Test
    void aSequenceModelWithTrainingStateConverts() throws IOException {
        SequenceModel m = new SequenceModel(new SequenceModelConfig(6, new RecurrentConfig(CellKind.GRU, 3, 4, 2, true, true, true, false),
                0.1, org.gru4j.model.Head.PER_STEP, 6));
        Random rnd = new Random(1);
        for (int i = 0; i < m.params.length; i++) m.params[i] = (float) rnd.nextGaussian();
        int P = m.parameterCount();
        Checkpoint ck = new Checkpoint(m.stateDict(), Map.of("exp_avg", new float[P], "exp_avg_sq", new float[P]), 3, 3, 0, 3, 7, 1.5, 0,
                null, null, null, m.config.describe(), "adam", 1, 10);
        Path g = tmp.resolve("lm.gru4j");
        ModelFile.save(g, m, ck);
        Result r = gru4j("inspect", s(g));
        ok(r);
        assertTrue(r.out().contains("embedding:    6 tokens × 3") && r.out().contains("training:     step 3")
                && r.out().matches("(?s).*optimizer\\.exp_avg +\\[" + P + "\\].*") && r.out().contains("update:       h' = (1 − z) ⊙ h + z ⊙ n"), r.out());
        Tensor x = Tensor.zeros(4, 2);
        for (int i = 0; i < 8; i++) x.data[i] = i % 6;
        Tensor want = m.forward(x).logits();
        for (String ext : List.of("safetensors", "onnx")) {
            Path out = tmp.resolve("lm." + ext);
            r = gru4j("convert", s(g), s(out));
            ok(r);
            assertTrue(r.out().contains("training state left out") && r.out().contains("update gate negated"), r.out());
            Path back = tmp.resolve("lm_" + ext + ".gru4j");
            ok(gru4j("convert", s(out), s(back)));
            org.gru4j.io.ModelFiles.Contents c = ModelFile.load(back);
            assertTrue(maxAbsDiff(want, c.sequence().forward(x).logits()) <= 1e-6, ext);
        }
        Path copy = tmp.resolve("copy.gru4j");
        ok(gru4j("convert", "--drop-training", s(g), s(copy)));
        assertEquals(null, ModelFile.load(copy).training());
        ok(gru4j("convert", s(g), s(copy)));
        assertEquals(3, ModelFile.load(copy).training().step());
    }

    /** One line on stderr naming every fragment, exit 1, and nothing written to out. */
    private void fails(Path out, Result r, String... fragments) throws IOException {
        assertEquals(1, r.code(), "exit code; stderr: " + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        for (String f : fragments) assertTrue(err.contains(f), "'" + f + "' missing from: " + err);
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith("." + out.getFileName())), "temporary file left");
        }
        assertFalse(Files.exists(out), out + " written");
    }

    private Path edited(String name, java.util.function.BiConsumer<Map<String, Tensor>, Map<String, String>> edit) throws IOException {
        Path good = tmp.resolve("good.gru4j");
        ModelFile.save(good, new Recurrent(RecurrentConfig.pytorch(CellKind.LSTM, 3, 4, 1, false, true)));
        Safetensors.Contents c = Safetensors.read(good);
        Map<String, Tensor> t = new LinkedHashMap<>(c.tensors());
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        edit.accept(t, meta);
        Path bad = tmp.resolve(name);
        Safetensors.write(bad, t, meta);
        return bad;
    }

    @Test
    void errorsAreOneLineNamingTheFileAndTensor() throws IOException {
        Path pt = examples().resolve("gru.pt"), out = tmp.resolve("out.onnx");
        fails(out, gru4j("convert", s(pt), s(tmp.resolve("m.h5"))), "m.h5", "unknown model format '.h5'");
        fails(tmp.resolve("m.h5"), gru4j("convert", s(pt), s(tmp.resolve("m.h5"))), "m.h5");
        fails(tmp.resolve("m.pt"), gru4j("convert", s(tmp.resolve("gru.gru4j")), s(tmp.resolve("m.pt"))), "m.pt", "writing .pt/.pth is not offered");
        fails(out, gru4j("convert", s(tmp.resolve("missing.gru4j")), s(out)), "missing.gru4j", "no such file");
        Path missing = edited("missing_tensor.gru4j", (t, m) -> t.remove("weight_hh_l0"));
        fails(out, gru4j("convert", s(missing), s(out)), s(missing), "tensor 'weight_hh_l0' is missing");
        Path shape = edited("wrong_shape.gru4j", (t, m) -> t.put("bias_ih_l0", Tensor.zeros(15)));
        fails(out, gru4j("convert", s(shape), s(out)), s(shape), "tensor 'bias_ih_l0' has shape [15]", "expects [16]");
        Path newer = edited("newer.gru4j", (t, m) -> m.put("format_version", "7"));
        fails(out, gru4j("convert", s(newer), s(out)), s(newer), "format_version 7 is newer than this gru4j reads (1)");
        Path x = examples().resolve("x.npy");
        fails(tmp.resolve("y.npy"), gru4j("run", "--model", s(newer), "--input", s(x), "--output", s(tmp.resolve("y.npy"))),
                s(newer), "format_version 7");
        Path before = tmp.resolve("before.gru4j");
        ModelFile.save(before, new Recurrent(new RecurrentConfig(CellKind.GRU, 3, 4, 1, false, true, false, true)));
        fails(tmp.resolve("b.safetensors"), gru4j("convert", s(before), s(tmp.resolve("b.safetensors"))), "reset=before", "no PyTorch equivalent");
        ok(gru4j("convert", s(before), s(tmp.resolve("b.onnx"))));   // ONNX has linear_before_reset=0
        fails(out, gru4j("convert", "--prefix", "rnn.", s(before), s(out)), "--prefix");
    }
}
