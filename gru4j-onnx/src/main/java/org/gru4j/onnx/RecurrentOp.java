package org.gru4j.onnx;

import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentStepper;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.onnx.OnnxModel.Node;
import org.gru4j.onnx.ReferenceRecurrent.Activation;
import org.gru4j.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One ONNX GRU, LSTM or RNN node. Inputs X, W, R, B, sequence_lens, initial_h (and initial_c, P for the LSTM);
 * outputs Y (T,D,B,H) — (B,T,D,H) with layout 1 — and Y_h (D,B,H) — (B,D,H) — and the LSTM's Y_c.
 *
 * <p>The common case runs on gru4j's {@link Recurrent} (one layer): the gate blocks are reordered
 * (ONNX GRU z,r,h → PyTorch r,z,n; LSTM i,o,f,c → i,f,g,o), B (D,2·G·H) splits into b_ih = Wb and b_hh = Rb,
 * linear_before_reset 1/0 is resetAfter true/false, and a reverse-only direction runs forward over each sequence
 * reversed within its length. Recurrent's lengths have ONNX Runtime's meaning (zero output past a sequence's end, the
 * reverse direction starting at its last valid step); one difference is patched: a sequence of length 0 ends in
 * zero states, not initial_h. Clip, activations other than the defaults, non-zero peepholes and input_forget run on
 * {@link ReferenceRecurrent}. Attributes are read once, when the graph is loaded; the Recurrent is rebuilt only when
 * W, R or B are other tensors than last time (initializers never are).
 */
final class RecurrentOp {
    final Node node;
    final String where;
    final CellKind cell;
    final int gates, hidden, directions, layout;
    final boolean[] reverse;
    final boolean linearBeforeReset, inputForget;
    final double clip;
    final Activation[][] activations;
    final boolean defaultActivations;
    boolean forceReference;   // tests
    private Value lastW, lastR, lastB;
    private Recurrent recurrent;

    RecurrentOp(Node n, String where) {
        this.node = n;
        this.where = where;
        String op = n.opType();
        gates = switch (op) {
            case "GRU" -> 3;
            case "LSTM" -> 4;
            default -> 1;
        };
        long hs = Attributes.i(n, "hidden_size", -1);
        if (hs < 1 || hs > 1 << 20) throw new IllegalArgumentException(where + ": hidden_size " + (hs == -1 ? "is missing" : hs + " is invalid"));
        hidden = (int) hs;
        String dir = Attributes.s(n, "direction", "forward");
        switch (dir) {
            case "forward" -> reverse = new boolean[]{false};
            case "reverse" -> reverse = new boolean[]{true};
            case "bidirectional" -> reverse = new boolean[]{false, true};
            default -> throw new IllegalArgumentException(where + ": direction '" + dir + "' (forward, reverse, bidirectional)");
        }
        directions = reverse.length;
        layout = (int) Attributes.i(n, "layout", 0);
        if (layout != 0 && layout != 1) throw new IllegalArgumentException(where + ": layout " + layout + " (0 or 1)");
        linearBeforeReset = Attributes.i(n, "linear_before_reset", 0) != 0;
        inputForget = Attributes.i(n, "input_forget", 0) != 0;
        float c = Attributes.f(n, "clip", Float.NaN);
        if (!Float.isNaN(c) && !(c > 0)) throw new IllegalArgumentException(where + ": clip " + c + " must be positive");
        clip = Float.isNaN(c) ? Double.POSITIVE_INFINITY : c;
        String[] defaults = switch (gates) {
            case 3 -> new String[]{"Sigmoid", "Tanh"};
            case 4 -> new String[]{"Sigmoid", "Tanh", "Tanh"};
            default -> new String[]{"Tanh"};
        };
        activations = activations(n, defaults);
        boolean def = true;
        for (Activation[] perDir : activations) {
            for (int k = 0; k < perDir.length; k++) def &= perDir[k].name().equals(defaults[k]);
        }
        boolean relu = gates == 1 && activations[0][0].name().equals("Relu") && (directions == 1 || activations[1][0].name().equals("Relu"));
        defaultActivations = def || relu;
        cell = switch (gates) {
            case 3 -> CellKind.GRU;
            case 4 -> CellKind.LSTM;
            default -> relu ? CellKind.RNN_RELU : CellKind.RNN_TANH;
        };
    }

