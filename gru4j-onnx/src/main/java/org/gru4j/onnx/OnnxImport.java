package org.gru4j.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import org.gru4j.io.ConfigCodec;
import org.gru4j.io.ModelFiles;
import org.gru4j.io.ModelFormatException;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.onnx.OnnxModel.Node;
import org.gru4j.onnx.OnnxModel.TensorProto;
import org.gru4j.onnx.OnnxModel.ValueInfo;
import org.gru4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ONNX graph that is a plain recurrent stack back into a {@link Recurrent} (its parameters, not the graph):
 * <pre>
 * layer 0      X (a graph input, or its Transpose(1,0,2) in a batch-first export) → GRU | LSTM | RNN node, weights
 *              W, R [, B] constant (initializers or Constant nodes)
 * layer l &gt; 0  X = Reshape(Transpose(Y_{l−1}, perm 0,2,1,3), [0,0,−1])    (or Squeeze(Y_{l−1}, axis 1) for one direction)
 * initial_h    absent, the graph input itself (one layer), or Slice(graph input, l·D, (l+1)·D, axis 0); likewise initial_c
 * elsewhere    only nodes that move values around (Transpose, Reshape, Squeeze, Unsqueeze, Concat, Slice, Identity,
 *              Constant, Shape, Gather): what the graph does with the outputs; nothing may compute on them
 * </pre>
 * This covers what {@link OnnxExport} writes, what torch.onnx.export writes for nn.GRU / nn.LSTM / nn.RNN, and any
 * graph of one recurrent node with constant weights. Weights are reordered from ONNX's gate order (GRU z,r,h; LSTM
 * i,o,f,c) to PyTorch's (r,z,n; i,f,g,o); B (D, 2·G·H) splits into b_ih and b_hh; linear_before_reset 0 becomes a
 * GRU that resets before the product. Activations other than the defaults (or Relu for an RNN), clip, input_forget,
 * non-zero peepholes, sequence_lens and a reverse-only direction have no Recurrent equivalent and are refused.
 */
public final class OnnxImport {
    private OnnxImport() {}

    private static final Set<String> LAYOUT_OPS = Set.of("Transpose", "Reshape", "Squeeze", "Unsqueeze", "Concat", "Slice",
            "Identity", "Constant", "Shape", "Gather");

