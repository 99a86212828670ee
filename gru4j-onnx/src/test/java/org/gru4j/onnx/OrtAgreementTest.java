package org.gru4j.onnx;

import org.gru4j.io.Safetensors;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every fixture model run on ONNX Runtime too: the interpreter must agree with it (this is what checks the reading
 * of the spec behind the onnx.helper fixtures' expected values: clip, activations, peepholes, sequence_lens).
 */
class OrtAgreementTest {
    static double worst = 0;

    @TestFactory
    List<DynamicTest> interpreterAgreesWithOnnxRuntime() throws Exception {
        Path dir = Path.of(OrtAgreementTest.class.getResource("/onnx-fixtures").toURI());
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".onnx")).sorted().collect(Collectors.toList());
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
        tests.add(DynamicTest.dynamicTest("largest difference", () ->
                System.out.printf("ONNX Runtime vs interpreter: largest absolute difference %.3g%n", worst)));
        return tests;
    }

    private static void check(Path file) throws Exception {
        String base = file.getFileName().toString().replace(".onnx", "");
        Map<String, Tensor> t = Safetensors.read(file.resolveSibling(base + ".safetensors")).tensors();
        OnnxGraph g = OnnxGraph.load(file);
        // ONNX Runtime's CPU kernels refuse layout = 1 (batch-major) recurrent nodes
        Assumptions.assumeFalse(base.contains("layout1"), "ONNX Runtime does not run layout=1");
        Map<String, Value> feeds = OnnxFixtureTest.feeds(g, t);
        Map<String, Value> ours = g.run(feeds), ort = OrtPeer.run(file, feeds);
        for (Map.Entry<String, Value> e : ours.entrySet()) {
            Value o = ort.get(e.getKey());
            assertArrayEquals(o.shape(), e.getValue().shape(), base + " " + e.getKey());
            double err = 0;
            for (int i = 0; i < o.size(); i++) err = Math.max(err, Math.abs(o.floats()[i] - e.getValue().floats()[i]));
            worst = Math.max(worst, err);
            assertTrue(err <= 1e-5, base + ": " + e.getKey() + " differs from ONNX Runtime by " + err);
        }
    }
}
