package org.gru4j.nn;

import org.gru4j.io.Safetensors;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Outputs, final states and every gradient against PyTorch, from the fixtures that scripts/make_fixtures.py writes
 * (one .safetensors per case: the module's state_dict, input, h0/c0, output, h_n/c_n, upstream gradients and
 * "grad.*" for every parameter, the input and the initial states; the configuration in __metadata__).
 */
class PytorchFixtureTest {
    static final double OUT_TOL = 1e-5, GRAD_TOL = 1e-5;
    static double worstOut = 0, worstGrad = 0;

    @TestFactory
    List<DynamicTest> everyFixtureMatchesPytorch() throws IOException, URISyntaxException {
        Path dir = Path.of(PytorchFixtureTest.class.getResource("/fixtures").toURI());
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".safetensors")).sorted().collect(Collectors.toList());
        }
        assertTrue(files.size() >= 20, "expected the committed PyTorch fixtures, found " + files.size());
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
        tests.add(DynamicTest.dynamicTest("largest errors", () ->
                System.out.printf("PyTorch fixtures: largest relative error outputs %.3g, gradients %.3g%n", worstOut, worstGrad)));
        return tests;
    }

    private static void check(Path file) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        Map<String, String> m = c.metadata();
        Map<String, Tensor> t = c.tensors();
        String cellName = m.get("cell");
        boolean resetBefore = cellName.equals("gru_reset_before");
        CellKind cell = CellKind.parse(resetBefore ? "gru" : cellName);
        RecurrentConfig cf = new RecurrentConfig(cell, Integer.parseInt(m.get("input_size")), Integer.parseInt(m.get("hidden_size")),
                Integer.parseInt(m.get("num_layers")), Boolean.parseBoolean(m.get("bidirectional")),
                Boolean.parseBoolean(m.get("bias")), !resetBefore, true);
        Recurrent r = new Recurrent(cf);
        Map<String, Tensor> sd = new HashMap<>();
        for (Param p : r.parameters()) sd.put(p.name(), t.get(p.name()));
        r.load(sd);
        int[] lengths = null;
        String ls = m.getOrDefault("lengths", "");
        if (!ls.isEmpty()) {
            String[] parts = ls.split(",");
            lengths = new int[parts.length];
            for (int i = 0; i < parts.length; i++) lengths[i] = Integer.parseInt(parts[i].trim());
        }
        boolean lstm = cell == CellKind.LSTM;
        Tensor h0 = t.get("h0"), c0 = lstm ? t.get("c0") : null;
        assertTrue(Boolean.parseBoolean(m.get("h0")) == (h0 != null), "h0 metadata agrees with the tensors");
        Recurrent.Output out = r.forward(t.get("input"), lengths, h0, c0);
        compare(file, "output", t.get("output"), out.y(), OUT_TOL, false);
        compare(file, "h_n", t.get("h_n"), out.hn(), OUT_TOL, false);
        if (lstm) compare(file, "c_n", t.get("c_n"), out.cn(), OUT_TOL, false);

        r.zeroGrads();
        Recurrent.InputGrads g = r.backward(t.get("grad_output"), t.get("grad_h_n"), lstm ? t.get("grad_c_n") : null);
        compare(file, "grad.input", t.get("grad.input"), g.dx(), GRAD_TOL, true);
        if (h0 != null) compare(file, "grad.h0", t.get("grad.h0"), g.dh0(), GRAD_TOL, true);
        if (c0 != null) compare(file, "grad.c0", t.get("grad.c0"), g.dc0(), GRAD_TOL, true);
        for (Param p : r.parameters()) {
            Tensor got = new Tensor(p.shape(), java.util.Arrays.copyOfRange(r.grads, p.offset(), p.offset() + p.size()));
            compare(file, "grad." + p.name(), t.get("grad." + p.name()), got, GRAD_TOL, true);
        }
    }

    /** |got − want| ≤ tol · max(1, |want|): relative where values are large, absolute near zero. */
    private static void compare(Path file, String name, Tensor want, Tensor got, double tol, boolean grad) {
        assertNotNull(want, file.getFileName() + ": fixture has no '" + name + "'");
        if (!java.util.Arrays.equals(want.shape, got.shape)) {
            fail(file.getFileName() + " " + name + ": shape " + got.shapeString() + ", PyTorch " + want.shapeString());
        }
        for (int i = 0; i < want.data.length; i++) {
            double err = Math.abs(got.data[i] - want.data[i]) / Math.max(1.0, Math.abs(want.data[i]));
            if (grad) worstGrad = Math.max(worstGrad, err);
            else worstOut = Math.max(worstOut, err);
            if (!(err <= tol)) {
                fail(file.getFileName() + " " + name + "[" + i + "]: gru4j " + got.data[i] + ", PyTorch " + want.data[i]);
            }
        }
    }
}
