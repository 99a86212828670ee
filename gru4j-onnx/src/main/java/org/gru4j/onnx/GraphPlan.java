package org.gru4j.onnx;

import org.gru4j.onnx.OnnxModel.Attribute;
import org.gru4j.onnx.OnnxModel.Graph;
import org.gru4j.onnx.OnnxModel.Node;
import org.gru4j.onnx.OnnxModel.TensorProto;
import org.gru4j.onnx.OnnxModel.ValueInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One graph compiled for running — the model's main graph or a subgraph (the branches of If, the bodies of Loop and
 * Scan). Compiling checks every node is an operator gru4j runs, every value read is produced (in this graph or,
 * for a subgraph, in an enclosing one), orders the nodes by their dependencies (a cycle is an error naming its
 * nodes), keeps only the nodes the outputs need, and notes after which node each value is read for the last time.
 *
 * <p>Running keeps values in a map per run: a value is dropped (and its elements given back to the run's
 * {@link Budget}) right after its last reader. Nodes are addressed by their index in the file, never by their
 * record (whose hash would walk the node each time).
 */
final class GraphPlan {
    static final Set<String> CONTROL = Set.of("If", "Loop", "Scan");
    private static final Set<String> RECURRENT = Set.of("GRU", "LSTM", "RNN");

    final Graph graph;
    final long opset;
    final Path dir;
    final Map<String, Value> initializers = new HashMap<>();
    /** The declared inputs that are not initializers. */
    final List<ValueInfo> inputs;
    final List<ValueInfo> outputs;
    /** Values read from enclosing graphs (this graph's and its subgraphs' reads that nothing here defines). */
    final Set<String> outerReads = new LinkedHashSet<>();
    private final Node[] nodes;
    private final String[] where;
    private final RecurrentOp[] recurrent;
    /** The names this graph's nodes write (they hide enclosing values of the same name while folding). */
    private final Set<String> producedHere;
    /** Outputs computed once, before any run (see {@link #fold}). */
    private final Value[][] folded;
    private final Map<String, GraphPlan>[] subgraphs;
    /** Indices of the nodes to run, in dependency order. */
    private final int[] order;
    /** For each position in order: the values to drop after that node. */
    private final String[][] dropAfter;
    /** Values never counted against the budget (constants): not given back when dropped. */
    private final Set<String> unheld = new HashSet<>();

