package org.gru4j.onnx;

import org.gru4j.io.ModelFile;
import org.gru4j.io.ModelFormatException;
import org.gru4j.model.Head;
import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.io.Safetensors;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX back to a Recurrent: every configuration through {@link OnnxExport} and {@link OnnxImport} gives the same
 * outputs (1e-6); the committed fixtures (torch.onnx.export and single onnx.helper nodes) convert when they are a plain
 * stack, with the converted model matching the graph's own outputs, and are refused in one line otherwise.
 */
class OnnxImportTest {
    @TempDir
    Path tmp;

    static Tensor random(long seed, int... shape) {
        Random r = new Random(seed);
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.data[i] = (float) (r.nextGaussian() * 0.5);
        return t;
    }

    static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void everyConfigurationRoundTrips() throws IOException {
        int n = 0;
        double worst = 0;
        for (CellKind cell : CellKind.values()) {
            for (int layers : new int[]{1, 2}) {
                for (boolean bi : new boolean[]{false, true}) {
                    for (boolean bias : new boolean[]{true, false}) {
                        for (boolean after : new boolean[]{true, false}) {
                            for (boolean keeps : new boolean[]{true, false}) {
                                if (cell != CellKind.GRU && !(after && keeps)) continue;
                                RecurrentConfig cf = new RecurrentConfig(cell, 3, 4, layers, bi, bias, after, keeps);
                                Recurrent m = new Recurrent(cf);
                                System.arraycopy(random(cf.hashCode(), m.params.length).data, 0, m.params, 0, m.params.length);
                                Path f = tmp.resolve("m.onnx");
                                OnnxExport.write(m, f);
                                Recurrent back = OnnxImport.read(f);
                                assertEquals(new RecurrentConfig(cell, 3, 4, layers, bi, bias, after, true), back.config, cf.describe());
                                Tensor x = random(1, 5, 2, 3), h0 = random(2, layers * cf.directions(), 2, 4);
                                Tensor c0 = cell == CellKind.LSTM ? random(3, layers * cf.directions(), 2, 4) : null;
                                Recurrent.Output want = m.forward(x, null, h0, c0), got = back.forward(x, null, h0, c0);
                                double d = Math.max(maxDiff(want.y().data, got.y().data), maxDiff(want.hn().data, got.hn().data));
                                if (c0 != null) d = Math.max(d, maxDiff(want.cn().data, got.cn().data));
                                assertTrue(d <= 1e-6, cf.describe() + ": differs by " + d);
                                worst = Math.max(worst, d);
                                n++;
                            }
                        }
                    }
                }
            }
        }
        System.out.printf("ONNX export → import: %d configurations, largest difference %.3g%n", n, worst);
    }

