package org.gru4j.onnx;

import org.gru4j.onnx.OnnxModel.ValueInfo;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every operator model in onnx-fixtures/ops/ (scripts/make_onnx_fixtures.py --ops: Conv, ConvTranspose, pools,
 * normalisations, reductions, elementwise, shape ops, Einsum, If/Loop/Scan) run by gru4j and by ONNX Runtime on
 * the same random inputs, three draws each: the outputs agree within 1e-4 (relative to max(1, |value|)).
 */
class OpsOrtTest {

    private static Value draw(String model, ValueInfo v, Random rnd) {
        int[] shape = new int[v.dims().size()];
        for (int k = 0; k < shape.length; k++) shape[k] = (int) (long) (Long) v.dims().get(k);
        int n = (int) Value.size(shape, v.name());
        if (v.elemType() == TensorData.INT64) {
            long[] l = new long[n];
            for (int k = 0; k < n; k++) {
                if (model.equals("gatherelements")) l[k] = rnd.nextInt(10) - 5;   // negative indices count from the end
                else {
                    long x;
                    do x = rnd.nextInt(14) - 7; while (x == 0);
                    l[k] = x;
                }
            }
            return Value.ints(shape, l);
        }
        boolean positive = model.matches("u_(log|sqrt|reciprocal)|b_pow|reduce(l2|prod).*|.*logsum.*");
        float[] f = new float[n];
        for (int k = 0; k < n; k++) f[k] = positive ? 0.2f + 2 * rnd.nextFloat() : (float) rnd.nextGaussian();
        return Value.floats(shape, f);
    }

    @Test
    void everyOperatorModelMatchesOnnxRuntime() throws Exception {
        Path dir = Path.of(OpsOrtTest.class.getResource("/onnx-fixtures/ops").toURI());
        List<Path> models;
        try (Stream<Path> s = Files.list(dir)) {
            models = s.filter(p -> p.toString().endsWith(".onnx")).sorted().toList();
        }
        assertTrue(models.size() > 100, "operator models present");
        Random rnd = new Random(13);
        double worst = 0;
        String worstAt = "";
        List<String> bad = new ArrayList<>();
        for (Path m : models) {
            String name = m.getFileName().toString().replace(".onnx", "");
            OnnxGraph g = OnnxGraph.load(m);
            for (int draw = 0; draw < 3; draw++) {
                Map<String, Value> feeds = new LinkedHashMap<>();
                for (ValueInfo v : g.inputs) feeds.put(v.name(), draw(name, v, rnd));
                Map<String, Value> ours = g.run(feeds), theirs = OrtPeer.run(m, feeds);
                assertEquals(theirs.keySet(), ours.keySet(), name);
                for (String out : theirs.keySet()) {
                    Value a = ours.get(out), b = theirs.get(out);
                    assertArrayEquals(b.shape(), a.shape(), name + " " + out + " shape");
                    for (int k = 0; k < a.size(); k++) {
                        double d = Math.abs(a.get(k) - b.get(k)) / Math.max(1, Math.abs(b.get(k)));
                        if (Double.isNaN(a.get(k)) && Double.isNaN(b.get(k))) continue;
                        if (!(d <= 1e-4)) {
                            bad.add(name + " " + out + "[" + k + "]: gru4j " + a.get(k) + ", ORT " + b.get(k));
                            break;
                        }
                        if (d > worst) {
                            worst = d;
                            worstAt = name + " " + out;
                        }
                    }
                }
            }
        }
        System.out.printf("operator models vs ONNX Runtime: %d models × 3 draws, largest relative difference %.2e (%s)%n",
                models.size(), worst, worstAt);
        assertEquals(List.of(), bad);
    }
}
