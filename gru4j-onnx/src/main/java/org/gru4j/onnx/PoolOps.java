package org.gru4j.onnx;

import org.gru4j.onnx.OnnxModel.Node;

import java.util.Arrays;
import java.util.Set;

/**
 * Pooling after the ONNX specification, 1–3 spatial dimensions: MaxPool (with its Indices output, storage_order 0),
 * AveragePool (count_include_pad), both with pads, auto_pad, strides, dilations and ceil_mode; GlobalAveragePool
 * and GlobalMaxPool. The window geometry is the one Conv uses ({@link ConvOps#geometry}).
 */
final class PoolOps {
    private PoolOps() {}

    static final Set<String> OPS = Set.of("MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool");

    static Value[] apply(Node n, Value[] in, String where) {
        Value x = in[0];
        if (!x.isFloat() || x.rank() < 3 || x.rank() > 5) throw new IllegalArgumentException(where + ": X must be float (N, C, d1[, d2[, d3]]), got " + x.describe());
        return switch (n.opType()) {
            case "GlobalAveragePool", "GlobalMaxPool" -> new Value[]{global(x, n.opType().equals("GlobalMaxPool"))};
            default -> pool(n, x, n.opType().equals("MaxPool"), where);
        };
    }

    /** y[n, c] = mean (max) over every spatial position of x[n, c]; spatial dimensions kept as 1. */
    private static Value global(Value x, boolean max) {
        int nc = x.shape()[0] * x.shape()[1], p = x.size() / Math.max(1, nc);
        float[] y = new float[nc];
        for (int i = 0; i < nc; i++) {
            double acc = max ? Double.NEGATIVE_INFINITY : 0;
            for (int o = 0; o < p; o++) {
                float v = x.floats()[i * p + o];
                acc = max ? Math.max(acc, v) : acc + v;
            }
            y[i] = (float) (max ? acc : acc / p);
        }
        int[] s = x.shape().clone();
        for (int d = 2; d < s.length; d++) s[d] = 1;
        return Value.floats(s, y);
    }

    /**
     * max: y = max over the window positions inside x (padding never wins); average: Σ window / count, count the
     * positions inside x, or with count_include_pad the positions inside the padded extent.
     */
    private static Value[] pool(Node n, Value x, boolean max, String where) {
        int sr = x.rank() - 2;
        long[] ks = Attributes.ints(n, "kernel_shape");
        if (ks == null || ks.length != sr) throw new IllegalArgumentException(where + ": kernel_shape must have " + sr + " entries");
        int[] kernel = ConvOps.spatial(n, "kernel_shape", sr, 1, where);
        int[] inDims = Arrays.copyOfRange(x.shape(), 2, x.rank());
        boolean ceil = Attributes.i(n, "ceil_mode", 0) != 0, includePad = Attributes.i(n, "count_include_pad", 0) != 0;
        if (max && Attributes.i(n, "storage_order", 0) != 0) throw new IllegalArgumentException(where + ": storage_order 1 is not supported");
        ConvOps.Geometry g = ConvOps.geometry(n, inDims, kernel, ceil, where);
        long[] pads = Attributes.ints(n, "pads");
        int[] padEnd = new int[3];
        for (int d = 0; d < sr; d++) padEnd[3 - sr + d] = pads == null ? 0 : (int) pads[d + sr];
        int nc = x.shape()[0] * x.shape()[1], pin = g.inSize(), pout = g.outSize(), kk = g.kernelSize();
        int[] src = ConvOps.taps(g);
        int[] outShape = x.shape().clone();
        for (int d = 0; d < sr; d++) outShape[2 + d] = g.out()[3 - sr + d];
        float[] y = new float[(int) Value.size(outShape, where + " output")];
        long[] idx = max ? new long[y.length] : null;
        // for the average's divisor with count_include_pad: window positions inside [−p_b, D + p_e)
        int[] padded = null;
        if (!max && includePad) {
            padded = new int[pout];
            for (int o = 0, at = 0; o < pout; o++, at++) {
                int o0 = o / (g.out()[1] * g.out()[2]), o1 = o / g.out()[2] % g.out()[1], o2 = o % g.out()[2];
                int cnt = 1;
                int[] oo = {o0, o1, o2};
                for (int d = 0; d < 3; d++) {
                    int inside = 0;
                    for (int k = 0; k < g.kernel()[d]; k++) {
                        int i = oo[d] * g.stride()[d] - g.padBegin()[d] + k * g.dilation()[d];
                        if (i >= -g.padBegin()[d] && i < g.in()[d] + padEnd[d]) inside++;
                    }
                    cnt *= inside;
                }
                padded[o] = cnt;
            }
        }
        for (int i = 0; i < nc; i++) {
            int xoff = i * pin;
            for (int o = 0; o < pout; o++) {
                double acc = max ? Double.NEGATIVE_INFINITY : 0;
                int count = 0, best = -1;
                for (int t = 0; t < kk; t++) {
                    int s = src[t * pout + o];
                    if (s < 0) continue;
                    float v = x.floats()[xoff + s];
                    count++;
                    if (max) {
                        if (v > acc || best < 0) {
                            acc = v;
                            best = s;
                        }
                    } else acc += v;
                }
                int at = i * pout + o;
                if (max) {
                    y[at] = (float) acc;
                    idx[at] = best < 0 ? 0 : (long) xoff + best;
                } else {
                    y[at] = (float) (acc / (padded != null ? padded[o] : Math.max(count, 1)));
                }
            }
        }
        Value out = Value.floats(outShape, y);
        return max ? new Value[]{out, Value.ints(outShape, idx)} : new Value[]{out};
    }
}