    /** The activations attribute per direction, names normalised, alpha and beta consumed in order as ONNX Runtime does. */
    private Activation[][] activations(Node n, String[] defaults) {
        List<String> names = Attributes.strings(n, "activations");
        float[] alphas = Attributes.floats(n, "activation_alpha"), betas = Attributes.floats(n, "activation_beta");
        int per = defaults.length;
        if (names == null) {
            names = new java.util.ArrayList<>();
            for (int d = 0; d < directions; d++) names.addAll(Arrays.asList(defaults));
        } else if (names.size() == per && directions == 2) {
            names = new java.util.ArrayList<>(names);
            names.addAll(List.copyOf(names));
        }
        if (names.size() != per * directions) {
            throw new IllegalArgumentException(where + ": " + names.size() + " activations, expected " + per * directions
                    + " (" + per + " per direction)");
        }
        Activation[][] out = new Activation[directions][per];
        int ai = 0, bi = 0;
        for (int k = 0; k < names.size(); k++) {
            String name = canonical(names.get(k));
            double alpha = switch (name) {
                case "LeakyRelu" -> 0.01;
                case "HardSigmoid" -> 0.2;
                default -> 1.0;
            };
            double beta = switch (name) {
                case "HardSigmoid" -> 0.5;
                case "ScaledTanh" -> 1.0;
                default -> 0.0;
            };
            boolean usesAlpha = Map.of("Affine", 1, "LeakyRelu", 1, "ThresholdedRelu", 1, "ScaledTanh", 1, "HardSigmoid", 1, "Elu", 1).containsKey(name);
            boolean usesBeta = name.equals("Affine") || name.equals("ScaledTanh") || name.equals("HardSigmoid");
            if (usesAlpha && alphas != null && ai < alphas.length) alpha = alphas[ai++];
            if (usesBeta && betas != null && bi < betas.length) beta = betas[bi++];
            out[k / per][k % per] = new Activation(name, alpha, beta);
        }
        return out;
    }

    private String canonical(String s) {
        for (String known : List.of("Sigmoid", "Tanh", "Relu", "Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh",
                "HardSigmoid", "Elu", "Softsign", "Softplus")) {
            if (known.toLowerCase(Locale.ROOT).equals(s.toLowerCase(Locale.ROOT))) return known;
        }
        throw new IllegalArgumentException(where + ": unsupported activation '" + s + "'");
    }

    Value[] apply(Value[] in) {
        Value xv = need(in, 0, "X"), wv = need(in, 1, "W"), rv = need(in, 2, "R");
        Value bv = opt(in, 3), lv = opt(in, 4), hv = opt(in, 5), cv = gates == 4 ? opt(in, 6) : null, pv = gates == 4 ? opt(in, 7) : null;
        if (xv.rank() != 3) throw new IllegalArgumentException(where + ": X has shape " + Arrays.toString(xv.shape()) + ", expected rank 3");
        final int T = layout == 0 ? xv.shape()[0] : xv.shape()[1], B = layout == 0 ? xv.shape()[1] : xv.shape()[0];
        final int I = xv.shape()[2], H = hidden, D = directions, G = gates * H;
        check(wv, "W", D, G, I);
        check(rv, "R", D, G, H);
        if (bv != null) check(bv, "B", D, 2 * G);
        if (pv != null) check(pv, "P", D, 3 * H);
        float[] x = layout == 0 ? xv.floats() : swap01(xv.floats(), B, T, I);
        float[] h0 = state(hv, "initial_h", B), c0 = state(cv, "initial_c", B);
        int[] lengths = lengths(lv, B, T);
        boolean peepholes = pv != null && anyNonZero(pv.floats());

        float[] y, yh, yc;
        if (!forceReference && defaultActivations && clip == Double.POSITIVE_INFINITY && !inputForget && !peepholes) {
            Recurrent rec = recurrent(wv, rv, bv, I);
            int[] lens = lengths;
            boolean reverseOnly = D == 1 && reverse[0];
            if (reverseOnly) x = reverseWithin(x, T, B, I, lens);
            Recurrent.Output out = D == 1 && !reverseOnly && lens == null && T <= STEPPED ? stepped(rec, x, T, B, I, H, h0, c0)
                    : rec.forward(new Tensor(new int[]{T, B, I}, x), lens,
                    h0 == null ? null : new Tensor(new int[]{D, B, H}, h0), c0 == null ? null : new Tensor(new int[]{D, B, H}, c0));
            float[] yt = out.y().data;   // (T,B,D·H)
            if (reverseOnly) yt = reverseWithin(yt, T, B, H, lens);
            y = new float[T * D * B * H];
            for (int t = 0; t < T; t++) {
                for (int b = 0; b < B; b++) {
                    for (int d = 0; d < D; d++) System.arraycopy(yt, (t * B + b) * D * H + d * H, y, ((t * D + d) * B + b) * H, H);
                }
            }
            yh = out.hn().data;
            yc = out.cn() == null ? null : out.cn().data;
            if (lengths != null) {
                for (int b = 0; b < B; b++) {
                    if (lengths[b] != 0) continue;
                    for (int d = 0; d < D; d++) {
                        Arrays.fill(yh, (d * B + b) * H, (d * B + b + 1) * H, 0f);
                        if (yc != null) Arrays.fill(yc, (d * B + b) * H, (d * B + b + 1) * H, 0f);
                    }
                }
            }
        } else {
            ReferenceRecurrent.Result res = ReferenceRecurrent.run(gates, T, B, I, H, D, reverse, x, wv.floats(), rv.floats(),
                    bv == null ? null : bv.floats(), pv == null ? null : pv.floats(), h0, c0, lengths, activations, clip,
                    linearBeforeReset, inputForget);
            y = res.y();
            yh = res.yh();
            yc = res.yc();
        }
        Value yOut, yhOut, ycOut = null;
        if (layout == 0) {
            yOut = Value.floats(new int[]{T, D, B, H}, y);
            yhOut = Value.floats(new int[]{D, B, H}, yh);
            if (yc != null) ycOut = Value.floats(new int[]{D, B, H}, yc);
        } else {
            yOut = Value.floats(new int[]{B, T, D, H}, permuteTDBH(y, T, D, B, H));
            yhOut = Value.floats(new int[]{B, D, H}, swap01(yh, D, B, H));
            if (yc != null) ycOut = Value.floats(new int[]{B, D, H}, swap01(yc, D, B, H));
        }
        return gates == 4 ? new Value[]{yOut, yhOut, ycOut} : new Value[]{yOut, yhOut};
    }

