package org.gru4j.onnx;

import org.gru4j.io.AtomicFile;
import org.gru4j.io.ConfigCodec;
import org.gru4j.model.Head;
import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Recurrent} as an ONNX model (opset 14, IR 8) that computes what {@link Recurrent#forward} does:
 * <pre>
 * inputs   X (steps,batch,I), h0 (L·D,batch,H) [, c0 (L·D,batch,H) for an LSTM]
 * layer l  initial_h = Slice(h0, l·D, (l+1)·D) → GRU|LSTM|RNN → Y (T,D,B,H) → Transpose(0,2,1,3) → Reshape(0,0,−1)
 * outputs  y (steps,batch,D·H) = the last layer's; hn = Concat(Y_h of every layer) (L·D,batch,H) [, cn]
 * </pre>
 * Weights become initializers in ONNX's gate order (GRU z,r,h from r,z,n; LSTM i,o,f,c from i,f,g,o), B = [b_ih, b_hh].
 * A GRU that resets before the product gets linear_before_reset=0; one written with the seed's update convention
 * (h' = (1 − z) ⊙ h + z ⊙ n) has its update-gate rows and biases negated, since σ(−a) = 1 − σ(a) turns it into
 * ONNX's h' = (1 − z) ⊙ n + z ⊙ h exactly. A relu RNN gets activations = Relu.
 */
public final class OnnxExport {
    private OnnxExport() {}

    /** The operator set the exported models declare. */
    public static final int OPSET = 14;

    /**
     * Writes a recurrent module as an ONNX model of one GRU, LSTM or RNN node per layer, atomically.
     *
     * @param rnn the module
     * @param file the target
     * @throws IOException when writing fails
     */
    public static void write(Recurrent rnn, Path file) throws IOException {
        byte[] model = model(rnn);
        AtomicFile.write(file, out -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(model);
            while (b.hasRemaining()) out.write(b);
        });
    }

    /**
     * Writes a {@link SequenceModel} as an ONNX model around the same recurrent stack:
     * <pre>
     * inputs   X (steps,batch,I) features, or (steps,batch) token ids as floats; h0 [, c0] (L·D,batch,H)
     * tokens   Cast(X, int64) → Gather(embedding.weight) → (steps,batch,E)
     * per_step logits (steps,batch,O) = MatMul(y, Transpose(head.weight)) + head.bias
     * last_step logits (batch,O) = Gemm(Reshape(Transpose(Slice(hn, (L−1)·D, L·D), 1,0,2), [0,−1]), head.weight, head.bias, transB)
     * outputs  logits, hn [, cn]
     * </pre>
     * The configuration goes into the model's metadata_props (gru4j's ConfigCodec fields, with z_keeps_state=true as the
     * graph's weights are), so that {@link OnnxImport#readModel} rebuilds the model.
     *
     * @param model the model
     * @param file the target
     * @throws IOException when writing fails
     */
    public static void write(SequenceModel model, Path file) throws IOException {
        byte[] bytes = model(model);
        AtomicFile.write(file, out -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) out.write(b);
        });
    }

    static byte[] model(Recurrent rnn) {
        RecurrentConfig cf = rnn.config;
        List<byte[]> nodes = new ArrayList<>(), inits = new ArrayList<>();
        stack(cf, rnn.stateDict(), "", "X", "y", nodes, inits);
        long states = (long) cf.layers() * cf.directions();
        List<byte[]> in = new ArrayList<>(), out = new ArrayList<>();
        in.add(ProtoWriter.valueInfo("X", "steps", "batch", (long) cf.input()));
        states(cf, in, true);
        out.add(ProtoWriter.valueInfo("y", "steps", "batch", (long) cf.directions() * cf.hidden()));
        states(cf, out, false);
        return modelProto("gru4j_" + cf.cell().id(), nodes, inits, in, out, Map.of());
    }

    static byte[] model(SequenceModel m) {
        SequenceModelConfig mc = m.config;
        RecurrentConfig cf = mc.recurrent();
        final int L = cf.layers(), D = cf.directions(), H = cf.hidden(), O = mc.outputs();
        Map<String, Tensor> sd = m.stateDict();
        List<byte[]> nodes = new ArrayList<>(), inits = new ArrayList<>(), in = new ArrayList<>(), out = new ArrayList<>();
        String x = "X";
        if (mc.tokens()) {
            inits.add(ProtoWriter.floatTensor("embedding.weight", sd.get("embedding.weight").shape, sd.get("embedding.weight").data));
            nodes.add(ProtoWriter.node("Cast", "ids", List.of("X"), List.of("X.ids"), List.of(ProtoWriter.intAttr("to", TensorData.INT64))));
            nodes.add(ProtoWriter.node("Gather", "embedding", List.of("embedding.weight", "X.ids"), List.of("embedded"), List.of(ProtoWriter.intAttr("axis", 0))));
            x = "embedded";
            in.add(ProtoWriter.valueInfo("X", "steps", "batch"));
        } else {
            in.add(ProtoWriter.valueInfo("X", "steps", "batch", (long) cf.input()));
        }
        stack(cf, sd, "rnn.", x, "rnn.y", nodes, inits);
        Tensor w = sd.get("head.weight"), b = sd.get("head.bias");
        inits.add(ProtoWriter.floatTensor("head.weight", w.shape, w.data));
        inits.add(ProtoWriter.floatTensor("head.bias", b.shape, b.data));
        if (mc.head() == Head.PER_STEP) {
            nodes.add(ProtoWriter.node("Transpose", "head.t", List.of("head.weight"), List.of("head.weightT"), List.of(ProtoWriter.intsAttr("perm", 1, 0))));
            nodes.add(ProtoWriter.node("MatMul", "head.mm", List.of("rnn.y", "head.weightT"), List.of("head.mm"), List.of()));
            nodes.add(ProtoWriter.node("Add", "head.add", List.of("head.mm", "head.bias"), List.of("logits"), List.of()));
            out.add(ProtoWriter.valueInfo("logits", "steps", "batch", (long) O));
        } else {
            inits.add(ProtoWriter.int64Tensor("head.from", new long[]{(long) (L - 1) * D}));
            inits.add(ProtoWriter.int64Tensor("head.to", new long[]{(long) L * D}));
            inits.add(ProtoWriter.int64Tensor("head.shape", new long[]{0, -1}));
            nodes.add(ProtoWriter.node("Slice", "head.last", List.of("hn", "head.from", "head.to", "axes0"), List.of("head.last"), List.of()));
            nodes.add(ProtoWriter.node("Transpose", "head.bdh", List.of("head.last"), List.of("head.bdh"), List.of(ProtoWriter.intsAttr("perm", 1, 0, 2))));
            nodes.add(ProtoWriter.node("Reshape", "head.flat", List.of("head.bdh", "head.shape"), List.of("head.in"), List.of()));
            nodes.add(ProtoWriter.node("Gemm", "head.gemm", List.of("head.in", "head.weight", "head.bias"), List.of("logits"),
                    List.of(ProtoWriter.intAttr("transB", 1))));
            out.add(ProtoWriter.valueInfo("logits", "batch", (long) O));
        }
        states(cf, in, true);
        states(cf, out, false);
        Map<String, String> meta = ConfigCodec.fields(m, "gru4j");
        meta.put("z_keeps_state", "true");
        meta.remove("describe");
        return modelProto("gru4j_sequence_" + cf.cell().id(), nodes, inits, in, out, meta);
    }

    /** h0 [, c0] as inputs, or hn [, cn] as outputs: (L·D, batch, H). */
    private static void states(RecurrentConfig cf, List<byte[]> infos, boolean inputs) {
        long n = (long) cf.layers() * cf.directions();
        infos.add(ProtoWriter.valueInfo(inputs ? "h0" : "hn", n, "batch", (long) cf.hidden()));
        if (cf.cell() == CellKind.LSTM) infos.add(ProtoWriter.valueInfo(inputs ? "c0" : "cn", n, "batch", (long) cf.hidden()));
    }

    private static byte[] modelProto(String name, List<byte[]> nodes, List<byte[]> inits, List<byte[]> in, List<byte[]> out,
                                     Map<String, String> meta) {
        ProtoWriter.Msg graph = new ProtoWriter.Msg();
        for (byte[] n : nodes) graph.message(1, n);
        graph.string(2, name);
        for (byte[] t : inits) graph.message(5, t);
        for (byte[] v : in) graph.message(11, v);
        for (byte[] v : out) graph.message(12, v);
        byte[] opset = new ProtoWriter.Msg().string(1, "").int64(2, OPSET).toBytes();
        ProtoWriter.Msg model = new ProtoWriter.Msg().int64(1, 8).string(2, "gru4j").string(3, "0.1.0").message(7, graph.toBytes())
                .message(8, opset);
        // metadata_props 14: StringStringEntryProto key 1, value 2
        for (Map.Entry<String, String> e : meta.entrySet()) model.message(14, new ProtoWriter.Msg().string(1, e.getKey()).string(2, e.getValue()).toBytes());
        return model.toBytes();
    }

    /**
     * The recurrent stack: reads x, writes y (steps,batch,D·H), "hn" and for an LSTM "cn"; its weights come from sd
     * under prefix ("" or "rnn.") and become initializers l{l}.W, l{l}.R, l{l}.B.
     */
    private static void stack(RecurrentConfig cf, Map<String, Tensor> sd, String prefix, String x, String y, List<byte[]> nodes, List<byte[]> inits) {
        final int L = cf.layers(), D = cf.directions(), H = cf.hidden(), G = cf.gateRows();
        boolean lstm = cf.cell() == CellKind.LSTM;
        String op = switch (cf.cell()) {
            case GRU -> "GRU";
            case LSTM -> "LSTM";
            default -> "RNN";
        };
        int[] order = switch (cf.cell()) {
            case GRU -> new int[]{1, 0, 2};        // ONNX z, r, h  ←  r, z, n
            case LSTM -> new int[]{0, 3, 1, 2};    // ONNX i, o, f, c  ←  i, f, g, o
            default -> new int[]{0};
        };
        List<String> hs = new ArrayList<>(), cs = new ArrayList<>();
        inits.add(ProtoWriter.int64Tensor("axes0", new long[]{0}));
        inits.add(ProtoWriter.int64Tensor("flat_shape", new long[]{0, 0, -1}));
        for (int l = 0; l < L; l++) {
            int in = cf.layerInput(l);
            float[] w = new float[D * G * in], r = new float[D * G * H], b = cf.bias() ? new float[D * 2 * G] : null;
            for (int d = 0; d < D; d++) {
                String sfx = "_l" + l + (d == 1 ? "_reverse" : "");
                onnxBlocks(sd.get(prefix + "weight_ih" + sfx).data, in, order, H, w, d * G * in);
                onnxBlocks(sd.get(prefix + "weight_hh" + sfx).data, H, order, H, r, d * G * H);
                if (b != null) {
                    onnxBlocks(sd.get(prefix + "bias_ih" + sfx).data, 1, order, H, b, d * 2 * G);
                    onnxBlocks(sd.get(prefix + "bias_hh" + sfx).data, 1, order, H, b, d * 2 * G + G);
                }
                if (cf.cell() == CellKind.GRU && !cf.zKeepsState()) {
                    // ONNX's z is block 0: negate its rows in W and R and its two biases
                    for (int k = 0; k < H * in; k++) w[d * G * in + k] = -w[d * G * in + k];
                    for (int k = 0; k < H * H; k++) r[d * G * H + k] = -r[d * G * H + k];
                    if (b != null) {
                        for (int k = 0; k < H; k++) {
                            b[d * 2 * G + k] = -b[d * 2 * G + k];
                            b[d * 2 * G + G + k] = -b[d * 2 * G + G + k];
                        }
                    }
                }
            }
            String p = "l" + l;
            inits.add(ProtoWriter.floatTensor(p + ".W", new int[]{D, G, in}, w));
            inits.add(ProtoWriter.floatTensor(p + ".R", new int[]{D, G, H}, r));
            if (b != null) inits.add(ProtoWriter.floatTensor(p + ".B", new int[]{D, 2 * G}, b));
            inits.add(ProtoWriter.int64Tensor(p + ".from", new long[]{(long) l * D}));
            inits.add(ProtoWriter.int64Tensor(p + ".to", new long[]{(long) (l + 1) * D}));
            nodes.add(ProtoWriter.node("Slice", p + ".h0", List.of("h0", p + ".from", p + ".to", "axes0"), List.of(p + ".h0"), List.of()));
            if (lstm) nodes.add(ProtoWriter.node("Slice", p + ".c0", List.of("c0", p + ".from", p + ".to", "axes0"), List.of(p + ".c0"), List.of()));
            List<byte[]> attrs = new ArrayList<>();
            attrs.add(ProtoWriter.intAttr("hidden_size", H));
            if (D == 2) attrs.add(ProtoWriter.stringAttr("direction", "bidirectional"));
            if (cf.cell() == CellKind.GRU) attrs.add(ProtoWriter.intAttr("linear_before_reset", cf.resetAfter() ? 1 : 0));
            if (cf.cell() == CellKind.RNN_RELU) attrs.add(ProtoWriter.stringsAttr("activations", Collections.nCopies(D, "Relu")));
            List<String> nin = new ArrayList<>(List.of(x, p + ".W", p + ".R", b != null ? p + ".B" : "", "", p + ".h0"));
            List<String> nout = new ArrayList<>(List.of(p + ".Y", p + ".Y_h"));
            if (lstm) {
                nin.add(p + ".c0");
                nout.add(p + ".Y_c");
            }
            nodes.add(ProtoWriter.node(op, p + "." + op.toLowerCase(), nin, nout, attrs));
            nodes.add(ProtoWriter.node("Transpose", p + ".tbdh", List.of(p + ".Y"), List.of(p + ".Y_tbdh"), List.of(ProtoWriter.intsAttr("perm", 0, 2, 1, 3))));
            x = l == L - 1 ? y : p + ".out";
            nodes.add(ProtoWriter.node("Reshape", p + ".flat", List.of(p + ".Y_tbdh", "flat_shape"), List.of(x), List.of()));
            hs.add(p + ".Y_h");
            cs.add(p + ".Y_c");
        }
        nodes.add(ProtoWriter.node("Concat", "hn", hs, List.of("hn"), List.of(ProtoWriter.intAttr("axis", 0))));
        if (lstm) nodes.add(ProtoWriter.node("Concat", "cn", cs, List.of("cn"), List.of(ProtoWriter.intAttr("axis", 0))));
    }

    /** Copies the gate blocks of src (G blocks of H rows × cols) into dst at off, block k of dst = block order[k] of src. */
    private static void onnxBlocks(float[] src, int cols, int[] order, int H, float[] dst, int off) {
        int block = H * cols;
        for (int k = 0; k < order.length; k++) System.arraycopy(src, order[k] * block, dst, off + k * block, block);
    }
}
