package org.gru4j.onnx;

import org.gru4j.onnx.OnnxModel.Node;
import org.gru4j.onnx.OnnxModel.TensorProto;
import org.gru4j.onnx.OnnxModel.ValueInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model ready to run: initializers decoded (external data included), every node checked to be an operator
 * gru4j implements, every input a node reads produced by something (a graph input, an initializer or an earlier
 * node), the nodes put in an order that respects their dependencies (a cycle is an error naming its nodes).
 * {@link #run} then evaluates the nodes in that order. Not thread-safe (the recurrent nodes keep workspaces).
 */
public final class OnnxGraph {
    public final OnnxModel model;
    /** The graph inputs a caller must feed: the declared inputs that are not initializers, in declaration order. */
    public final List<ValueInfo> inputs;
    public final List<ValueInfo> outputs;
    private final Map<String, Value> initializers = new HashMap<>();
    private final List<Node> order;
    private final Map<Node, String> names = new HashMap<>();
    private final Map<Node, RecurrentOp> recurrent = new HashMap<>();
    private final Map<Node, Value> constants = new HashMap<>();
    private final long opset;

    public static OnnxGraph load(Path file) throws IOException {
        OnnxModel m = OnnxReader.read(file);
        try {
            return new OnnxGraph(m);
        } catch (IllegalArgumentException e) {
            // one line, also when a name from the file holds a line break
            String msg = file.getFileName() + ": " + e.getMessage();
            throw new IllegalArgumentException(msg.replace("\r", "\\r").replace("\n", "\\n"), e);
        }
    }

    public OnnxGraph(OnnxModel model) throws IOException {
        this.model = model;
        this.opset = model.opset();
        OnnxModel.Graph g = model.graph();
        for (TensorProto t : g.initializers()) {
            if (t.name().isEmpty()) throw new IllegalArgumentException("an initializer has no name");
            initializers.put(t.name(), TensorData.decode(t, model.dir(), "initializer '" + t.name() + "'"));
        }
        List<ValueInfo> in = new ArrayList<>();
        for (ValueInfo v : g.inputs()) if (!initializers.containsKey(v.name())) in.add(v);
        this.inputs = List.copyOf(in);
        this.outputs = List.copyOf(g.outputs());
        if (outputs.isEmpty()) throw new IllegalArgumentException("the graph has no outputs");

        // who produces each value
        Map<String, Node> producer = new HashMap<>();
        Set<String> available = new HashSet<>(initializers.keySet());
        for (ValueInfo v : g.inputs()) available.add(v.name());
        for (int k = 0; k < g.nodes().size(); k++) {
            Node n = g.nodes().get(k);
            String where = n.describe(k);
            names.put(n, where);
            if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
                throw new IllegalArgumentException("unsupported operator " + n.domain() + "." + where + " (domain '" + n.domain() + "')");
            }
            boolean rec = n.opType().equals("GRU") || n.opType().equals("LSTM") || n.opType().equals("RNN");
            if (!rec && !Ops.SUPPORTED.contains(n.opType())) {
                throw new IllegalArgumentException("unsupported operator " + where + "; gru4j runs GRU, LSTM, RNN and " + Ops.supportedList());
            }
            if (rec) recurrent.put(n, new RecurrentOp(n, where));
            for (String o : n.outputs()) {
                if (o.isEmpty()) continue;
                if (available.contains(o) || producer.containsKey(o)) {
                    throw new IllegalArgumentException(where + " writes '" + o + "', which is already "
                            + (producer.containsKey(o) ? "written by " + names.get(producer.get(o)) : "a graph input or initializer"));
                }
                producer.put(o, n);
            }
        }
        for (Node n : g.nodes()) {
            for (String i : n.inputs()) {
                if (!i.isEmpty() && !available.contains(i) && !producer.containsKey(i)) {
                    throw new IllegalArgumentException(names.get(n) + " reads '" + i + "', which is no graph input, initializer or node output"
                            + " (a missing initializer?)");
                }
            }
        }
        for (ValueInfo o : outputs) {
            if (!available.contains(o.name()) && !producer.containsKey(o.name())) {
                throw new IllegalArgumentException("graph output '" + o.name() + "' is produced by no node");
            }
        }
        this.order = topologicalOrder(g.nodes(), producer);
        // Constant nodes hold weights in some exports: evaluate them once, so that their values are the same objects on
        // every run (a recurrent node then keeps its prepared weights)
        for (Node n : order) {
            if (n.opType().equals("Constant") && n.outputs().size() == 1) {
                try {
                    constants.put(n, Ops.apply(n, new Value[0], opset, model.dir(), names.get(n))[0]);
                } catch (IllegalArgumentException e) {
                    String m = e.getMessage();
                    throw new IllegalArgumentException(m != null && m.contains(names.get(n)) ? m : names.get(n) + ": " + m, e);
                }
            }
        }
    }

    /** Kahn's algorithm over the node list, keeping file order among ready nodes. */
    private List<Node> topologicalOrder(List<Node> nodes, Map<String, Node> producer) {
        Map<Node, Integer> waiting = new LinkedHashMap<>();
        Map<Node, List<Node>> users = new HashMap<>();
        for (Node n : nodes) {
            Set<Node> deps = new HashSet<>();
            for (String i : n.inputs()) {
                Node p = producer.get(i);
                if (p != null) deps.add(p);
            }
            waiting.put(n, deps.size());
            for (Node p : deps) users.computeIfAbsent(p, k -> new ArrayList<>()).add(n);
        }
        ArrayDeque<Node> ready = new ArrayDeque<>();
        for (Node n : nodes) if (waiting.get(n) == 0) ready.add(n);
        List<Node> out = new ArrayList<>();
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            out.add(n);
            for (Node u : users.getOrDefault(n, List.of())) {
                if (waiting.merge(u, -1, Integer::sum) == 0) ready.add(u);
            }
        }
        if (out.size() != nodes.size()) {
            List<String> stuck = new ArrayList<>();
            for (Node n : nodes) if (!out.contains(n)) stuck.add(names.get(n));
            throw new IllegalArgumentException("the graph has a cycle through " + (stuck.size() > 6 ? stuck.subList(0, 6) + " …" : stuck));
        }
        return out;
    }

    /** Tests: run every recurrent node on {@link ReferenceRecurrent}, the straightforward path. */
    void forceReference(boolean on) {
        for (RecurrentOp r : recurrent.values()) r.forceReference = on;
    }

    public long opset() {
        return opset;
    }

    /**
     * Evaluates the graph. Every input in {@link #inputs} must be fed, with its declared rank and its fixed
     * dimensions; returns the graph outputs by name, in declaration order.
     */
    public Map<String, Value> run(Map<String, Value> feeds) throws IOException {
        Map<String, Value> env = new HashMap<>(initializers);
        for (String name : feeds.keySet()) {
            if (inputs.stream().noneMatch(v -> v.name().equals(name))) {
                throw new IllegalArgumentException("the model has no input '" + name + "' (inputs: " + inputNames() + ")");
            }
        }
        for (ValueInfo v : inputs) {
            Value x = feeds.get(v.name());
            if (x == null) throw new IllegalArgumentException("input '" + v.name() + "' is required (inputs: " + inputNames() + ")");
            checkDeclared(v, x);
            env.put(v.name(), x);
        }
        for (Node n : order) {
            String where = names.get(n);
            Value[] in = new Value[n.inputs().size()];
            for (int k = 0; k < in.length; k++) {
                String name = n.inputs().get(k);
                in[k] = name.isEmpty() ? null : env.get(name);
            }
            Value[] out;
            try {
                RecurrentOp r = recurrent.get(n);
                Value c = constants.get(n);
                out = c != null ? new Value[]{c} : r != null ? r.apply(in) : Ops.apply(n, in, opset, model.dir(), where);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                throw new IllegalArgumentException(m != null && m.contains(where) ? m : where + ": " + m, e);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(where + ": " + e, e);
            }
            for (int k = 0; k < n.outputs().size() && k < out.length; k++) {
                if (!n.outputs().get(k).isEmpty()) env.put(n.outputs().get(k), out[k]);
            }
        }
        Map<String, Value> result = new LinkedHashMap<>();
        for (ValueInfo o : outputs) {
            Value v = env.get(o.name());
            if (v == null) throw new IllegalArgumentException("graph output '" + o.name() + "' was not computed");
            result.put(o.name(), v);
        }
        return result;
    }

    public List<String> inputNames() {
        return inputs.stream().map(ValueInfo::name).toList();
    }

    private static void checkDeclared(ValueInfo v, Value x) {
        List<Object> dims = v.dims();
        if (dims.isEmpty()) return;   // no shape declared
        boolean fits = dims.size() == x.rank();
        for (int k = 0; fits && k < dims.size(); k++) {
            if (dims.get(k) instanceof Long d && d > 0 && d != x.shape()[k]) fits = false;
        }
        if (!fits) {
            throw new IllegalArgumentException("input '" + v.name() + "' has shape " + Arrays.toString(x.shape()) + ", the model declares " + dims);
        }
        boolean wantFloat = TensorData.isFloat(v.elemType()) || v.elemType() == 0;
        if (wantFloat != x.isFloat()) {
            throw new IllegalArgumentException("input '" + v.name() + "' is " + x.describe() + ", the model declares " + TensorData.typeName(v.elemType()));
        }
    }
}