    @Test
    void sequenceModelsRoundTripThroughOnnx() throws Exception {
        int n = 0;
        double worstGraph = 0, worstImport = 0, worstOrt = 0;
        for (CellKind cell : CellKind.values()) {
            List<SequenceModelConfig> configs = new ArrayList<>(List.of(
                    SequenceModelConfig.seqToSeq(cell, 3, 4, 2, 2),
                    SequenceModelConfig.seqToOne(cell, 3, 4, 1, 3),
                    SequenceModelConfig.nextToken(cell, 7, 3, 4, 2).withDropout(0.1),
                    new SequenceModelConfig(0, RecurrentConfig.pytorch(cell, 3, 4, 2, true, false), 0.3, Head.LAST_STEP, 2)));
            if (cell == CellKind.GRU) {
                configs.add(new SequenceModelConfig(5, new RecurrentConfig(cell, 3, 4, 2, true, true, false, false), 0, Head.PER_STEP, 5));
                configs.add(new SequenceModelConfig(0, new RecurrentConfig(cell, 3, 4, 1, false, true, true, false), 0, Head.LAST_STEP, 2));
            }
            for (SequenceModelConfig cf : configs) {
                SequenceModel m = new SequenceModel(cf);
                System.arraycopy(random(cf.hashCode(), m.params.length).data, 0, m.params, 0, m.params.length);
                Tensor x;
                if (cf.tokens()) {
                    x = Tensor.zeros(5, 2);
                    for (int i = 0; i < x.size(); i++) x.data[i] = (i * 3) % cf.vocab();
                } else {
                    x = random(4, 5, 2, 3);
                }
                SequenceModel.Output want = m.forward(x);
                Path f = tmp.resolve("s.onnx");
                OnnxExport.write(m, f);
                // the graph itself computes the model
                OnnxGraph g = OnnxGraph.load(f);
                Map<String, Value> feeds = new java.util.LinkedHashMap<>();
                feeds.put("X", Value.of(x));
                int LD = cf.recurrent().layers() * cf.recurrent().directions();
                feeds.put("h0", Value.of(Tensor.zeros(LD, 2, 4)));
                if (cell == CellKind.LSTM) feeds.put("c0", Value.of(Tensor.zeros(LD, 2, 4)));
                List<Value> outs = new ArrayList<>(g.run(feeds).values());
                assertArrayEquals(want.logits().shape, outs.get(0).shape(), cf.describe());
                double dg = Math.max(maxDiff(want.logits().data, outs.get(0).floats()), maxDiff(want.hn().data, outs.get(1).floats()));
                assertTrue(dg <= 1e-5, cf.describe() + ": the exported graph differs by " + dg);
                // and so does ONNX Runtime
                List<Value> ort = new ArrayList<>(OrtPeer.run(f, feeds).values());
                double dr = Math.max(maxDiff(want.logits().data, ort.get(0).floats()), maxDiff(want.hn().data, ort.get(1).floats()));
                assertTrue(dr <= 1e-5, cf.describe() + ": ONNX Runtime differs by " + dr);
                worstOrt = Math.max(worstOrt, dr);
                // and reads back as the same model
                org.gru4j.io.ModelFiles.Contents c = OnnxImport.readModel(f);
                RecurrentConfig r = cf.recurrent();
                assertEquals(new SequenceModelConfig(cf.vocab(), new RecurrentConfig(r.cell(), r.input(), r.hidden(), r.layers(), r.bidirectional(),
                        r.bias(), r.resetAfter(), true), cf.dropout(), cf.head(), cf.outputs()), c.sequence().config);
                double di = maxDiff(want.logits().data, c.sequence().forward(x).logits().data);
                assertTrue(di <= 1e-6, cf.describe() + ": the imported model differs by " + di);
                worstGraph = Math.max(worstGraph, dg);
                worstImport = Math.max(worstImport, di);
                n++;
            }
        }
        System.out.printf("SequenceModel → ONNX: %d configurations, graph vs model %.3g, ONNX Runtime vs model %.3g, imported vs model %.3g%n",
                n, worstGraph, worstOrt, worstImport);
    }

