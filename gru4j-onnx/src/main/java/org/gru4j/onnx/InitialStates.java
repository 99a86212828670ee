package org.gru4j.onnx;

import org.gru4j.onnx.OnnxModel.Attribute;
import org.gru4j.onnx.OnnxModel.Graph;
import org.gru4j.onnx.OnnxModel.Node;
import org.gru4j.onnx.OnnxModel.ValueInfo;
import org.gru4j.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graph inputs a run may leave out: initial states of recurrent nodes. ONNX lets a GRU, LSTM or RNN node omit
 * initial_h (and an LSTM initial_c), meaning zeros; exporters nevertheless make them graph inputs (torch.onnx.export
 * with an h0 argument, gru4j's own export). A graph input counts as an initial state when
 * <ul>
 * <li>every use of it is, directly or through operators that only move, select or repeat the elements of their
 *     first input ({@link #MOVES}: Identity, Cast, Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Slice, Split,
 *     Gather, Expand — as that first input), the initial_h input of a GRU/LSTM/RNN node or the initial_c input of an
 *     LSTM node, and at least one use is;</li>
 * <li>neither it nor a value on those paths is a graph output or read inside a subgraph (If, Loop, Scan).</li>
 * </ul>
 * Zeros then reach each recurrent node as zeros, which is exactly the omitted state. Their shape is the one the
 * model declares for the input; a symbolic dimension ("batch") takes the size of the same symbol in a fed input's
 * declared shape. When that leaves a dimension unknown, the run is refused naming the input and its declared shape.
 */
final class InitialStates {
    private InitialStates() {}

    /** Operators whose outputs hold only elements of their first input (so zeros in give zeros out). */
    static final Set<String> MOVES = Set.of("Identity", "Cast", "Reshape", "Flatten", "Squeeze", "Unsqueeze",
            "Transpose", "Slice", "Split", "Gather", "Expand");

    /** The names in inputs (the graph inputs a caller feeds) that are initial states, in declaration order. */
    static Set<String> of(Graph g, List<ValueInfo> inputs) {
        Map<String, List<int[]>> uses = new HashMap<>();   // value → (node index, input position) pairs
        List<Node> nodes = g.nodes();
        for (int k = 0; k < nodes.size(); k++) {
            List<String> in = nodes.get(k).inputs();
            for (int q = 0; q < in.size(); q++) {
                if (!in.get(q).isEmpty()) uses.computeIfAbsent(in.get(q), n -> new ArrayList<>()).add(new int[]{k, q});
            }
        }
        Set<String> excluded = new HashSet<>();
        for (ValueInfo o : g.outputs()) excluded.add(o.name());
        for (Node n : nodes) readInside(n, excluded);
        Set<String> states = new LinkedHashSet<>();
        for (ValueInfo v : inputs) if (isState(v.name(), nodes, uses, excluded)) states.add(v.name());
        return states;
    }

    private static boolean isState(String input, List<Node> nodes, Map<String, List<int[]>> uses, Set<String> excluded) {
        boolean reached = false;
        Set<String> seen = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>();
        todo.add(input);
        while (!todo.isEmpty()) {
            String value = todo.poll();
            if (!seen.add(value)) continue;
            if (excluded.contains(value)) return false;
            for (int[] use : uses.getOrDefault(value, List.of())) {
                Node n = nodes.get(use[0]);
                int q = use[1];
                String op = n.opType();
                boolean plainDomain = n.domain().isEmpty() || n.domain().equals("ai.onnx");
                if (!plainDomain) return false;
                if ((op.equals("GRU") || op.equals("RNN")) && q == 5 || op.equals("LSTM") && (q == 5 || q == 6)) {
                    reached = true;
                } else if (MOVES.contains(op) && q == 0) {
                    for (String o : n.outputs()) if (!o.isEmpty()) todo.add(o);
                } else {
                    return false;
                }
            }
        }
        return reached;
    }

    /** Adds every name read or written inside the subgraphs of n (at any depth) to names. */
    private static void readInside(Node n, Set<String> names) {
        for (Attribute a : n.attributes().values()) {
            if (a.type() != Attribute.GRAPH || a.g() == null) continue;
            for (Node inner : a.g().nodes()) {
                names.addAll(inner.inputs());
                names.addAll(inner.outputs());
                readInside(inner, names);
            }
            for (ValueInfo o : a.g().outputs()) names.add(o.name());
        }
    }

    /**
     * Zeros for the initial state v, which the feeds leave out, in v's declared shape; a symbolic dimension takes its
     * size from the fed inputs (among inputs) that declare the same symbol.
     */
    static Value zeros(ValueInfo v, List<ValueInfo> inputs, Map<String, Value> feeds) {
        List<Object> dims = v.dims();
        String declared = "input '" + v.name() + "' (an initial state, zeros when left out)";
        if (dims.isEmpty()) throw new IllegalArgumentException(declared + " has no declared shape: feed it");
        int[] shape = new int[dims.size()];
        for (int k = 0; k < shape.length; k++) {
            Object d = dims.get(k);
            if (d instanceof Long l && l > 0 && l <= Integer.MAX_VALUE) {
                shape[k] = (int) (long) l;
            } else if (d instanceof String s && !s.isEmpty() && !s.equals("?")) {
                shape[k] = bound(s, inputs, feeds, declared, dims);
            } else {
                throw new IllegalArgumentException(declared + " is declared " + dims + ", whose dimension " + k
                        + " has no size or name: feed it");
            }
        }
        return Value.of(Tensor.zeros(shape));
    }

    /** The size of symbol s in the fed inputs' declared shapes; refuses when none declares it or two disagree. */
    private static int bound(String s, List<ValueInfo> inputs, Map<String, Value> feeds, String declared, List<Object> dims) {
        int size = -1;
        String from = null;
        for (ValueInfo i : inputs) {
            Value x = feeds.get(i.name());
            if (x == null || i.dims().size() != x.rank()) continue;
            for (int k = 0; k < x.rank(); k++) {
                if (!s.equals(i.dims().get(k))) continue;
                if (size >= 0 && x.shape()[k] != size) {
                    throw new IllegalArgumentException(declared + " is declared " + dims + ", and '" + s + "' is "
                            + size + " in " + from + " but " + x.shape()[k] + " in " + i.name() + ": feed it");
                }
                size = x.shape()[k];
                from = i.name();
            }
        }
        if (size < 0) {
            throw new IllegalArgumentException(declared + " is declared " + dims + ", and no input fed declares '" + s
                    + "' to give its size: feed it");
        }
        return size;
    }
}
