package org.gru4j.onnx;

import org.gru4j.io.Safetensors;
import org.gru4j.onnx.OnnxModel.ValueInfo;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every model under onnx-fixtures/ (written by scripts/make_onnx_fixtures.py: torch.onnx.export of nn.GRU / LSTM /
 * RNN at opsets 9–17, and single nodes built with onnx.helper) runs on the interpreter and matches the expected
 * outputs stored beside it: PyTorch's (float64) for the exports, the script's float64 reference for the others.
 * Each model runs twice: as loaded (recurrent nodes on gru4j's Recurrent where they can be) and with every recurrent
 * node forced onto the reference path.
 */
class OnnxFixtureTest {
    static final double TOL = 1e-5;
    static double worst = 0, worstReference = 0, worstTorch = 0;
    static String worstCase = "";

    @TestFactory
    List<DynamicTest> everyFixtureMatches() throws IOException, URISyntaxException {
        Path dir = Path.of(OnnxFixtureTest.class.getResource("/onnx-fixtures").toURI());
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".onnx")).sorted().collect(Collectors.toList());
        }
        assertTrue(files.size() >= 30, "expected the committed ONNX fixtures, found " + files.size());
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) {
            tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f, false)));
            tests.add(DynamicTest.dynamicTest(f.getFileName() + " (reference path)", () -> check(f, true)));
        }
        tests.add(DynamicTest.dynamicTest("largest errors", () -> System.out.printf(
                "ONNX fixtures: largest absolute error %.3g (%s), vs PyTorch (torch_*) %.3g, reference path %.3g%n",
                worst, worstCase, worstTorch, worstReference)));
        return tests;
    }

    static Map<String, Value> feeds(OnnxGraph g, Map<String, Tensor> t) {
        Map<String, Value> feeds = new LinkedHashMap<>();
        for (ValueInfo v : g.inputs) {
            Tensor x = t.get("in." + v.name());
            assertNotNull(x, "fixture has no in." + v.name());
            if (TensorData.isFloat(v.elemType())) {
                feeds.put(v.name(), Value.of(x));
            } else {
                long[] l = new long[x.size()];
                for (int k = 0; k < l.length; k++) l[k] = Math.round(x.data[k]);
                feeds.put(v.name(), Value.ints(x.shape, l));
            }
        }
        return feeds;
    }

    private static void check(Path file, boolean reference) throws IOException {
        String base = file.getFileName().toString().replace(".onnx", "");
        Map<String, Tensor> t = Safetensors.read(file.resolveSibling(base + ".safetensors")).tensors();
        OnnxGraph g = OnnxGraph.load(file);
        g.forceReference(reference);
        Map<String, Value> out = g.run(feeds(g, t));
        int k = 0;
        for (Map.Entry<String, Value> e : out.entrySet()) {
            Tensor want = t.get("out." + e.getKey());
            assertNotNull(want, base + ": fixture has no out." + e.getKey());
            Value got = e.getValue();
            assertArrayEquals(want.shape, got.shape(), base + ": shape of " + e.getKey());
            double err = 0;
            for (int i = 0; i < want.size(); i++) err = Math.max(err, Math.abs(got.floats()[i] - want.data[i]));
            if (!reference && base.startsWith("torch_")) worstTorch = Math.max(worstTorch, err);
            if (reference) worstReference = Math.max(worstReference, err);
            else if (err > worst) {
                worst = err;
                worstCase = base + " " + e.getKey();
            }
            assertTrue(err <= TOL, base + ": output " + e.getKey() + " differs by " + err);
            k++;
        }
        assertTrue(k >= 2, base + ": expected at least Y and Y_h");
    }
}
