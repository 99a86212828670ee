package org.gru4j.onnx;

import org.gru4j.onnx.OnnxModel.Node;

import java.util.Arrays;
import java.util.Set;

/**
 * Reductions after the ONNX specification: the Reduce* family (axes an attribute, or from opset 13 for ReduceSum and
 * 18 for the rest an optional input; keepdims; noop_with_empty_axes), ArgMax/ArgMin (keepdims, select_last_index),
 * TopK (k an attribute before opset 10, an input from 10; largest, sorted), CumSum (exclusive, reverse).
 * Sums are accumulated in double.
 */
final class ReduceOps {
    private ReduceOps() {}

    static final Set<String> OPS = Set.of("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
            "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin", "TopK", "CumSum");

    static Value[] apply(Node n, Value[] in, long opset, String where) {
        String op = n.opType();
        return switch (op) {
            case "ArgMax", "ArgMin" -> new Value[]{arg(in[0], (int) Attributes.i(n, "axis", 0), Attributes.i(n, "keepdims", 1) != 0,
                    Attributes.i(n, "select_last_index", 0) != 0, op.equals("ArgMax"), where)};
            case "TopK" -> topK(in[0], opset < 10 ? Attributes.i(n, "k", -1) : scalar(in[1], where),
                    (int) Attributes.i(n, "axis", -1), Attributes.i(n, "largest", 1) != 0, where);
            case "CumSum" -> new Value[]{cumSum(in[0], scalar(in[1], where), Attributes.i(n, "exclusive", 0) != 0,
                    Attributes.i(n, "reverse", 0) != 0, where)};
            default -> {
                boolean axesInput = op.equals("ReduceSum") ? opset >= 13 : opset >= 18;
                long[] axes = axesInput ? (in.length > 1 && in[1] != null ? Ops.longs(in, 1) : null) : Attributes.ints(n, "axes");
                yield new Value[]{reduce(op, in[0], axes, Attributes.i(n, "keepdims", 1) != 0,
                        Attributes.i(n, "noop_with_empty_axes", 0) != 0, where)};
            }
        };
    }

    private static long scalar(Value v, String where) {
        if (v.isFloat() || v.size() != 1) throw new IllegalArgumentException(where + ": expected one integer, got " + v.describe());
        return v.ints()[0];
    }

    /** Which axes are reduced: all when axes is null or empty (unless noop), each named one otherwise. */
    private static boolean[] reduced(long[] axes, int rank, boolean noop, String where) {
        boolean[] r = new boolean[rank];
        if (axes == null || axes.length == 0) {
            if (!noop) Arrays.fill(r, true);
            return r;
        }
        for (long a : axes) r[Ops.axis(a, rank, where)] = true;
        return r;
    }

    /**
     * y[kept] = combine over the reduced positions of x. Mean = Σx/n, L1 = Σ|x|, L2 = √Σx², LogSum = log Σx,
     * LogSumExp = m + log Σ e^{x−m} (m the max), SumSquare = Σx², Prod = Πx. An empty reduction gives the
     * identity (0 for sums, 1 for Prod, −∞/+∞ for Max/Min).
     */
    static Value reduce(String op, Value x, long[] axes, boolean keep, boolean noop, String where) {
        int r = x.rank();
        boolean[] red = reduced(axes, r, noop, where);
        if (axes != null && axes.length == 0 && noop) return x;
        int[] outFull = new int[r];
        int kept = 0;
        for (int k = 0; k < r; k++) {
            outFull[k] = red[k] ? 1 : x.shape()[k];
            if (!red[k]) kept++;
        }
        int[] outShape = keep ? outFull : new int[kept];
        if (!keep) for (int k = 0, j = 0; k < r; k++) if (!red[k]) outShape[j++] = x.shape()[k];
        int outSize = (int) Value.size(outFull, where + " output");
        // for each input element, its output position
        int[] idx = Ops.broadcastIndex(x.shape(), outFull);
        int count = outSize == 0 ? 0 : x.size() / Math.max(1, outSize);
        double[] acc = new double[outSize];
        double[] max = null;
        double init = switch (op) {
            case "ReduceMax" -> Double.NEGATIVE_INFINITY;
            case "ReduceMin" -> Double.POSITIVE_INFINITY;
            case "ReduceProd" -> 1;
            default -> 0;
        };
        Arrays.fill(acc, init);
        if (op.equals("ReduceLogSumExp")) {
            max = new double[outSize];
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
            for (int k = 0; k < idx.length; k++) max[idx[k]] = Math.max(max[idx[k]], x.get(k));
        }
        for (int k = 0; k < idx.length; k++) {
            double v = x.get(k);
            int o = idx[k];
            acc[o] = switch (op) {
                case "ReduceMax" -> Double.isNaN(v) || Double.isNaN(acc[o]) ? Double.NaN : Math.max(acc[o], v);
                case "ReduceMin" -> Double.isNaN(v) || Double.isNaN(acc[o]) ? Double.NaN : Math.min(acc[o], v);
                case "ReduceProd" -> acc[o] * v;
                case "ReduceL1" -> acc[o] + Math.abs(v);
                case "ReduceL2", "ReduceSumSquare" -> acc[o] + v * v;
                case "ReduceLogSumExp" -> acc[o] + Math.exp(v - max[o]);
                default -> acc[o] + v;
            };
        }
        for (int o = 0; o < outSize; o++) {
            acc[o] = switch (op) {
                case "ReduceMean" -> acc[o] / count;
                case "ReduceL2" -> Math.sqrt(acc[o]);
                case "ReduceLogSum" -> Math.log(acc[o]);
                case "ReduceLogSumExp" -> max[o] == Double.NEGATIVE_INFINITY ? Double.NEGATIVE_INFINITY : max[o] + Math.log(acc[o]);
                default -> acc[o];
            };
        }
        if (x.isFloat()) {
            float[] f = new float[outSize];
            for (int o = 0; o < outSize; o++) f[o] = (float) acc[o];
            return Value.floats(outShape, f);
        }
        long[] l = new long[outSize];
        if (op.equals("ReduceMax") || op.equals("ReduceMin")) {   // exact for large int64
            long[] e = new long[outSize];
            Arrays.fill(e, op.equals("ReduceMax") ? Long.MIN_VALUE : Long.MAX_VALUE);
            for (int k = 0; k < idx.length; k++) {
                e[idx[k]] = op.equals("ReduceMax") ? Math.max(e[idx[k]], x.ints()[k]) : Math.min(e[idx[k]], x.ints()[k]);
            }
            return Value.ints(outShape, e);
        }
        for (int o = 0; o < outSize; o++) l[o] = (long) acc[o];
        return Value.ints(outShape, l);
    }

