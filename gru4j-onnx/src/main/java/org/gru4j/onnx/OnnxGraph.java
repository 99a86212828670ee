package org.gru4j.onnx;

import org.gru4j.onnx.OnnxModel.ValueInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model ready to run: its main graph compiled by {@link GraphPlan} (initializers decoded, every node checked
 * to be an operator gru4j implements, every value read produced by something, the nodes ordered by dependency,
 * unneeded nodes left out, subgraphs compiled in the scope of their node). {@link #run} then evaluates it within a
 * {@link Budget}. An initial state of a recurrent node that a run leaves out is zeros (see {@link InitialStates} for
 * which inputs count as one). Not thread-safe (the recurrent nodes keep workspaces).
 */
public final class OnnxGraph {
    /** The model read from the file. */
    public final OnnxModel model;
    /** The graph inputs a caller must feed: the declared inputs that are not initializers, in declaration order. */
    public final List<ValueInfo> inputs;
    /** The graph outputs, in declaration order. */
    public final List<ValueInfo> outputs;
    /**
     * The inputs a run may leave out, which are then zeros: the graph inputs that only ever become the initial_h or
     * initial_c of GRU, LSTM or RNN nodes (directly or through Slice, Reshape, … — see {@link InitialStates}), in
     * declaration order.
     */
    public final Set<String> initialStates;
    private final GraphPlan plan;
    private final long opset;

    /**
     * Reads and compiles an ONNX file.
     *
     * @param file the .onnx file
     * @return the graph, ready to run
     * @throws IOException when the file cannot be read, is not an ONNX model, or uses what gru4j does not implement
     */
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

    /**
     * Compiles a model.
     *
     * @param model the model
     * @throws IOException when an initializer cannot be decoded or a node is not implemented
     */
    public OnnxGraph(OnnxModel model) throws IOException {
        this.model = model;
        this.opset = model.opset();
        // the initializers of all graphs together are held to one run's budget (see Budget)
        this.plan = new GraphPlan(model.graph(), opset, model.dir(), java.util.Set.of(), "", Budget.forRun());
        plan.fold(Map.of(), new Budget(GraphPlan.FOLD_LIMIT));
        this.inputs = plan.inputs;
        this.outputs = plan.outputs;
        this.initialStates = java.util.Collections.unmodifiableSet(InitialStates.of(model.graph(), inputs));
    }

    /** Tests: run every recurrent node on {@link ReferenceRecurrent}, the straightforward path. */
    void forceReference(boolean on) {
        plan.forceReference(on);
    }

    /**
     * The default-domain operator set version.
     *
     * @return the version
     */
    public long opset() {
        return opset;
    }

    /**
     * Evaluates the graph. Every input in {@link #inputs} must be fed, with its declared rank and its fixed
     * dimensions, except the {@link #initialStates}: one left out is zeros in its declared shape, a symbolic dimension
     * ("batch") taking its size from a fed input that declares the same symbol (refused, naming the input and its
     * declared shape, when none does). Returns the graph outputs by name, in declaration order.
     *
     * @param feeds input name → value
     * @return output name → value
     * @throws IOException when an external initializer cannot be read
     */
    public Map<String, Value> run(Map<String, Value> feeds) throws IOException {
        return run(feeds, Budget.forRun());
    }

    Map<String, Value> run(Map<String, Value> feeds, Budget budget) throws IOException {
        for (String name : feeds.keySet()) {
            if (inputs.stream().noneMatch(v -> v.name().equals(name))) {
                throw new IllegalArgumentException("the model has no input '" + name + "' (inputs: " + inputNames() + ")");
            }
        }
        Map<String, Value> all = new LinkedHashMap<>(feeds);
        for (ValueInfo v : inputs) {
            Value x = feeds.get(v.name());
            if (x == null && initialStates.contains(v.name())) {
                all.put(v.name(), InitialStates.zeros(v, inputs, feeds));
                continue;
            }
            if (x == null) {
                throw new IllegalArgumentException("input '" + v.name() + "' is required (inputs: " + inputNames()
                        + (initialStates.isEmpty() ? "" : "; initial states, zeros when left out: " + initialStates) + ")");
            }
            checkDeclared(v, x);
        }
        Value[] out = plan.run(all, null, budget);
        Map<String, Value> result = new LinkedHashMap<>();
        for (int k = 0; k < out.length; k++) result.put(outputs.get(k).name(), out[k]);
        return result;
    }

    /**
     * The names of {@link #inputs}.
     *
     * @return the names, in declaration order
     */
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
