package org.gru4j.onnx;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The interpreter's bounds (issue 16, items 4–5): small graphs that ask for gigabytes are refused by the run's
 * budget with one line naming the node; nodes nobody needs are not run; values are dropped after their last use;
 * 200k nodes load quickly; Concat of many empty tensors costs nothing.
 */
class InterpreterLimitsTest {

    /** A ModelProto (opset 13) of the given nodes, graph input x (float [2]) unless inputs say otherwise. */
    static byte[] model(List<byte[]> nodes, List<byte[]> inits, List<byte[]> inputs, List<String> outputs) {
        ProtoWriter.Msg g = new ProtoWriter.Msg();
        for (byte[] n : nodes) g.message(1, n);
        g.string(2, "g");
        for (byte[] t : inits) g.message(5, t);
        for (byte[] i : inputs) g.message(11, i);
        for (String o : outputs) g.message(12, ProtoWriter.valueInfo(o));
        byte[] opset = new ProtoWriter.Msg().string(1, "").int64(2, 13).toBytes();
        return new ProtoWriter.Msg().int64(1, 8).message(7, g.toBytes()).message(8, opset).toBytes();
    }

    static OnnxGraph graph(byte[] model) throws Exception {
        return new OnnxGraph(OnnxReader.parse(model, Path.of(".")));
    }

    static byte[] node(String op, String name, List<String> in, List<String> out) {
        return ProtoWriter.node(op, name, in, out, List.of());
    }

    private static String refusal(OnnxGraph g, Map<String, Value> feeds) {
        Exception e = assertThrows(IllegalArgumentException.class, () -> g.run(feeds, new Budget(100_000_000)));
        assertTrue(!e.getMessage().contains("\n"), "one line");
        return e.getMessage();
    }

    @Test
    void constantOfShapeExpandRangeAndTileAreRefusedByTheBudget() throws Exception {
        String m = refusal(graph(model(List.of(node("ConstantOfShape", "huge", List.of("s"), List.of("y"))),
                List.of(ProtoWriter.int64Tensor("s", new long[]{Integer.MAX_VALUE - 9})), List.of(), List.of("y"))), Map.of());
        assertTrue(m.contains("ConstantOfShape 'huge'") && m.contains("budget"), m);
        m = refusal(graph(model(List.of(node("Expand", "wide", List.of("one", "s"), List.of("y"))),
                List.of(ProtoWriter.floatTensor("one", new int[]{1}, new float[]{1}), ProtoWriter.int64Tensor("s", new long[]{46340, 46340})),
                List.of(), List.of("y"))), Map.of());
        assertTrue(m.contains("Expand 'wide'") && m.contains("budget"), m);
        m = refusal(graph(model(List.of(node("Range", "long", List.of("a", "b", "c"), List.of("y"))),
                List.of(scalar("a", 0), scalar("b", 2_000_000_000L), scalar("c", 1)), List.of(), List.of("y"))), Map.of());
        assertTrue(m.contains("Range 'long'") && m.contains("budget"), m);
        m = refusal(graph(model(List.of(node("Tile", "tiles", List.of("one", "r"), List.of("y"))),
                List.of(ProtoWriter.floatTensor("one", new int[]{1, 1}, new float[]{1}), ProtoWriter.int64Tensor("r", new long[]{40000, 40000})),
                List.of(), List.of("y"))), Map.of());
        assertTrue(m.contains("Tile 'tiles'") && m.contains("budget"), m);
    }

    private static byte[] scalar(String name, long v) {
        return new ProtoWriter.Msg().int64(2, TensorData.INT64).string(8, name).int64(7, v).toBytes();
    }

