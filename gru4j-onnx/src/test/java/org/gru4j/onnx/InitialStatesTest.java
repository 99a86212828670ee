package org.gru4j.onnx;

import org.gru4j.io.Safetensors;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.onnx.OnnxModel.Attribute;
import org.gru4j.onnx.OnnxModel.Graph;
import org.gru4j.onnx.OnnxModel.Node;
import org.gru4j.onnx.OnnxModel.TensorProto;
import org.gru4j.onnx.OnnxModel.ValueInfo;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15: an initial state a run leaves out is zeros (OnnxGraph.run), as ONNX's omitted initial_h / initial_c; which
 * inputs count as one, and the refusals when the zeros' shape is not known.
 */
class InitialStatesTest {
    static final Path FIXTURES = Path.of("src", "test", "resources", "onnx-fixtures");

    @TempDir
    Path tmp;

    private static Tensor gaussian(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.data.length; i++) t.data[i] = (float) r.nextGaussian();
        return t;
    }

    private static void sameBits(Value want, Value got, String what) {
        assertArrayEquals(want.shape(), got.shape(), what);
        assertArrayEquals(want.floats(), got.floats(), what + ": left-out state must equal fed zeros bit for bit");
    }

    @Test
    void gru4jsOwnExportRunsOnXAlone() throws Exception {
        Random r = new Random(15);
        for (RecurrentConfig cf : List.of(RecurrentConfig.pytorch(CellKind.GRU, 3, 5, 2, false, true),
                RecurrentConfig.pytorch(CellKind.LSTM, 4, 3, 2, true, true),
                RecurrentConfig.pytorch(CellKind.RNN_TANH, 2, 6, 1, true, false))) {
            Recurrent rnn = new Recurrent(cf);
            for (int i = 0; i < rnn.params.length; i++) rnn.params[i] = (float) (r.nextGaussian() * 0.5);
            Path file = tmp.resolve(cf.cell() + ".onnx");
            OnnxExport.write(rnn, file);
            OnnxGraph g = OnnxGraph.load(file);
            boolean lstm = cf.cell() == CellKind.LSTM;
            assertEquals(lstm ? List.of("h0", "c0") : List.of("h0"), List.copyOf(g.initialStates), cf.describe());

            int T = 4, B = 3, S = cf.layers() * cf.directions();
            Tensor x = gaussian(r, T, B, cf.input());
            Map<String, Value> alone = g.run(Map.of("X", Value.of(x)));
            Map<String, Value> zeros = new LinkedHashMap<>();
            zeros.put("X", Value.of(x));
            zeros.put("h0", Value.of(Tensor.zeros(S, B, cf.hidden())));
            if (lstm) zeros.put("c0", Value.of(Tensor.zeros(S, B, cf.hidden())));
            Map<String, Value> fed = g.run(zeros);
            for (String out : alone.keySet()) sameBits(fed.get(out), alone.get(out), cf.describe() + " " + out);

            Recurrent.Output want = rnn.forward(x);
            Tensor y = alone.get("y").toTensor("y");
            assertArrayEquals(want.y().shape, y.shape);
            for (int i = 0; i < y.data.length; i++) assertEquals(want.y().data[i], y.data[i], 1e-5, cf.describe() + " y[" + i + "]");
        }
    }

    @Test
    void torchExportWithDynamicBatchDefaultsEitherState() throws Exception {
        // LSTM, 2 layers, bidirectional, batch_first: x (batch, steps, 8), h0 and c0 (4, batch, 5)
        String c = "torch_lstm_L2_bi_h0_bf_op17_dyn";
        OnnxGraph g = OnnxGraph.load(FIXTURES.resolve(c + ".onnx"));
        assertEquals(List.of("h0", "c0"), List.copyOf(g.initialStates));
        Map<String, Tensor> t = Safetensors.read(FIXTURES.resolve(c + ".safetensors")).tensors();
        Tensor x = t.get("in.x"), h0 = t.get("in.h0");
        int B = x.shape[0];
        Value zeros = Value.of(Tensor.zeros(4, B, 5));
        Map<String, Value> fedZeros = g.run(Map.of("x", Value.of(x), "h0", zeros, "c0", zeros));
        Map<String, Value> alone = g.run(Map.of("x", Value.of(x)));
        for (String out : fedZeros.keySet()) sameBits(fedZeros.get(out), alone.get(out), c + " x alone: " + out);
        // c0 alone left out
        Map<String, Value> fedC0 = g.run(Map.of("x", Value.of(x), "h0", Value.of(h0), "c0", zeros));
        Map<String, Value> noC0 = g.run(Map.of("x", Value.of(x), "h0", Value.of(h0)));
        for (String out : fedC0.keySet()) sameBits(fedC0.get(out), noC0.get(out), c + " c0 left out: " + out);
        assertFalse(Arrays.equals(fedZeros.get(g.outputs.get(0).name()).floats(), noC0.get(g.outputs.get(0).name()).floats()),
                "the fed h0 made a difference");
    }

    // --- hand-made graphs: X (steps, batch, 2) → GRU (hidden 3) with initial_h from a graph input

    private static final int I = 2, H = 3;

    private static TensorProto weights(String name, int... dims) {
        float[] v = new float[dims[0] * dims[1] * dims[2]];
        for (int i = 0; i < v.length; i++) v[i] = 0.1f * ((i % 7) - 3);
        return new TensorProto(name, Arrays.stream(dims).asLongStream().toArray(), TensorData.FLOAT, null, v, null, null, Map.of(), false);
    }

    private static ValueInfo info(String name, Object... dims) {
        return new ValueInfo(name, TensorData.FLOAT, List.of(dims));
    }

    private static Node node(String op, List<String> in, List<String> out, Attribute... attrs) {
        Map<String, Attribute> a = new LinkedHashMap<>();
        for (Attribute x : attrs) a.put(x.name(), x);
        return new Node("", op, "", in, out, a);
    }

    private static Attribute hidden() {
        return new Attribute("hidden_size", Attribute.INT, 0, H, null, null, null, null, null, null);
    }

    /** A GRU reading initial_h from stateValue, preceded by extra nodes; inputs X and the given ones. */
    private static OnnxGraph gru(String stateValue, List<Node> before, List<ValueInfo> inputs, List<ValueInfo> outputs) throws Exception {
        List<Node> nodes = new ArrayList<>(before);
        nodes.add(node("GRU", List.of("X", "W", "R", "", "", stateValue), List.of("Y", "Y_h"), hidden()));
        List<ValueInfo> in = new ArrayList<>();
        in.add(info("X", "steps", "batch", (long) I));
        in.addAll(inputs);
        List<ValueInfo> out = new ArrayList<>(List.of(info("Y_h", 1L, "batch", (long) H)));
        out.addAll(outputs);
        Graph graph = new Graph("g", nodes, List.of(weights("W", 1, 3 * H, I), weights("R", 1, 3 * H, H)), in, out);
        return new OnnxGraph(new OnnxModel(8, Map.of("", 14L), graph, Path.of(".")));
    }

    private static Map<String, Value> x(int steps, int batch) {
        return Map.of("X", Value.of(Tensor.zeros(steps, batch, I)));
    }

    @Test
    void onlyInputsThatBecomeNothingButInitialStatesAreDefaulted() throws Exception {
        ValueInfo h0 = info("h0", 1L, "batch", (long) H);
        // directly, and through Identity and Slice (as data): initial states, whatever their name
        assertEquals(names("h0"), gru("h0", List.of(), List.of(h0), List.of()).initialStates);
        ValueInfo state = info("state", 2L, "batch", (long) H);
        List<Node> slice = List.of(node("Identity", List.of("state"), List.of("s1")),
                node("Slice", List.of("s1", "from", "to"), List.of("s2")));
        List<Node> consts = List.of(node("Constant", List.of(), List.of("from"), longs("value", 0)),
                node("Constant", List.of(), List.of("to"), longs("value", 1)));
        List<Node> sliced = new ArrayList<>(consts);
        sliced.addAll(slice);
        OnnxGraph viaSlice = gru("s2", sliced, List.of(state), List.of());
        assertEquals(names("state"), viaSlice.initialStates);
        assertArrayEquals(new int[]{1, 4, H}, viaSlice.run(x(5, 4)).get("Y_h").shape());

        // also added to something: not an initial state, so still required
        List<Node> add = List.of(node("Add", List.of("h0", "h0"), List.of("h0x2")));
        OnnxGraph added = gru("h0", add, List.of(h0), List.of(info("h0x2", 1L, "batch", (long) H)));
        assertTrue(added.initialStates.isEmpty());
        Exception e = assertThrows(IllegalArgumentException.class, () -> added.run(x(5, 4)));
        assertTrue(e.getMessage().contains("input 'h0' is required"), e.getMessage());
        // also a graph output: not an initial state
        assertTrue(gru("h0", List.of(), List.of(h0), List.of(h0)).initialStates.isEmpty());
        // a Slice's bounds, not its data
        List<Node> bounds = List.of(node("Constant", List.of(), List.of("all"), floats("value", 3)),
                node("Slice", List.of("all", "to", "to"), List.of("h0s")));
        ValueInfo to = new ValueInfo("to", TensorData.INT64, List.of(1L));
        assertTrue(gru("h0s", bounds, List.of(to), List.of()).initialStates.isEmpty());
        // read inside a subgraph (an If branch): not an initial state
        Graph branch = new Graph("b", List.of(node("Identity", List.of("h0"), List.of("h0b"))), List.of(), List.of(),
                List.of(info("h0b")));
        List<Node> inIf = List.of(node("Constant", List.of(), List.of("yes"), bools("value")),
                node("If", List.of("yes"), List.of("h0i"), graph("then_branch", branch), graph("else_branch", branch)));
        assertTrue(gru("h0", inIf, List.of(h0), List.of(info("h0i"))).initialStates.isEmpty());
    }

    @Test
    void zerosWhoseShapeTheFeedsDoNotGiveAreRefusedNamingTheInputAndItsShape() throws Exception {
        // a symbol no fed input declares
        OnnxGraph other = gru("h0", List.of(), List.of(info("h0", 1L, "n", (long) H)), List.of());
        Exception e = assertThrows(IllegalArgumentException.class, () -> other.run(x(5, 4)));
        assertEquals("input 'h0' (an initial state, zeros when left out) is declared [1, n, 3], and no input fed declares 'n'"
                + " to give its size: feed it", e.getMessage());
        // a dimension with neither size nor name
        OnnxGraph unknown = gru("h0", List.of(), List.of(info("h0", 1L, "?", (long) H)), List.of());
        e = assertThrows(IllegalArgumentException.class, () -> unknown.run(x(5, 4)));
        assertTrue(e.getMessage().contains("input 'h0'") && e.getMessage().contains("[1, ?, 3]") && e.getMessage().contains("dimension 1"), e.getMessage());
        // no shape declared
        OnnxGraph none = gru("h0", List.of(), List.of(info("h0")), List.of());
        e = assertThrows(IllegalArgumentException.class, () -> none.run(x(5, 4)));
        assertTrue(e.getMessage().contains("input 'h0'") && e.getMessage().contains("no declared shape"), e.getMessage());
        // two fed inputs that disagree on the symbol
        OnnxGraph two = gru("h0", List.of(), List.of(info("h0", 1L, "batch", (long) H), info("mask", "batch")), List.of());
        e = assertThrows(IllegalArgumentException.class,
                () -> two.run(Map.of("X", Value.of(Tensor.zeros(5, 4, I)), "mask", Value.of(Tensor.zeros(3)))));
        assertTrue(e.getMessage().contains("'batch' is 4 in X but 3 in mask"), e.getMessage());
        // fixed and bound dimensions give the shape; fed, the state is checked as any input is
        OnnxGraph fine = gru("h0", List.of(), List.of(info("h0", 1L, "batch", (long) H)), List.of());
        assertArrayEquals(new int[]{1, 4, H}, fine.run(x(5, 4)).get("Y_h").shape());
        e = assertThrows(IllegalArgumentException.class,
                () -> fine.run(Map.of("X", Value.of(Tensor.zeros(5, 4, I)), "h0", Value.of(Tensor.zeros(1, 4, H + 1)))));
        assertTrue(e.getMessage().contains("input 'h0'"), e.getMessage());
    }

    private static java.util.Set<String> names(String... names) {
        return new java.util.LinkedHashSet<>(List.of(names));
    }

    private static Attribute longs(String name, long v) {
        TensorProto t = new TensorProto("", new long[]{1}, TensorData.INT64, null, null, new long[]{v}, null, Map.of(), false);
        return new Attribute(name, Attribute.TENSOR, 0, 0, null, t, null, null, null, null);
    }

    private static Attribute floats(String name, int n) {
        TensorProto t = new TensorProto("", new long[]{1, n, H}, TensorData.FLOAT, null, new float[n * H], null, null, Map.of(), false);
        return new Attribute(name, Attribute.TENSOR, 0, 0, null, t, null, null, null, null);
    }

    private static Attribute bools(String name) {
        TensorProto t = new TensorProto("", new long[]{}, TensorData.BOOL, null, null, new long[]{1}, null, Map.of(), false);
        return new Attribute(name, Attribute.TENSOR, 0, 0, null, t, null, null, null, null);
    }

    private static Attribute graph(String name, Graph g) {
        return new Attribute(name, Attribute.GRAPH, 0, 0, null, null, null, null, null, g);
    }
}