    @SuppressWarnings("unchecked")
    GraphPlan(Graph g, long opset, Path dir, Set<String> outer, String context, Budget load) throws IOException {
        this.graph = g;
        this.opset = opset;
        this.dir = dir;
        for (TensorProto t : g.initializers()) {
            if (t.name().isEmpty()) throw new IllegalArgumentException(context + "an initializer has no name");
            // counted before decoding: external data shared by many initializers must not buy more than the budget
            long n = 1;
            for (long d : t.dims()) {
                if (d <= 0) {   // empty, or negative (which decode refuses, naming it)
                    n = 0;
                    break;
                }
                n = n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d;
            }
            String what = context + "initializer '" + t.name() + "'";
            load.reserve(n, what);
            Value v = TensorData.decode(t, dir, what);
            load.hold(v, what);
            initializers.put(t.name(), v);
        }
        List<ValueInfo> in = new ArrayList<>();
        for (ValueInfo v : g.inputs()) if (!initializers.containsKey(v.name())) in.add(v);
        this.inputs = List.copyOf(in);
        this.outputs = List.copyOf(g.outputs());
        if (outputs.isEmpty()) throw new IllegalArgumentException(context + "the graph has no outputs");

        int count = g.nodes().size();
        nodes = g.nodes().toArray(new Node[0]);
        where = new String[count];
        recurrent = new RecurrentOp[count];
        folded = new Value[count][];
        subgraphs = new Map[count];
        Map<String, Integer> producer = new HashMap<>();
        Set<String> available = new HashSet<>(initializers.keySet());
        for (ValueInfo v : g.inputs()) available.add(v.name());
        for (int k = 0; k < count; k++) {
            Node n = nodes[k];
            where[k] = context + n.describe(k);
            if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
                throw new IllegalArgumentException("unsupported operator " + n.domain() + "." + where[k] + " (domain '" + n.domain() + "')");
            }
            String op = n.opType();
            if (!RECURRENT.contains(op) && !CONTROL.contains(op) && !Ops.SUPPORTED.contains(op)) {
                throw new IllegalArgumentException("unsupported operator " + where[k] + "; gru4j runs " + supportedList());
            }
            if (op.equals("Scan") && opset < 9) {
                throw new IllegalArgumentException("unsupported operator " + where[k] + ": Scan before opset 9 (a batch axis and sequence_lens);"
                        + " gru4j runs the opset 9+ form");
            }
            if (RECURRENT.contains(op)) recurrent[k] = new RecurrentOp(n, where[k]);
            for (String o : n.outputs()) {
                if (o.isEmpty()) continue;
                if (available.contains(o) || producer.containsKey(o)) {
                    throw new IllegalArgumentException(where[k] + " writes '" + o + "', which is already "
                            + (producer.containsKey(o) ? "written by " + where[producer.get(o)] : "a graph input or initializer"));
                }
                producer.put(o, k);
            }
        }
        producedHere = producer.keySet();
        // subgraphs see everything this graph defines and everything the enclosing graphs do
        Set<String> visible = null;
        List<String[]> reads = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            Node n = nodes[k];
            List<String> r = new ArrayList<>(n.inputs().size());
            for (String i : n.inputs()) if (!i.isEmpty()) r.add(i);
            for (Attribute a : n.attributes().values()) {
                if (a.type() != Attribute.GRAPH) continue;
                if (a.g() == null) throw new IllegalArgumentException(where[k] + ": attribute '" + a.name() + "' holds no graph");
                if (visible == null) {
                    visible = new HashSet<>(outer);
                    visible.addAll(available);
                    visible.addAll(producer.keySet());
                }
                if (subgraphs[k] == null) subgraphs[k] = new HashMap<>();
                GraphPlan sub = new GraphPlan(a.g(), opset, dir, visible, where[k] + "/" + a.name() + ": ", load);
                subgraphs[k].put(a.name(), sub);
                for (String i : sub.outerReads) if (!r.contains(i)) r.add(i);
            }
            if (CONTROL.contains(n.opType()) && subgraphs[k] == null) throw new IllegalArgumentException(where[k] + " has no subgraph attribute");
            for (String i : r) {
                if (available.contains(i) || producer.containsKey(i)) continue;
                if (outer.contains(i)) {
                    outerReads.add(i);
                    continue;
                }
                throw new IllegalArgumentException(where[k] + " reads '" + i + "', which is no graph input, initializer or node output"
                        + " (a missing initializer?)");
            }
            reads.add(r.toArray(new String[0]));
        }
        Set<String> outNames = new HashSet<>();
        for (ValueInfo o : outputs) {
            outNames.add(o.name());
            if (available.contains(o.name()) || producer.containsKey(o.name())) continue;
            if (outer.contains(o.name())) {
                outerReads.add(o.name());
                continue;
            }
            throw new IllegalArgumentException(context + "graph output '" + o.name() + "' is produced by no node");
        }
        int[] all = topologicalOrder(reads, producer);
        // only the nodes some output needs, walking back from the outputs
        boolean[] needed = new boolean[count];
        ArrayList<Integer> stack = new ArrayList<>();
        for (String o : outNames) if (producer.containsKey(o)) stack.add(producer.get(o));
        while (!stack.isEmpty()) {
            int k = stack.remove(stack.size() - 1);
            if (needed[k]) continue;
            needed[k] = true;
            for (String i : reads.get(k)) {
                Integer p = producer.get(i);
                if (p != null && !needed[p]) stack.add(p);
            }
        }
        order = Arrays.stream(all).filter(k -> needed[k]).toArray();
        // the last reader of each value defined here (outputs and values of enclosing graphs are never dropped)
        Map<String, Integer> last = new HashMap<>();
        for (int pos = 0; pos < order.length; pos++) {
            for (String i : reads.get(order[pos])) last.put(i, pos);
            for (String o : nodes[order[pos]].outputs()) if (!o.isEmpty()) last.putIfAbsent(o, pos);   // unread outputs
        }
        int[] dropCount = new int[order.length];
        List<String> dropped = new ArrayList<>();
        for (Map.Entry<String, Integer> e : last.entrySet()) {
            String name = e.getKey();
            if (outNames.contains(name) || !(available.contains(name) || producer.containsKey(name))) continue;
            dropCount[e.getValue()]++;
            dropped.add(name);
        }
        dropAfter = new String[order.length][];
        for (int pos = 0; pos < order.length; pos++) dropAfter[pos] = new String[dropCount[pos]];
        int[] filled = new int[order.length];
        for (String name : dropped) {
            int pos = last.get(name);
            dropAfter[pos][filled[pos]++] = name;
        }

    }

    /** Most elements folding may precompute for one model (they live as long as the graph). */
    static final long FOLD_LIMIT = 1L << 26;

    /**
     * Constant folding: every needed node whose inputs are all known before any run — initializers, Constant
     * nodes, values folded before it, and for a
     * subgraph the known values of its enclosing graphs — is evaluated once, here. Weights that exports slice,
     * transpose or concatenate on every run (Silero's LSTM gates) thus become the same objects run after run, and
     * a recurrent node keeps its prepared weights. A node that fails, or would go over {@link #FOLD_LIMIT}, is left
     * to run time (where its error, if any, is reported).
     */
    void fold(Map<String, Value> outerKnown, Budget budget) throws IOException {
        Map<String, Value> known = new HashMap<>(outerKnown);
        // this graph's inputs hide enclosing values of the same name; its initializers are constant (a feed cannot
        // replace one: OnnxGraph.run accepts only the inputs that are not initializers)
        for (ValueInfo v : graph.inputs()) known.remove(v.name());
        if (!outerKnown.isEmpty()) for (String o : producedHere) known.remove(o);
        known.putAll(initializers);
        for (int k : order) {
            Node n = nodes[k];
            if (subgraphs[k] != null) {
                for (GraphPlan sub : subgraphs[k].values()) sub.fold(known, budget);
                continue;
            }
            if (recurrent[k] != null) continue;
            Value[] in = new Value[n.inputs().size()];
            boolean all = true;
            for (int q = 0; q < in.length && all; q++) {
                String name = n.inputs().get(q);
                if (name.isEmpty()) continue;
                in[q] = known.get(name);
                all = in[q] != null;
            }
            if (!all) continue;
            Value[] out;
            try {
                out = Ops.apply(n, in, opset, dir, budget, where[k]);
                for (Value v : out) budget.hold(v, where[k]);
            } catch (IllegalArgumentException e) {
                if (n.opType().equals("Constant")) throw located(e, where[k]);
                continue;
            } catch (ArithmeticException e) {
                continue;
            }
            folded[k] = out;
            for (int q = 0; q < n.outputs().size() && q < out.length; q++) {
                String name = n.outputs().get(q);
                if (!name.isEmpty() && out[q] != null) known.put(name, out[q]);
            }
        }
    }

    static String supportedList() {
        Set<String> all = new java.util.TreeSet<>(Ops.SUPPORTED);
        all.addAll(RECURRENT);
        all.addAll(CONTROL);
        return String.join(", ", all);
    }

    private static IllegalArgumentException located(IllegalArgumentException e, String where) {
        String m = e.getMessage();
        return m != null && m.contains(where) ? e : new IllegalArgumentException(where + ": " + m, e);
    }

    /** Kahn's algorithm over node indices, keeping file order among ready nodes. */
    private int[] topologicalOrder(List<String[]> reads, Map<String, Integer> producer) {
        // one edge per (read, producer), repeats included: each is counted down once
        int count = nodes.length;
        int[] waiting = new int[count];
        List<List<Integer>> users = new ArrayList<>(count);
        for (int k = 0; k < count; k++) users.add(null);
        for (int k = 0; k < count; k++) {
            for (String i : reads.get(k)) {
                Integer p = producer.get(i);
                if (p == null) continue;
                waiting[k]++;
                if (users.get(p) == null) users.set(p, new ArrayList<>(2));
                users.get(p).add(k);
            }
        }
        java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
        for (int k = 0; k < count; k++) if (waiting[k] == 0) ready.add(k);
        int[] out = new int[count];
        int done = 0;
        while (!ready.isEmpty()) {
            int k = ready.poll();
            out[done++] = k;
            if (users.get(k) == null) continue;
            for (int u : users.get(k)) if (--waiting[u] == 0) ready.add(u);
        }
        if (done != count) {
            List<String> stuck = new ArrayList<>();
            for (int k = 0; k < count && stuck.size() < 7; k++) if (waiting[k] > 0) stuck.add(where[k]);
            throw new IllegalArgumentException("the graph has a cycle through " + (stuck.size() > 6 ? stuck.subList(0, 6) + " …" : stuck));
        }
        return out;
    }

    void forceReference(boolean on) {
        for (RecurrentOp r : recurrent) if (r != null) r.forceReference = on;
        for (Map<String, GraphPlan> m : subgraphs) if (m != null) for (GraphPlan p : m.values()) p.forceReference(on);
    }

    /** Values by name: this run's, then the enclosing graph's run. */
    static final class Scope {
        final Map<String, Value> values = new HashMap<>();
        final Scope outer;

        Scope(Scope outer) {
            this.outer = outer;
        }

        Value get(String name) {
            for (Scope s = this; s != null; s = s.outer) {
                Value v = s.values.get(name);
                if (v != null) return v;
            }
            return null;
        }
    }

    /**
     * Runs the graph on feeds (its inputs by name) inside an enclosing scope (null for the main graph); returns its
     * outputs in declaration order.
     */
    Value[] run(Map<String, Value> feeds, Scope outer, Budget budget) throws IOException {
        Scope env = new Scope(outer);
        env.values.putAll(initializers);
        env.values.putAll(feeds);
        for (int pos = 0; pos < order.length; pos++) {
            int k = order[pos];
            Node n = nodes[k];
            Value[] in = new Value[n.inputs().size()];
            for (int q = 0; q < in.length; q++) {
                String name = n.inputs().get(q);
                in[q] = name.isEmpty() ? null : env.get(name);
            }
            Value[] out;
            try {
                if (folded[k] != null) out = folded[k];
                else if (recurrent[k] != null) out = recurrent[k].apply(in);
                else if (subgraphs[k] != null) out = ControlFlow.apply(n, in, subgraphs[k], env, budget, where[k]);
                else out = Ops.apply(n, in, opset, dir, budget, where[k]);
            } catch (IllegalArgumentException e) {
                throw located(e, where[k]);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(where[k] + ": " + e, e);
            }
            for (int q = 0; q < n.outputs().size() && q < out.length; q++) {
                String name = n.outputs().get(q);
                if (name.isEmpty() || out[q] == null) continue;
                env.values.put(name, out[q]);
                if (folded[k] == null) budget.hold(out[q], where[k]);
                else unheld.add(name);
            }
            for (String d : dropAfter[pos]) {
                Value v = env.values.remove(d);
                if (v != null && !initializers.containsKey(d) && !feeds.containsKey(d) && !unheld.contains(d)) budget.release(v);
            }
        }
        Value[] result = new Value[outputs.size()];
        for (int q = 0; q < result.length; q++) {
            String name = outputs.get(q).name();
            result[q] = env.get(name);
            if (result[q] == null) throw new IllegalArgumentException("graph output '" + name + "' was not computed");
        }
        return result;
    }
}