    /** The index of the largest (smallest) value along axis; the first one unless select_last_index. */
    private static Value arg(Value x, int axisAttr, boolean keep, boolean last, boolean max, String where) {
        int r = x.rank(), a = Ops.axis(axisAttr, r, where), dim = x.shape()[a];
        int outer = 1, inner = 1;
        for (int k = 0; k < a; k++) outer *= x.shape()[k];
        for (int k = a + 1; k < r; k++) inner *= x.shape()[k];
        long[] o = new long[outer * inner];
        for (int p = 0; p < outer; p++) {
            for (int q = 0; q < inner; q++) {
                int best = 0;
                double bv = x.get(p * dim * inner + q);
                for (int i = 1; i < dim; i++) {
                    double v = x.get((p * dim + i) * inner + q);
                    boolean better = max ? (last ? v >= bv : v > bv) : (last ? v <= bv : v < bv);
                    if (better) {
                        best = i;
                        bv = v;
                    }
                }
                o[p * inner + q] = best;
            }
        }
        int[] s = x.shape().clone();
        s[a] = 1;
        if (!keep) s = Ops.dropAxis(s, a);
        return Value.ints(s, o);
    }

    /**
     * The k largest (smallest) values along axis and their indices, sorted; ties keep the lower index first
     * (ONNX: "if two elements are equal, the one with the lower index appears first").
     */
    private static Value[] topK(Value x, long k, int axisAttr, boolean largest, String where) {
        int r = x.rank(), a = Ops.axis(axisAttr, r, where), dim = x.shape()[a];
        if (k < 0 || k > dim) throw new IllegalArgumentException(where + ": k = " + k + " is outside 0.." + dim);
        int kk = (int) k, outer = 1, inner = 1;
        for (int q = 0; q < a; q++) outer *= x.shape()[q];
        for (int q = a + 1; q < r; q++) inner *= x.shape()[q];
        int[] s = x.shape().clone();
        s[a] = kk;
        float[] vf = x.isFloat() ? new float[outer * kk * inner] : null;
        long[] vl = x.isFloat() ? null : new long[outer * kk * inner];
        long[] ix = new long[outer * kk * inner];
        Integer[] order = new Integer[dim];
        for (int p = 0; p < outer; p++) {
            for (int q = 0; q < inner; q++) {
                final int base = p * dim * inner + q, in = inner;
                for (int i = 0; i < dim; i++) order[i] = i;
                Arrays.sort(order, (i, j) -> {
                    int c = Double.compare(x.get(base + i * in), x.get(base + j * in));
                    if (largest) c = -c;
                    return c != 0 ? c : Integer.compare(i, j);
                });
                for (int i = 0; i < kk; i++) {
                    int o = (p * kk + i) * inner + q, src = base + order[i] * inner;
                    if (vf != null) vf[o] = x.floats()[src];
                    else vl[o] = x.ints()[src];
                    ix[o] = order[i];
                }
            }
        }
        return new Value[]{new Value(s, vf, vl, false), Value.ints(s, ix)};
    }

    /** y_i = Σ_{j ≤ i} x_j along axis (j < i when exclusive; from the end when reverse). */
    private static Value cumSum(Value x, long axisAttr, boolean exclusive, boolean reverse, String where) {
        int r = x.rank(), a = Ops.axis(axisAttr, r, where), dim = x.shape()[a];
        int outer = 1, inner = 1;
        for (int q = 0; q < a; q++) outer *= x.shape()[q];
        for (int q = a + 1; q < r; q++) inner *= x.shape()[q];
        float[] f = x.isFloat() ? new float[x.size()] : null;
        long[] l = x.isFloat() ? null : new long[x.size()];
        for (int p = 0; p < outer; p++) {
            for (int q = 0; q < inner; q++) {
                double sum = 0;
                long isum = 0;
                for (int t = 0; t < dim; t++) {
                    int i = reverse ? dim - 1 - t : t, at = (p * dim + i) * inner + q;
                    if (exclusive) {
                        if (f != null) f[at] = (float) sum; else l[at] = isum;
                    }
                    if (f != null) sum += x.floats()[at]; else isum += x.ints()[at];
                    if (!exclusive) {
                        if (f != null) f[at] = (float) sum; else l[at] = isum;
                    }
                }
            }
        }
        return new Value(x.shape(), f, l, false);
    }
}
