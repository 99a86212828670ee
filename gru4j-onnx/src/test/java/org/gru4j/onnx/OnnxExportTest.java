package org.gru4j.onnx;

import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recurrent models exported to ONNX run on ONNX Runtime (and on gru4j's own interpreter) and give what
 * {@link Recurrent#forward} gives, to 1e-5: every cell, both GRU reset placements and update conventions, stacked,
 * bidirectional, with and without bias, with initial states.
 */
class OnnxExportTest {
    static final double TOL = 1e-5;
    static double worstOrt = 0, worstOwn = 0;

    @TempDir
    Path tmp;

    @TestFactory
    List<DynamicTest> exportedModelsRunOnOnnxRuntime() {
        List<RecurrentConfig> cases = new ArrayList<>();
        Random r = new Random(11);
        int k = 0;
        for (CellKind cell : CellKind.values()) {
            for (boolean resetAfter : cell == CellKind.GRU ? new boolean[]{true, false} : new boolean[]{true}) {
                for (boolean zKeeps : cell == CellKind.GRU ? new boolean[]{true, false} : new boolean[]{true}) {
                    for (int v = 0; v < 2; v++, k++) {
                        cases.add(new RecurrentConfig(cell, 2 + r.nextInt(6), 3 + r.nextInt(8), 1 + (k % 3), (k & 1) == 0,
                                k % 5 != 3, resetAfter, zKeeps));
                    }
                }
            }
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            RecurrentConfig cf = cases.get(i);
            long seed = 100 + i;
            tests.add(DynamicTest.dynamicTest(cf.describe(), () -> check(cf, seed)));
        }
        tests.add(DynamicTest.dynamicTest("largest errors", () -> System.out.printf(
                "ONNX export: largest absolute error vs Recurrent.forward: ONNX Runtime %.3g, gru4j interpreter %.3g%n", worstOrt, worstOwn)));
        return tests;
    }

    private void check(RecurrentConfig cf, long seed) throws Exception {
        Random r = new Random(seed);
        Recurrent rnn = new Recurrent(cf);
        for (int i = 0; i < rnn.params.length; i++) rnn.params[i] = (float) (r.nextGaussian() * 0.5);
        int T = 2 + r.nextInt(6), B = 1 + r.nextInt(4), S = cf.layers() * cf.directions(), H = cf.hidden();
        Tensor x = gaussian(r, T, B, cf.input()), h0 = gaussian(r, S, B, H);
        Tensor c0 = cf.cell() == CellKind.LSTM ? gaussian(r, S, B, H) : null;
        Recurrent.Output want = rnn.forward(x, null, h0, c0);

        Path file = tmp.resolve("m" + seed + ".onnx");
        OnnxExport.write(rnn, file);
        Map<String, Value> feeds = new LinkedHashMap<>();
        feeds.put("X", Value.of(x));
        feeds.put("h0", Value.of(h0));
        if (c0 != null) feeds.put("c0", Value.of(c0));
        Map<String, Value> ort = OrtPeer.run(file, feeds);
        Map<String, Value> own = OnnxGraph.load(file).run(feeds);
        worstOrt = Math.max(worstOrt, compare(want, ort, cf));
        worstOwn = Math.max(worstOwn, compare(want, own, cf));
    }

    private static double compare(Recurrent.Output want, Map<String, Value> got, RecurrentConfig cf) {
        double worst = 0;
        worst = Math.max(worst, diff(want.y(), got.get("y"), "y " + cf.describe()));
        worst = Math.max(worst, diff(want.hn(), got.get("hn"), "hn " + cf.describe()));
        if (want.cn() != null) worst = Math.max(worst, diff(want.cn(), got.get("cn"), "cn " + cf.describe()));
        return worst;
    }

    private static double diff(Tensor want, Value got, String what) {
        assertArrayEquals(want.shape, got.shape(), what);
        double err = 0;
        for (int i = 0; i < want.size(); i++) err = Math.max(err, Math.abs(want.data[i] - got.floats()[i]));
        assertTrue(err <= TOL, what + " differs by " + err);
        return err;
    }

    private static Tensor gaussian(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.data[i] = (float) r.nextGaussian();
        return t;
    }
}