    @Test
    void unusedNodesDoNotRun() throws Exception {
        // 200 ConstantOfShape([25e6]) nobody reads: 5e9 elements if they ran
        List<byte[]> nodes = new ArrayList<>();
        for (int k = 0; k < 200; k++) nodes.add(node("ConstantOfShape", "unused" + k, List.of("s"), List.of("u" + k)));
        nodes.add(node("Identity", "out", List.of("x"), List.of("y")));
        OnnxGraph g = graph(model(nodes, List.of(ProtoWriter.int64Tensor("s", new long[]{25_000_000})),
                List.of(ProtoWriter.valueInfo("x", 2L)), List.of("y")));
        long t0 = System.nanoTime();
        Value y = g.run(Map.of("x", Value.floats(new int[]{2}, new float[]{3, 4}))).get("y");
        assertArrayEquals(new float[]{3, 4}, y.floats());
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "ran in well under a second");
    }

    @Test
    void valuesAreDroppedAfterTheirLastUse() throws Exception {
        // x (fed, 1M elements) doubled 12 times: 12M elements held if all were kept, at most 2M live when each is
        // dropped after its one reader
        List<byte[]> nodes = new ArrayList<>();
        nodes.add(node("Identity", "first", List.of("x"), List.of("v0")));
        for (int k = 0; k < 12; k++) nodes.add(node("Add", "add" + k, List.of("v" + k, "v" + k), List.of("v" + (k + 1))));
        nodes.add(node("ReduceSum", "sum", List.of("v12"), List.of("y")));
        List<byte[]> inputs = List.of(ProtoWriter.valueInfo("x", 1_000_000L));
        Map<String, Value> feeds = Map.of("x", Value.floats(new int[]{1_000_000}, new float[1_000_000]));
        OnnxGraph g = graph(model(nodes, List.of(), inputs, List.of("y")));
        Value y = g.run(feeds, new Budget(2_500_000)).get("y");
        assertEquals(0f, y.floats()[0]);
        // the same budget is too small when a value must stay: v1 read again at the end
        nodes.set(nodes.size() - 1, node("Sum", "sum", List.of("v12", "v1"), List.of("y")));
        OnnxGraph kept = graph(model(nodes, List.of(), inputs, List.of("y")));
        Exception e = assertThrows(IllegalArgumentException.class, () -> kept.run(feeds, new Budget(2_500_000)));
        assertTrue(e.getMessage().contains("budget"), e.getMessage());
    }

    /** This thread's CPU time in ns (a shared machine's load does not count against it). */
    private static long cpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** CPU seconds to parse, to parse and compile, and to run a chain of n Identity nodes; checks the chain runs. */
    private static double[] identityChain(int n) throws Exception {
        List<byte[]> nodes = new ArrayList<>(n);
        for (int k = 0; k < n; k++) nodes.add(node("Identity", "", List.of(k == 0 ? "x" : "v" + k), List.of(k == n - 1 ? "y" : "v" + (k + 1))));
        byte[] bytes = model(nodes, List.of(), List.of(ProtoWriter.valueInfo("x", 2L)), List.of("y"));
        long t0 = cpu();
        OnnxModel parsed = OnnxReader.parse(bytes, Path.of("."));
        long t1 = cpu();
        OnnxGraph g = new OnnxGraph(parsed);
        long t2 = cpu();
        Value y = g.run(Map.of("x", Value.floats(new int[]{2}, new float[]{1, 2}))).get("y");
        long t3 = cpu();
        assertArrayEquals(new float[]{1, 2}, y.floats());
        return new double[]{(t1 - t0) / 1e9, (t2 - t0) / 1e9, (t3 - t2) / 1e9};
    }

    @Test
    void twoHundredThousandIdentityNodesLoadQuickly() throws Exception {
        identityChain(20_000);   // warm-up
        double[] small = identityChain(20_000), big = identityChain(200_000);
        System.out.printf("Identity chains (CPU time): 20k nodes load in %.3f s; 200k nodes parse in %.3f s, load in %.3f s, run in %.3f s (load %.1f× the 20k one)%n",
                small[1], big[0], big[1], big[2], big[1] / small[1]);
        // linear, not quadratic (which would be 100×); the absolute bound is loose because CI machines are shared
        assertTrue(big[1] < 25 * Math.max(small[1], 0.01), "load time grows linearly: " + big[1] + " s vs " + small[1] + " s");
        assertTrue(big[1] < 3.0, "200k nodes load in under 3 CPU seconds: " + big[1]);
    }

    @Test
    void concatOfManyEmptyTensorsIsFree() throws Exception {
        List<byte[]> nodes = new ArrayList<>();
        nodes.add(node("ConstantOfShape", "empty", List.of("s"), List.of("e")));
        List<String> many = new ArrayList<>();
        for (int k = 0; k < 10_000; k++) many.add("e");
        nodes.add(ProtoWriter.node("Concat", "cat", many, List.of("y"), List.of(ProtoWriter.intAttr("axis", 1))));
        OnnxGraph g = graph(model(nodes, List.of(ProtoWriter.int64Tensor("s", new long[]{2_147_483_639L, 0, 0})), List.of(), List.of("y")));
        long t0 = System.nanoTime();
        Value y = g.run(Map.of()).get("y");
        assertArrayEquals(new int[]{2_147_483_639, 0, 0}, y.shape());
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
    }

    @Test
    void initializersSharingOneExternalBlobAreBoundedAtLoad(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        // 300 uint8 initializers of 10 MB each, all pointing at one 10 MB file: 3·10^9 elements from a 10 MB blob
        java.nio.file.Files.write(tmp.resolve("blob.bin"), new byte[10_000_000]);
        List<byte[]> inits = new ArrayList<>();
        for (int k = 0; k < 300; k++) {
            ProtoWriter.Msg t = new ProtoWriter.Msg().int64(1, 10_000_000).int64(2, TensorData.UINT8).string(8, "w" + k);
            t.message(13, new ProtoWriter.Msg().string(1, "location").string(2, "blob.bin").toBytes());
            t.int64(14, 1);
            inits.add(t.toBytes());
        }
        byte[] bytes = model(List.of(node("Identity", "out", List.of("x"), List.of("y"))), inits, List.of(ProtoWriter.valueInfo("x", 2L)), List.of("y"));
        System.setProperty("gru4j.onnx.maxElements", "100000000");
        try {
            Exception e = assertThrows(IllegalArgumentException.class, () -> new OnnxGraph(OnnxReader.parse(bytes, tmp)));
            assertTrue(e.getMessage().contains("initializer 'w") && e.getMessage().contains("budget"), e.getMessage());
        } finally {
            System.clearProperty("gru4j.onnx.maxElements");
        }
    }

    @Test
    void deeplyNestedSubgraphsAreRefusedAtParse() {
        // If inside If inside If …: 64 levels
        byte[] g = null;
        for (int level = 0; level < 64; level++) {
            ProtoWriter.Msg graph = new ProtoWriter.Msg();
            if (g != null) {
                byte[] attr = new ProtoWriter.Msg().string(1, "then_branch").message(6, g).int64(20, OnnxModel.Attribute.GRAPH).toBytes();
                graph.message(1, ProtoWriter.node("If", "if" + level, List.of("c"), List.of("o"), List.of(attr)));
            }
            graph.string(2, "g" + level).message(12, ProtoWriter.valueInfo("o"));
            g = graph.toBytes();
        }
        byte[] opset = new ProtoWriter.Msg().string(1, "").int64(2, 13).toBytes();
        byte[] bytes = new ProtoWriter.Msg().int64(1, 8).message(7, g).message(8, opset).toBytes();
        Exception e = assertThrows(Exception.class, () -> OnnxReader.parse(bytes, Path.of(".")));
        assertTrue(e.getMessage().contains("nest deeper"), e.getMessage());
    }
}