    /**
     * The recurrent stack of an ONNX file: one GRU, LSTM or RNN node per layer, with the layout ops exporters put
     * around them.
     *
     * @param file the .onnx file
     * @return the stack as a Recurrent
     * @throws IOException when the file cannot be read or holds no stack gru4j can rebuild, saying why
     */
    public static Recurrent read(Path file) throws IOException {
        OnnxModel m = OnnxReader.read(file);
        try {
            return recurrent(m);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, e.getMessage(), e);
        }
    }

    /**
     * Any model gru4j can rebuild from an ONNX file: a SequenceModel (or Recurrent) that gru4j exported with
     * its configuration in metadata_props, else the plain recurrent stack {@link #read} recognises.
     *
     * @param file the .onnx file
     * @return the model and its metadata
     * @throws IOException when the file cannot be read or holds no model gru4j can rebuild, saying why
     */
    public static ModelFiles.Contents readModel(Path file) throws IOException {
        OnnxModel m = OnnxReader.read(file);   // first: it refuses devices and FIFOs before anything is read whole
        byte[] bytes = Files.readAllBytes(file);
        Map<String, String> meta;
        try {
            meta = metadataProps(bytes);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(file, "not a readable ONNX model (" + e.getMessage() + ")", e);
        }
        try {
            if (!"gru4j".equals(meta.get("format"))) return ModelFiles.Contents.of(recurrent(m));
            ModelFiles.Contents c = ModelFiles.Contents.of(ConfigCodec.build(file, meta, OnnxReader.values(m)));
            RecurrentConfig cf = c.recurrentConfig();
            if (cf.cell() == CellKind.GRU && !cf.zKeepsState()) {
                throw new IllegalArgumentException("metadata says z_keeps_state=false; gru4j writes ONNX weights with z keeping the state");
            }
            Map<String, Value> inits = new HashMap<>();
            for (TensorProto t : m.graph().initializers()) inits.put(t.name(), TensorData.decode(t, m.dir(), "initializer '" + t.name() + "'"));
            String prefix = c.sequence() != null ? "rnn." : "";
            Map<String, Tensor> sd = new LinkedHashMap<>();
            for (String name : List.of("embedding.weight", "head.weight", "head.bias")) {
                Value v = inits.get(name);
                if (v != null && c.sequence() != null) sd.put(name, new Tensor(v.shape(), v.floats()));
            }
            final int L = cf.layers(), D = cf.directions(), H = cf.hidden(), G = cf.gateRows();
            int[] order = order(cf.cell().gates);
            for (int l = 0; l < L; l++) {
                int in = cf.layerInput(l);
                Value w = initializer(inits, "l" + l + ".W", D, G, in), r = initializer(inits, "l" + l + ".R", D, G, H);
                Value b = cf.bias() ? initializer(inits, "l" + l + ".B", D, 2 * G) : null;
                for (int d = 0; d < D; d++) {
                    String sfx = "_l" + l + (d == 1 ? "_reverse" : "");
                    sd.put(prefix + "weight_ih" + sfx, new Tensor(new int[]{G, in}, RecurrentOp.reorder(w.floats(), d * G * in, in, order, H)));
                    sd.put(prefix + "weight_hh" + sfx, new Tensor(new int[]{G, H}, RecurrentOp.reorder(r.floats(), d * G * H, H, order, H)));
                    if (b != null) {
                        sd.put(prefix + "bias_ih" + sfx, new Tensor(new int[]{G}, RecurrentOp.reorder(b.floats(), d * 2 * G, 1, order, H)));
                        sd.put(prefix + "bias_hh" + sfx, new Tensor(new int[]{G}, RecurrentOp.reorder(b.floats(), d * 2 * G + G, 1, order, H)));
                    }
                }
            }
            ConfigCodec.loadChecked(file, c.model(), sd);
            return c;
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, e.getMessage(), e);
        }
    }

    private static Value initializer(Map<String, Value> inits, String name, int... shape) {
        Value v = inits.get(name);
        if (v == null) throw new IllegalArgumentException("initializer '" + name + "' is missing");
        if (!v.isFloat() || !Arrays.equals(v.shape(), shape)) {
            throw new IllegalArgumentException("initializer '" + name + "' is " + v.describe() + ", expected float " + Arrays.toString(shape));
        }
        return v;
    }

    /** ModelProto.metadata_props (field 14: StringStringEntryProto key 1, value 2), which OnnxReader skips. */
    static Map<String, String> metadataProps(byte[] bytes) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setSizeLimit(Integer.MAX_VALUE);
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (WireFormat.getTagFieldNumber(tag) != 14 || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                in.skipField(tag);
                continue;
            }
            CodedInputStream e = CodedInputStream.newInstance(in.readByteArray());
            String k = "", v = "";
            for (int t; (t = e.readTag()) != 0; ) {
                switch (WireFormat.getTagFieldNumber(t)) {
                    case 1 -> k = e.readString();
                    case 2 -> v = e.readString();
                    default -> e.skipField(t);
                }
            }
            out.put(k, v);
        }
        return out;
    }

    /** PyTorch's gate blocks from ONNX's: block k of the result is block order[k] of ONNX's. */
    private static int[] order(int gates) {
        return switch (gates) {
            case 3 -> new int[]{1, 0, 2};      // PyTorch r, z, n  ←  ONNX z, r, h
            case 4 -> new int[]{0, 2, 3, 1};   // PyTorch i, f, g, o  ←  ONNX i, o, f, c
            default -> new int[]{0};
        };
    }

    private record Layer(Node node, RecurrentOp op, int input) {}

    static Recurrent recurrent(OnnxModel model) throws IOException {
        OnnxModel.Graph g = model.graph();
        Map<String, Value> consts = new HashMap<>();
        for (TensorProto t : g.initializers()) consts.put(t.name(), TensorData.decode(t, model.dir(), "initializer '" + t.name() + "'"));
        Map<String, Node> producer = new HashMap<>();
        Map<Node, String> where = new HashMap<>();
        List<Node> rec = new ArrayList<>();
        for (int k = 0; k < g.nodes().size(); k++) {
            Node n = g.nodes().get(k);
            where.put(n, n.describe(k));
            for (String o : n.outputs()) if (!o.isEmpty()) producer.put(o, n);
            if (n.opType().equals("Constant") && n.outputs().size() == 1) {
                consts.put(n.outputs().get(0), Ops.apply(n, new Value[0], model.opset(), model.dir(), n.describe(k))[0]);
            }
            if (n.opType().equals("GRU") || n.opType().equals("LSTM") || n.opType().equals("RNN")) rec.add(n);
        }
        Set<String> graphInputs = new HashSet<>();
        for (ValueInfo v : g.inputs()) if (!consts.containsKey(v.name())) graphInputs.add(v.name());
        if (rec.isEmpty()) throw new IllegalArgumentException("the graph has no GRU, LSTM or RNN node: not a recurrent model gru4j can convert");

        Set<Node> used = new HashSet<>(rec);
        // each recurrent node's predecessor (null: it reads a graph input)
        Map<Node, Node> previous = new HashMap<>();
        Node first = null;
        for (Node n : rec) {
            String w = where.get(n);
            Node p = traceInput(n, producer, graphInputs, consts, used, where);
            if (p == null) {
                if (first != null) throw new IllegalArgumentException(w + " and " + where.get(first) + " both read a graph input: not one stack");
                first = n;
            } else {
                if (previous.containsValue(p)) throw new IllegalArgumentException("two recurrent nodes read " + where.get(p) + ": not one stack");
                previous.put(n, p);
            }
        }
        if (first == null) throw new IllegalArgumentException("no recurrent node reads a graph input");
        List<Node> chain = new ArrayList<>(List.of(first));
        while (chain.size() < rec.size()) {
            Node last = chain.get(chain.size() - 1), next = null;
            for (Map.Entry<Node, Node> e : previous.entrySet()) if (e.getValue() == last) next = e.getKey();
            if (next == null) throw new IllegalArgumentException("the recurrent nodes do not form one chain (nothing reads "
                    + where.get(last) + "'s Y as its X)");
            chain.add(next);
        }

        Node n0 = chain.get(0);
        RecurrentOp op0 = new RecurrentOp(n0, where.get(n0));
        final int L = chain.size(), D = op0.directions, H = op0.hidden, G = op0.gates * H;
        String stateInput = null, cellInput = null;
        boolean bias = false;
        List<String> zeroStates = new ArrayList<>();
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < L; l++) {
            Node n = chain.get(l);
            String w = where.get(n);
            RecurrentOp op = l == 0 ? op0 : new RecurrentOp(n, w);
            if (!n.opType().equals(n0.opType()) || op.hidden != H || op.directions != D || op.linearBeforeReset != op0.linearBeforeReset
                    || op.cell != op0.cell) {
                throw new IllegalArgumentException(w + " differs from " + where.get(n0) + " in its operator or attributes: not one stack");
            }
            if (!op.defaultActivations) throw new IllegalArgumentException(w + ": activations other than the defaults (or Relu for an RNN) have no gru4j equivalent");
            if (op.clip != Double.POSITIVE_INFINITY) throw new IllegalArgumentException(w + ": clip has no gru4j equivalent");
            if (op.inputForget) throw new IllegalArgumentException(w + ": input_forget has no gru4j equivalent");
            if (D == 1 && op.reverse[0]) throw new IllegalArgumentException(w + ": direction 'reverse' alone has no gru4j equivalent");
            if (op.layout != 0) throw new IllegalArgumentException(w + ": layout 1 (batch-major): gru4j converts time-major graphs");
            if (!input(n, 4).isEmpty()) throw new IllegalArgumentException(w + ": reads sequence_lens: gru4j converts graphs over whole sequences");
            if (!input(n, 7).isEmpty()) {
                Value p = constant(consts, input(n, 7), w, "P");
                for (float v : p.floats()) if (v != 0f) throw new IllegalArgumentException(w + ": non-zero peepholes (P) have no gru4j equivalent");
            }
            stateInput = stateSource(n, 5, l, D, stateInput, producer, graphInputs, consts, used, where, "initial_h", zeroStates);
            if (op.gates == 4) cellInput = stateSource(n, 6, l, D, cellInput, producer, graphInputs, consts, used, where, "initial_c", zeroStates);
            Value wv = constant(consts, input(n, 1), w, "W");
            if (wv.rank() != 3 || wv.shape()[0] != D || wv.shape()[1] != G) {
                throw new IllegalArgumentException(w + ": W has shape " + Arrays.toString(wv.shape()) + ", expected [" + D + ", " + G + ", input]");
            }
            int in = wv.shape()[2];
            if (l > 0 && in != D * H) throw new IllegalArgumentException(w + ": W reads " + in + " features, the layer below gives " + D * H);
            bias |= !input(n, 3).isEmpty();
            layers.add(new Layer(n, op, in));
        }
        for (int k = 0; k < g.nodes().size(); k++) {
            Node n = g.nodes().get(k);
            if (used.contains(n) || LAYOUT_OPS.contains(n.opType())) continue;
            throw new IllegalArgumentException(n.describe(k) + " computes on the values of the recurrent stack: gru4j converts a plain"
                    + " recurrent stack (run the whole graph with `gru4j run`)");
        }

        if (!zeroStates.isEmpty()) checkZero(model, zeroStates);
        CellKind cell = op0.cell;
        RecurrentConfig cf = new RecurrentConfig(cell, layers.get(0).input, H, L, D == 2, bias,
                cell != CellKind.GRU || op0.linearBeforeReset, true);
        int[] order = order(op0.gates);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (int l = 0; l < L; l++) {
            Layer ly = layers.get(l);
            String w = where.get(ly.node);
            Value wv = constant(consts, input(ly.node, 1), w, "W"), rv = constant(consts, input(ly.node, 2), w, "R");
            if (!Arrays.equals(rv.shape(), new int[]{D, G, H})) {
                throw new IllegalArgumentException(w + ": R has shape " + Arrays.toString(rv.shape()) + ", expected [" + D + ", " + G + ", " + H + "]");
            }
            Value bv = input(ly.node, 3).isEmpty() ? null : constant(consts, input(ly.node, 3), w, "B");
            if (bv != null && !Arrays.equals(bv.shape(), new int[]{D, 2 * G})) {
                throw new IllegalArgumentException(w + ": B has shape " + Arrays.toString(bv.shape()) + ", expected [" + D + ", " + 2 * G + "]");
            }
            for (int d = 0; d < D; d++) {
                String sfx = "_l" + l + (d == 1 ? "_reverse" : "");
                sd.put("weight_ih" + sfx, new Tensor(new int[]{G, ly.input}, RecurrentOp.reorder(wv.floats(), d * G * ly.input, ly.input, order, H)));
                sd.put("weight_hh" + sfx, new Tensor(new int[]{G, H}, RecurrentOp.reorder(rv.floats(), d * G * H, H, order, H)));
                if (bias) {
                    // a layer without B in a stack where others have one: zero biases add nothing
                    sd.put("bias_ih" + sfx, new Tensor(new int[]{G}, bv == null ? new float[G] : RecurrentOp.reorder(bv.floats(), d * 2 * G, 1, order, H)));
                    sd.put("bias_hh" + sfx, new Tensor(new int[]{G}, bv == null ? new float[G] : RecurrentOp.reorder(bv.floats(), d * 2 * G + G, 1, order, H)));
                }
            }
        }
        Recurrent r = new Recurrent(cf);
        r.load(sd);
        return r;
    }

    private static String input(Node n, int k) {
        return k < n.inputs().size() ? n.inputs().get(k) : "";
    }

    private static Value constant(Map<String, Value> consts, String name, String where, String what) {
        Value v = consts.get(name);
        if (v == null) throw new IllegalArgumentException(where + ": " + what + " ('" + name + "') is computed, not a constant: gru4j converts constant weights");
        if (!v.isFloat()) throw new IllegalArgumentException(where + ": " + what + " is " + v.describe() + ", expected float");
        return v;
    }

    /**
     * The recurrent node that produces n's X through the layout ops between stacked layers (marking them used), or
     * null when X is a graph input.
     */
    private static Node traceInput(Node n, Map<String, Node> producer, Set<String> graphInputs, Map<String, Value> consts, Set<Node> used,
                                   Map<Node, String> where) {
        String w = where.get(n), x = input(n, 0);
        List<Node> path = new ArrayList<>();
        while (true) {
            if (graphInputs.contains(x)) {
                // a batch-first export reads X (batch,steps,I) through Transpose(1,0,2): the parameters are the same
                boolean batchFirst = path.size() == 1 && path.get(0).opType().equals("Transpose")
                        && Arrays.equals(Attributes.ints(path.get(0), "perm"), new long[]{1, 0, 2});
                if (batchFirst) used.add(path.get(0));
                else if (!path.isEmpty()) throw new IllegalArgumentException(w + ": X is computed from graph input '" + x + "' by "
                        + where.get(path.get(0)) + ": gru4j converts a stack that reads the input as it is");
                return null;
            }
            Node p = producer.get(x);
            if (p == null) throw new IllegalArgumentException(w + ": X ('" + x + "') is no graph input and no node output");
            String t = p.opType();
            if (t.equals("GRU") || t.equals("LSTM") || t.equals("RNN")) {
                if (!p.outputs().get(0).equals(x)) throw new IllegalArgumentException(w + " reads a state output of " + where.get(p) + ", not its Y");
                List<String> ops = new ArrayList<>();
                for (int k = path.size() - 1; k >= 0; k--) ops.add(path.get(k).opType());   // from Y towards X
                boolean ok = ops.equals(List.of("Transpose", "Reshape")) && Arrays.equals(Attributes.ints(path.get(1), "perm"), new long[]{0, 2, 1, 3})
                        && flatShape(consts, path.get(0), p)
                        || ops.equals(List.of("Squeeze")) && !Attributes.s(p, "direction", "forward").equals("bidirectional")
                        && Arrays.equals(Attributes.has(path.get(0), "axes") ? Attributes.ints(path.get(0), "axes") : ints(consts, input(path.get(0), 1)), new long[]{1});
                if (!ok) throw new IllegalArgumentException(w + " reads " + where.get(p) + "'s Y through " + ops
                        + ": gru4j recognises Transpose(0,2,1,3) then Reshape, or Squeeze for one direction");
                used.addAll(path);
                return p;
            }
            if (!t.equals("Identity") && !t.equals("Transpose") && !t.equals("Reshape") && !t.equals("Squeeze")) {
                throw new IllegalArgumentException(w + ": X is computed by " + where.get(p) + ": gru4j converts a plain recurrent stack");
            }
            if (!t.equals("Identity")) path.add(p);
            x = input(p, 0);
        }
    }

    /**
     * Checks where initial_h (k = 5) or initial_c (k = 6) of layer l comes from: nothing, a graph input (one layer), or
     * Slice(graph input, l·D, (l+1)·D) on axis 0, the same graph input for every layer. Returns that graph input's name.
     */
    private static String stateSource(Node n, int k, int l, int D, String before, Map<String, Node> producer, Set<String> graphInputs,
                                      Map<String, Value> consts, Set<Node> used, Map<Node, String> where, String what,
                                      List<String> zeroStates) {
        String w = where.get(n), s = input(n, k);
        if (s.isEmpty()) {
            if (before != null) throw new IllegalArgumentException(w + ": has no " + what + " where the layer below has one");
            return null;
        }
        String source;
        if (graphInputs.contains(s)) {
            if (l > 0) throw new IllegalArgumentException(w + ": " + what + " is the whole graph input '" + s + "', not its layer's slice");
            source = s;
        } else {
            Node p = producer.get(s);
            if (p == null) throw new IllegalArgumentException(w + ": " + what + " ('" + s + "') is no graph input and no node output");
            if (!p.opType().equals("Slice") || !graphInputs.contains(input(p, 0))) {
                // computed without reading the data (exporters build zeros of X's shape): checked to be zero later
                Set<Node> ancestors = new HashSet<>();
                List<String> todo = new ArrayList<>(List.of(s));
                while (!todo.isEmpty()) {
                    String v = todo.remove(todo.size() - 1);
                    Node a = producer.get(v);
                    if (a == null || !ancestors.add(a)) continue;
                    if (a.opType().equals("Shape")) continue;   // reads only the shape of its input
                    for (String i : a.inputs()) {
                        if (graphInputs.contains(i)) {
                            throw new IllegalArgumentException(w + ": " + what + " is computed from graph input '" + i + "' by "
                                    + where.get(a) + ": gru4j recognises a graph input or its Slice per layer");
                        }
                        if (!i.isEmpty()) todo.add(i);
                    }
                }
                used.addAll(ancestors);
                zeroStates.add(s);
                return before;
            }
            long[] starts, ends, axes, steps = new long[]{1};
            if (Attributes.has(p, "starts")) {   // opset < 10: attributes
                starts = Attributes.ints(p, "starts");
                ends = Attributes.ints(p, "ends");
                axes = Attributes.has(p, "axes") ? Attributes.ints(p, "axes") : new long[]{0};
            } else {
                starts = ints(consts, input(p, 1));
                ends = ints(consts, input(p, 2));
                axes = input(p, 3).isEmpty() ? new long[]{0} : ints(consts, input(p, 3));
                if (!input(p, 4).isEmpty()) steps = ints(consts, input(p, 4));
            }
            if (!Arrays.equals(starts, new long[]{(long) l * D}) || !Arrays.equals(ends, new long[]{(long) (l + 1) * D})
                    || !Arrays.equals(axes, new long[]{0}) || !Arrays.equals(steps, new long[]{1})) {
                throw new IllegalArgumentException(w + ": " + what + " is " + where.get(p) + " of rows " + Arrays.toString(starts) + ".."
                        + Arrays.toString(ends) + ", expected " + l * D + ".." + (l + 1) * D + " on axis 0");
            }
            used.add(p);
            source = input(p, 0);
        }
        if (l > 0 && !source.equals(before)) throw new IllegalArgumentException(w + ": " + what + " comes from '" + source + "', the layer below's from '" + before + "'");
        return source;
    }

    /**
     * Evaluates the initial states the graph computes (on a stand-in input of 2 for every symbolic dimension) and
     * refuses the graph unless they are zero, as the converted model's default state is.
     */
    private static void checkZero(OnnxModel model, List<String> states) throws IOException {
        OnnxModel.Graph g = model.graph();
        List<ValueInfo> outs = new ArrayList<>();
        for (String s : states) outs.add(new ValueInfo(s, 1, List.of()));
        OnnxGraph sub = new OnnxGraph(new OnnxModel(model.irVersion(), model.opsets(),
                new OnnxModel.Graph(g.name(), g.nodes(), g.initializers(), g.inputs(), outs), model.dir()));
        Map<String, Value> feeds = new LinkedHashMap<>();
        for (ValueInfo v : sub.inputs) {
            int[] shape = new int[v.dims().size()];
            for (int k = 0; k < shape.length; k++) shape[k] = v.dims().get(k) instanceof Long d && d > 0 ? (int) (long) d : 2;
            int n = 1;
            for (int d : shape) n *= d;
            feeds.put(v.name(), TensorData.isFloat(v.elemType()) || v.elemType() == 0 ? Value.floats(shape, new float[n]) : Value.ints(shape, new long[n]));
        }
        for (Map.Entry<String, Value> e : sub.run(feeds).entrySet()) {
            Value v = e.getValue();
            boolean zero = true;
            if (v.isFloat()) for (float f : v.floats()) zero &= f == 0f;
            if (!zero || !v.isFloat()) {
                throw new IllegalArgumentException("the initial state '" + e.getKey() + "' the graph computes is not zero: gru4j converts"
                        + " graphs whose initial state is a graph input or zero");
            }
        }
    }

    /** A Reshape of (T,B,D,H) to (T,B,D·H): shape [0,0,−1] or [0,0,D·H]. */
    private static boolean flatShape(Map<String, Value> consts, Node reshape, Node rec) {
        long[] shape = Attributes.has(reshape, "shape") ? Attributes.ints(reshape, "shape") : ints(consts, input(reshape, 1));
        long dh = Attributes.i(rec, "hidden_size", -1) * (Attributes.s(rec, "direction", "forward").equals("bidirectional") ? 2 : 1);
        return shape.length == 3 && shape[0] == 0 && shape[1] == 0 && (shape[2] == -1 || shape[2] == dh);
    }

    private static long[] ints(Map<String, Value> consts, String name) {
        Value v = consts.get(name);
        if (v == null || v.isFloat()) throw new IllegalArgumentException("'" + name + "' is not a constant integer tensor");
        return v.ints();
    }
}
