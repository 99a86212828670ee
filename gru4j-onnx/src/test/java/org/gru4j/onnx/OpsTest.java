package org.gru4j.onnx;

import org.gru4j.onnx.OnnxModel.Attribute;
import org.gru4j.onnx.OnnxModel.Node;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The glue operators against values worked out by hand or by plain loops, including their opset differences. */
class OpsTest {

    private static Node node(String op, Map<String, Attribute> attrs, int inputs) {
        List<String> in = new java.util.ArrayList<>();
        for (int k = 0; k < inputs; k++) in.add("i" + k);
        return new Node("n", op, "", in, List.of("o"), attrs);
    }

    private static Attribute ints(String name, long... v) {
        return new Attribute(name, Attribute.INTS, 0, 0, null, null, new float[0], v, List.of(), null);
    }

    private static Attribute i(String name, long v) {
        return new Attribute(name, Attribute.INT, 0, v, null, null, new float[0], new long[0], List.of(), null);
    }

    private static Map<String, Attribute> attrs(Attribute... a) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        for (Attribute x : a) m.put(x.name(), x);
        return m;
    }

    private static Value run(String op, long opset, Map<String, Attribute> attrs, Value... in) throws Exception {
        return Ops.apply(node(op, attrs, in.length), in, opset, null, op)[0];
    }

    private static Value iota(int... shape) {
        float[] f = new float[(int) Value.size(shape, "t")];
        for (int k = 0; k < f.length; k++) f[k] = k;
        return Value.floats(shape, f);
    }

    private static Value longs(long... v) {
        return Value.ints(new int[]{v.length}, v);
    }

    @Test
    void sliceWithNegativeStepAndClampedEnds() throws Exception {
        // x = [[0..4],[5..9]]; x[:, 4:0:-2] = [[4,2],[9,7]]
        Value x = iota(2, 5);
        Value y = run("Slice", 13, attrs(), x, longs(4), longs(0), longs(1), longs(-2));
        assertArrayEquals(new int[]{2, 2}, y.shape());
        assertArrayEquals(new float[]{4, 2, 9, 7}, y.floats());
        // opset 9: attributes; ends past the dimension are clamped: x[1:, -3:100] = [[7,8,9]]
        Value z = run("Slice", 9, attrs(ints("starts", 1, -3), ints("ends", 100, 100), ints("axes", 0, 1)), x);
        assertArrayEquals(new float[]{7, 8, 9}, z.floats());
    }

    @Test
    void squeezeAndUnsqueezeTakeAxesByOpset() throws Exception {
        Value x = iota(3, 1, 2);
        assertArrayEquals(new int[]{3, 2}, run("Squeeze", 11, attrs(ints("axes", 1)), x).shape());
        assertArrayEquals(new int[]{3, 2}, run("Squeeze", 13, attrs(), x, longs(-2)).shape());
        assertArrayEquals(new int[]{1, 3, 1, 2, 1}, run("Unsqueeze", 11, attrs(ints("axes", 0, 4)), x).shape());
        assertArrayEquals(new int[]{3, 1, 2, 1}, run("Unsqueeze", 13, attrs(), x, longs(-1)).shape());
        assertThrows(IllegalArgumentException.class, () -> run("Squeeze", 13, attrs(), x, longs(0)));
    }

    @Test
    void gatherWithNegativeIndexAndReshapeWithZeroAndMinusOne() throws Exception {
        Value x = iota(3, 4);
        Value g = run("Gather", 13, attrs(i("axis", 1)), x, Value.ints(new int[0], new long[]{-1}));
        assertArrayEquals(new int[]{3}, g.shape());
        assertArrayEquals(new float[]{3, 7, 11}, g.floats());
        Value r = run("Reshape", 13, attrs(), iota(2, 3, 4), longs(0, -1));
        assertArrayEquals(new int[]{2, 12}, r.shape());
    }

    @Test
    void transposeMatchesLoops() throws Exception {
        Value x = iota(2, 3, 4);
        Value y = run("Transpose", 13, attrs(ints("perm", 1, 2, 0)), x);
        assertArrayEquals(new int[]{3, 4, 2}, y.shape());
        for (int a = 0; a < 2; a++) for (int b = 0; b < 3; b++) for (int c = 0; c < 4; c++) {
            assertEquals(x.floats()[(a * 3 + b) * 4 + c], y.floats()[(b * 4 + c) * 2 + a]);
        }
    }

    @Test
    void expandWhereEqualRangeCastConcat() throws Exception {
        Value e = run("Expand", 13, attrs(), Value.floats(new int[]{3, 1}, new float[]{1, 2, 3}), longs(2, 1, 4));
        assertArrayEquals(new int[]{2, 3, 4}, e.shape());
        assertEquals(3f, e.floats()[2 * 4 + 3]);
        Value eq = run("Equal", 13, attrs(), longs(1, 2, 3), Value.ints(new int[0], new long[]{2}));
        assertArrayEquals(new long[]{0, 1, 0}, eq.ints());
        Value w = run("Where", 13, attrs(), eq, Value.floats(new int[]{3}, new float[]{10, 20, 30}), Value.floats(new int[0], new float[]{-1}));
        assertArrayEquals(new float[]{-1, 20, -1}, w.floats());
        Value rg = run("Range", 13, attrs(), Value.ints(new int[0], new long[]{5}), Value.ints(new int[0], new long[]{-2}),
                Value.ints(new int[0], new long[]{-3}));
        assertArrayEquals(new long[]{5, 2, -1}, rg.ints());
        Value c = run("Cast", 13, attrs(i("to", 7)), Value.floats(new int[]{2}, new float[]{2.7f, -2.7f}));
        assertArrayEquals(new long[]{2, -2}, c.ints());
        Value cc = run("Concat", 13, attrs(i("axis", -1)), iota(2, 1), iota(2, 2));
        assertArrayEquals(new float[]{0, 0, 1, 1, 2, 3}, cc.floats());
    }

    @Test
    void softmaxCoercesTo2dBeforeOpset13() throws Exception {
        Value x = iota(2, 2, 2);
        Value old = run("Softmax", 11, attrs(i("axis", 1)), x);     // over the last 4 values of each row
        Value now = run("Softmax", 13, attrs(i("axis", 1)), x);     // over axis 1 only
        double e = Math.exp(1), s4 = 1 + e + e * e + e * e * e;
        assertEquals(1 / s4, old.floats()[0], 1e-6);
        assertEquals(1 / (1 + e * e), now.floats()[0], 1e-6);
        Value log = run("LogSoftmax", 13, attrs(), x);
        assertEquals(-Math.log(1 + e), log.floats()[0], 1e-6);
    }

    @Test
    void matmulBroadcastsAndGemmTransposes() throws Exception {
        Random rnd = new Random(3);
        Value a = rand(rnd, 2, 3, 4), b = rand(rnd, 4, 5);
        Value y = run("MatMul", 13, attrs(), a, b);
        assertArrayEquals(new int[]{2, 3, 5}, y.shape());
        for (int p = 0; p < 2; p++) for (int i = 0; i < 3; i++) for (int j = 0; j < 5; j++) {
            double s = 0;
            for (int k = 0; k < 4; k++) s += a.floats()[(p * 3 + i) * 4 + k] * b.floats()[k * 5 + j];
            assertEquals(s, y.floats()[(p * 3 + i) * 5 + j], 1e-5);
        }
        Value ga = rand(rnd, 4, 3), gb = rand(rnd, 5, 4), gc = rand(rnd, 5);
        Value g = Ops.apply(node("Gemm", attrs(i("transA", 1), i("transB", 1),
                new Attribute("alpha", Attribute.FLOAT, 0.5f, 0, null, null, new float[0], new long[0], List.of(), null)), 3),
                new Value[]{ga, gb, gc}, 13, null, "Gemm")[0];
        assertArrayEquals(new int[]{3, 5}, g.shape());
        for (int m = 0; m < 3; m++) for (int n = 0; n < 5; n++) {
            double s = 0;
            for (int k = 0; k < 4; k++) s += ga.floats()[k * 3 + m] * gb.floats()[n * 4 + k];
            assertEquals(0.5 * s + gc.floats()[n], g.floats()[m * 5 + n], 1e-5);
        }
    }

    @Test
    void splitBySizesOrEqually() throws Exception {
        Value x = iota(2, 6);
        Node n3 = new Node("s", "Split", "", List.of("x", "sizes"), List.of("a", "b", "c"), attrs(i("axis", 1)));
        Value[] p = Ops.apply(n3, new Value[]{x, longs(1, 2, 3)}, 13, null, "Split");
        assertArrayEquals(new float[]{1, 2, 7, 8}, p[1].floats());
        assertArrayEquals(new int[]{2, 3}, p[2].shape());
        Node n2 = new Node("s", "Split", "", List.of("x"), List.of("a", "b"), attrs(i("axis", -1)));
        Value[] q = Ops.apply(n2, new Value[]{x}, 11, null, "Split");
        assertArrayEquals(new float[]{3, 4, 5, 9, 10, 11}, q[1].floats());
        assertThrows(IllegalArgumentException.class, () -> Ops.apply(n3, new Value[]{x, longs(1, 2, 2)}, 13, null, "Split"));
    }

    @Test
    void broadcastMismatchNamesTheShapes() {
        Exception e = assertThrows(IllegalArgumentException.class, () -> run("Add", 13, attrs(), iota(2, 3), iota(4)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    private static Value rand(Random r, int... shape) {
        float[] f = new float[(int) Value.size(shape, "t")];
        for (int k = 0; k < f.length; k++) f[k] = (float) r.nextGaussian();
        return Value.floats(shape, f);
    }

    @SuppressWarnings("unused")
    private static String show(Value v) {
        return Arrays.toString(v.shape()) + Arrays.toString(v.floats());
    }
}
