package org.gru4j.onnx;

import org.gru4j.onnx.OnnxModel.Node;

import java.util.Arrays;
import java.util.Set;

/**
 * Shape-changing operators after the ONNX specification: Pad (constant, reflect, edge; pads an attribute before
 * opset 11, an input from 11, the axes input of 18; negative pads crop), Tile, Size. Outputs that can be far larger
 * than their inputs are reserved against the run's {@link Budget} first.
 */
final class ShapeOps {
    private ShapeOps() {}

    static final Set<String> OPS = Set.of("Pad", "Tile", "Size");

    static Value apply(Node n, Value[] in, long opset, Budget budget, String where) {
        Value x = in[0];
        return switch (n.opType()) {
            case "Size" -> Value.ints(new int[0], new long[]{x.size()});
            case "Tile" -> tile(x, Ops.longs(in, 1), budget, where);
            default -> {
                long[] pads;
                double value;
                long[] axes = null;
                if (opset < 11) {
                    pads = Attributes.ints(n, "pads");
                    value = Attributes.f(n, "value", 0f);
                } else {
                    pads = Ops.longs(in, 1);
                    value = in.length > 2 && in[2] != null && in[2].size() > 0 ? in[2].get(0) : 0;
                    if (in.length > 3 && in[3] != null) axes = Ops.longs(in, 3);
                }
                yield pad(x, pads, axes, Attributes.s(n, "mode", "constant"), value, budget, where);
            }
        };
    }

    /**
     * y[j] = x[i] with i_d = j_d − p_begin_d; outside x: constant → value, edge → the nearest edge element,
     * reflect → mirrored about the edge without repeating it (period 2(D − 1)).
     */
    static Value pad(Value x, long[] pads, long[] axes, String mode, double value, Budget budget, String where) {
        int r = x.rank();
        if (pads == null) throw new IllegalArgumentException(where + ": pads are required");
        int na = axes == null ? r : axes.length;
        if (pads.length != 2 * na) throw new IllegalArgumentException(where + ": pads " + Arrays.toString(pads) + " should have " + 2 * na + " entries");
        long[] begin = new long[r], end = new long[r];
        for (int k = 0; k < na; k++) {
            int a = axes == null ? k : Ops.axis(axes[k], r, where);
            begin[a] = pads[k];
            end[a] = pads[k + na];
        }
        int[] s = new int[r];
        for (int d = 0; d < r; d++) {
            long o = x.shape()[d] + begin[d] + end[d];
            if (o < 0 || o > Value.MAX_SIZE) throw new IllegalArgumentException(where + ": padded dimension " + d + " would be " + o);
            if (!mode.equals("constant") && x.shape()[d] == 0 && o > 0) throw new IllegalArgumentException(where + ": " + mode + " padding of an empty dimension");
            if (mode.equals("reflect") && (begin[d] >= x.shape()[d] || end[d] >= x.shape()[d]) && (begin[d] > 0 || end[d] > 0)) {
                throw new IllegalArgumentException(where + ": reflect pads must be smaller than the dimension " + x.shape()[d]);
            }
            s[d] = (int) o;
        }
        if (!mode.equals("constant") && !mode.equals("reflect") && !mode.equals("edge")) {
            throw new IllegalArgumentException(where + ": mode '" + mode + "' is not constant, reflect or edge");
        }
        long size = Value.size(s, where + " output");
        budget.reserve(size, where);
        int[] src = new int[(int) size];
        int[] inStride = Ops.strides(x.shape()), pos = new int[r];
        for (int k = 0; k < src.length; k++) {
            int at = 0;
            for (int d = 0; d < r && at >= 0; d++) {
                long i = pos[d] - begin[d];
                int dim = x.shape()[d];
                if (i < 0 || i >= dim) {
                    if (mode.equals("constant")) at = -1;
                    else if (mode.equals("edge")) i = i < 0 ? 0 : dim - 1;
                    else {
                        long period = 2L * (dim - 1);
                        i = period == 0 ? 0 : Math.floorMod(i, period);
                        if (i >= dim) i = period - i;
                    }
                }
                if (at >= 0) at += (int) i * inStride[d];
            }
            src[k] = at;
            for (int d = r - 1; d >= 0; d--) {
                if (++pos[d] < s[d]) break;
                pos[d] = 0;
            }
        }
        if (x.isFloat()) {
            float[] f = new float[src.length];
            for (int k = 0; k < f.length; k++) f[k] = src[k] < 0 ? (float) value : x.floats()[src[k]];
            return Value.floats(s, f);
        }
        long[] l = new long[src.length];
        for (int k = 0; k < l.length; k++) l[k] = src[k] < 0 ? (long) value : x.ints()[src[k]];
        return new Value(s, null, l, x.bool());
    }

    /** y[j] = x[j mod D] per dimension; y's dimensions are D_d · repeats_d. */
    static Value tile(Value x, long[] repeats, Budget budget, String where) {
        int r = x.rank();
        if (repeats == null || repeats.length != r) throw new IllegalArgumentException(where + ": repeats must have " + r + " entries");
        int[] s = new int[r];
        long size = 1;
        for (int d = 0; d < r; d++) {
            if (repeats[d] < 0) throw new IllegalArgumentException(where + ": negative repeat " + repeats[d]);
            long o = x.shape()[d] * repeats[d];
            if (o > Value.MAX_SIZE || (repeats[d] != 0 && o / repeats[d] != x.shape()[d])) throw new IllegalArgumentException(where + ": output too large");
            s[d] = (int) o;
            size = Math.multiplyExact(size, Math.max(o, 0));
            if (size > Value.MAX_SIZE) throw new IllegalArgumentException(where + ": its output of " + size + " elements is too large");
        }
        budget.reserve(size, where);
        int[] src = new int[(int) size];
        int[] inStride = Ops.strides(x.shape()), pos = new int[r];
        for (int k = 0; k < src.length; k++) {
            int at = 0;
            for (int d = 0; d < r; d++) at += (pos[d] % x.shape()[d]) * inStride[d];
            src[k] = at;
            for (int d = r - 1; d >= 0; d--) {
                if (++pos[d] < s[d]) break;
                pos[d] = 0;
            }
        }
        return Ops.pick(x, s, src);
    }
}