    /** Sequences this short (a streaming model run per chunk) are stepped on a {@link RecurrentStepper}, which packs the weights once. */
    static final int STEPPED = 4;
    private RecurrentStepper stream;

    /**
     * y, hn, cn of a one-directional, one-layer module over T ≤ {@link #STEPPED} steps by {@link RecurrentStepper#stepBatch}
     * (the forward kernels, with the weights packed once per set of weights rather than once per call).
     */
    private Recurrent.Output stepped(Recurrent rec, float[] x, int T, int B, int I, int H, float[] h0, float[] c0) {
        if (stream == null || stream.model != rec) stream = new RecurrentStepper(rec);
        boolean lstm = rec.config.cell() == org.gru4j.nn.CellKind.LSTM;
        float[] hs = h0 == null ? new float[B * H] : h0.clone(), cs = lstm ? (c0 == null ? new float[B * H] : c0.clone()) : new float[0];
        float[] y = new float[T * B * H], yt = new float[B * H], xt = new float[B * I];
        org.gru4j.nn.Finite.require("X", x, new int[]{T, B, I}, "t,b,i");
        for (int t = 0; t < T; t++) {
            System.arraycopy(x, t * B * I, xt, 0, B * I);
            stream.stepBatch(B, xt, hs, cs, yt);
            System.arraycopy(yt, 0, y, t * B * H, B * H);
        }
        return new Recurrent.Output(new Tensor(new int[]{T, B, H}, y), new Tensor(new int[]{1, B, H}, hs),
                lstm ? new Tensor(new int[]{1, B, H}, cs) : null);
    }

    /** The Recurrent for these weights, reused while W, R and B are the same tensors. */
    private Recurrent recurrent(Value w, Value r, Value b, int I) {
        if (recurrent != null && w == lastW && r == lastR && b == lastB && recurrent.config.input() == I) return recurrent;
        final int H = hidden, D = directions, G = gates * H;
        boolean bidirectional = D == 2;
        Recurrent rec = new Recurrent(new RecurrentConfig(cell, I, H, 1, bidirectional, b != null,
                gates != 3 || linearBeforeReset, true));
        int[] order = switch (gates) {
            case 3 -> new int[]{1, 0, 2};      // PyTorch r, z, n  ←  ONNX z, r, h
            case 4 -> new int[]{0, 2, 3, 1};   // PyTorch i, f, g, o  ←  ONNX i, o, f, c
            default -> new int[]{0};
        };
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (int d = 0; d < D; d++) {
            String sfx = "_l0" + (d == 1 ? "_reverse" : "");
            sd.put("weight_ih" + sfx, new Tensor(new int[]{G, I}, reorder(w.floats(), d * G * I, I, order, H)));
            sd.put("weight_hh" + sfx, new Tensor(new int[]{G, H}, reorder(r.floats(), d * G * H, H, order, H)));
            if (b != null) {
                sd.put("bias_ih" + sfx, new Tensor(new int[]{G}, reorder(b.floats(), d * 2 * G, 1, order, H)));
                sd.put("bias_hh" + sfx, new Tensor(new int[]{G}, reorder(b.floats(), d * 2 * G + G, 1, order, H)));
            }
        }
        rec.load(sd);
        lastW = w;
        lastR = r;
        lastB = b;
        recurrent = rec;
        return rec;
    }