    @Test
    void fixturesConvertWhenTheyAreAPlainStack() throws IOException, URISyntaxException {
        Path dir = Path.of(OnnxImportTest.class.getResource("/onnx-fixtures").toURI());
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".onnx")).sorted().toList();
        }
        Map<String, String> refused = new TreeMap<>();
        List<String> converted = new ArrayList<>();
        for (Path f : files) {
            String base = f.getFileName().toString().replace(".onnx", "");
            Recurrent r;
            try {
                r = OnnxImport.read(f);
            } catch (ModelFormatException e) {
                assertTrue(e.getMessage().startsWith(f + ": ") && !e.getMessage().contains("\n"), e.getMessage());
                refused.put(base, e.getMessage().substring(f.toString().length() + 2));
                continue;
            }
            converted.add(base);
            // the converted model against the graph itself: its first output is Y (one node: (T,D,B,H); a stack: (T,B,D·H))
            Map<String, Tensor> t = Safetensors.read(f.resolveSibling(base + ".safetensors")).tensors();
            OnnxGraph g = OnnxGraph.load(f);
            Map<String, Value> out = g.run(OnnxFixtureTest.feeds(g, t));
            Tensor x = t.get("in." + g.inputs.get(0).name());
            Tensor h0 = null, c0 = null;
            for (int k = 1; k < g.inputs.size(); k++) {
                String name = g.inputs.get(k).name();
                Tensor v = t.get("in." + name);
                if (v.rank() == 3 && (name.contains("c") && r.config.cell() == CellKind.LSTM && h0 != null)) c0 = v;
                else if (v.rank() == 3) h0 = v;
            }
            boolean batchFirst = base.contains("_bf");
            if (batchFirst) x = swap01(x);
            Recurrent.Output o = r.forward(x, null, h0, c0);
            List<Value> outs = new ArrayList<>(out.values());
            int D = r.config.directions(), H = r.config.hidden(), T = x.dim(0), B = x.dim(1);
            float[] y = batchFirst ? swap01(outs.get(0).toTensor("y")).data : outs.get(0).floats();
            if (outs.get(0).rank() == 4) {   // (T,D,B,H) → (T,B,D·H)
                float[] f2 = new float[y.length];
                for (int s = 0; s < T; s++) for (int d = 0; d < D; d++) for (int b = 0; b < B; b++)
                    System.arraycopy(y, ((s * D + d) * B + b) * H, f2, (s * B + b) * D * H + d * H, H);
                y = f2;
            }
            double d = maxDiff(o.y().data, y);
            d = Math.max(d, maxDiff(o.hn().data, outs.get(1).floats()));
            assertTrue(d <= 1e-5, base + ": the converted model differs from the graph by " + d);
        }
        System.out.println("ONNX fixtures converted: " + converted);
        refused.forEach((k, v) -> System.out.println("  refused " + k + ": " + v));
        for (String must : List.of("torch_gru_L2_h0_op14", "torch_gru_L3_nobias_h0_op11_dyn", "torch_lstm_L2_bi_h0_op11",
                "torch_rnn_tanh_L2_bi_op17_dyn", "torch_rnn_relu_L1_bi_h0_op14", "torch_lstm_L3_h0_bf_op14", "torch_gru_L2_bi_h0_bf_op9", "torch_gru_L1_op9", "helper_gru_lbr0", "helper_gru_lbr0_bi_nobias")) {
            assertTrue(converted.contains(must), must + " was refused: " + refused.get(must));
        }
        for (String never : List.of("helper_gru_clip", "helper_lstm_input_forget", "helper_gru_lbr1_reverse", "torch_gru_head_op13")) {
            assertFalse(converted.contains(never), never + " should not convert");
        }
    }

    /** (A,B,C) → (B,A,C). */
    static Tensor swap01(Tensor t) {
        int a = t.dim(0), b = t.dim(1), c = t.dim(2);
        Tensor o = Tensor.zeros(b, a, c);
        for (int i = 0; i < a; i++) for (int j = 0; j < b; j++) System.arraycopy(t.data, (i * b + j) * c, o.data, (j * a + i) * c, c);
        return o;
    }

    @Test
    void aGraphWithAHeadIsRefusedNamingTheNode() throws IOException, URISyntaxException {
        Path f = Path.of(OnnxImportTest.class.getResource("/onnx-fixtures/torch_gru_last_op17.onnx").toURI());
        ModelFormatException e = org.junit.jupiter.api.Assertions.assertThrows(ModelFormatException.class, () -> OnnxImport.read(f));
        assertTrue(e.getMessage().contains("computes on the values of the recurrent stack"), e.getMessage());
        assertTrue(Arrays.stream(new String[]{"MatMul", "Gemm", "Add"}).anyMatch(e.getMessage()::contains), e.getMessage());
    }
}