    /** Gate blocks of H rows of width cols, starting at off, in the order given (block k of the result = order[k]). */
    static float[] reorder(float[] src, int off, int cols, int[] order, int H) {
        int block = H * cols;
        float[] out = new float[order.length * block];
        for (int k = 0; k < order.length; k++) System.arraycopy(src, off + order[k] * block, out, k * block, block);
        return out;
    }

    /** Each sequence b's first lengths[b] steps in reverse order; steps past it stay where they are. x is (T,B,C). */
    private static float[] reverseWithin(float[] x, int T, int B, int C, int[] lengths) {
        float[] o = new float[x.length];
        for (int b = 0; b < B; b++) {
            int len = lengths == null ? T : lengths[b];
            for (int t = 0; t < T; t++) {
                int src = t < len ? len - 1 - t : t;
                System.arraycopy(x, (src * B + b) * C, o, (t * B + b) * C, C);
            }
        }
        return o;
    }

    /** (A,B,C) → (B,A,C). */
    static float[] swap01(float[] x, int A, int B, int C) {
        float[] o = new float[x.length];
        for (int a = 0; a < A; a++) {
            for (int b = 0; b < B; b++) System.arraycopy(x, (a * B + b) * C, o, (b * A + a) * C, C);
        }
        return o;
    }

    /** (T,D,B,H) → (B,T,D,H). */
    private static float[] permuteTDBH(float[] y, int T, int D, int B, int H) {
        float[] o = new float[y.length];
        for (int t = 0; t < T; t++) {
            for (int d = 0; d < D; d++) {
                for (int b = 0; b < B; b++) System.arraycopy(y, ((t * D + d) * B + b) * H, o, ((b * T + t) * D + d) * H, H);
            }
        }
        return o;
    }

    private float[] state(Value v, String name, int B) {
        if (v == null) return null;
        int D = directions, H = hidden;
        if (layout == 0) {
            check(v, name, D, B, H);
            return v.floats();
        }
        check(v, name, B, D, H);
        return swap01(v.floats(), B, D, H);
    }

    private int[] lengths(Value v, int B, int T) {
        if (v == null) return null;
        if (v.isFloat() || v.rank() != 1 || v.shape()[0] != B) {
            throw new IllegalArgumentException(where + ": sequence_lens is " + v.describe() + ", expected int32[" + B + "]");
        }
        int[] l = new int[B];
        boolean full = true;
        for (int b = 0; b < B; b++) {
            long len = v.ints()[b];
            if (len < 0 || len > T) throw new IllegalArgumentException(where + ": sequence_lens[" + b + "] = " + len + " is outside 0.." + T);
            l[b] = (int) len;
            full &= len == T;
        }
        return full ? null : l;
    }

    private Value need(Value[] in, int k, String name) {
        if (k >= in.length || in[k] == null) throw new IllegalArgumentException(where + ": input " + name + " is required");
        if (!in[k].isFloat()) throw new IllegalArgumentException(where + ": input " + name + " must be float, got " + in[k].describe());
        return in[k];
    }

    private Value opt(Value[] in, int k) {
        return k < in.length ? in[k] : null;
    }

    private void check(Value v, String name, int... shape) {
        if (!Arrays.equals(v.shape(), shape)) {
            throw new IllegalArgumentException(where + ": " + name + " has shape " + Arrays.toString(v.shape()) + ", expected "
                    + Arrays.toString(shape) + " (hidden_size " + hidden + ", " + directions + " direction" + (directions == 2 ? "s" : "") + ")");
        }
        if (!v.isFloat() && !name.equals("sequence_lens")) throw new IllegalArgumentException(where + ": " + name + " must be float");
    }

    private static boolean anyNonZero(float[] a) {
        for (float v : a) if (v != 0f) return true;
        return false;
    }
}
