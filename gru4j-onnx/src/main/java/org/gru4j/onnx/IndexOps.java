package org.gru4j.onnx;

import org.gru4j.onnx.OnnxModel.Node;

import java.util.Arrays;
import java.util.Set;

/**
 * Index-driven gathers and scatters after the ONNX specification: GatherElements, ScatterElements, ScatterND
 * (reduction none/add/mul/max/min), NonZero. Negative indices count from the end; an index out of range is an
 * error naming it.
 */
final class IndexOps {
    private IndexOps() {}

    static final Set<String> OPS = Set.of("GatherElements", "ScatterElements", "ScatterND", "NonZero");

    static Value apply(Node n, Value[] in, String where) {
        return switch (n.opType()) {
            case "GatherElements" -> gatherElements(in[0], in[1], (int) Attributes.i(n, "axis", 0), where);
            case "ScatterElements" -> scatterElements(in[0], in[1], in[2], (int) Attributes.i(n, "axis", 0), Attributes.s(n, "reduction", "none"), where);
            case "ScatterND" -> scatterND(in[0], in[1], in[2], Attributes.s(n, "reduction", "none"), where);
            default -> nonZero(in[0]);
        };
    }

    private static int index(long i, int dim, String where) {
        if (i < -dim || i >= dim) throw new IllegalArgumentException(where + ": index " + i + " is outside " + (-dim) + ".." + (dim - 1));
        return (int) (i < 0 ? i + dim : i);
    }

    private static void checkIndices(Value data, Value idx, String where) {
        if (idx.isFloat()) throw new IllegalArgumentException(where + ": indices must be integers");
        if (idx.rank() != data.rank()) throw new IllegalArgumentException(where + ": indices " + idx.describe() + " and data " + data.describe() + " differ in rank");
    }

    /** For each position j of indices: the flat position in data with coordinate axis replaced by indices[j]. */
    private static int[] elementTargets(Value data, Value idx, int axis, String where) {
        int r = data.rank();
        int[] ds = Ops.strides(data.shape()), pos = new int[r];
        int[] out = new int[idx.size()];
        for (int k = 0; k < out.length; k++) {
            int at = 0;
            for (int d = 0; d < r; d++) {
                int c = d == axis ? index(idx.ints()[k], data.shape()[axis], where) : pos[d];
                if (c >= data.shape()[d]) throw new IllegalArgumentException(where + ": indices " + idx.describe() + " exceed data " + data.describe());
                at += c * ds[d];
            }
            out[k] = at;
            for (int d = r - 1; d >= 0; d--) {
                if (++pos[d] < idx.shape()[d]) break;
                pos[d] = 0;
            }
        }
        return out;
    }

    /** out[i][j][k] = data[indices[i][j][k]][j][k] (axis 0; likewise for the others). */
    static Value gatherElements(Value data, Value idx, int axisAttr, String where) {
        checkIndices(data, idx, where);
        return Ops.pick(data, idx.shape(), elementTargets(data, idx, Ops.axis(axisAttr, data.rank(), where), where));
    }

    /** out = data; out[indices[i][j]][j] (op)= updates[i][j] (axis 0; likewise for the others). */
    static Value scatterElements(Value data, Value idx, Value upd, int axisAttr, String reduction, String where) {
        checkIndices(data, idx, where);
        if (!Arrays.equals(idx.shape(), upd.shape())) throw new IllegalArgumentException(where + ": indices and updates differ in shape");
        int[] t = elementTargets(data, idx, Ops.axis(axisAttr, data.rank(), where), where);
        return scatter(data, t, upd, 1, reduction, where);
    }

    /** Writes updates in blocks of len elements at the flat targets, combining per reduction. */
    private static Value scatter(Value data, int[] targets, Value upd, int len, String reduction, String where) {
        if (data.isFloat() != upd.isFloat()) throw new IllegalArgumentException(where + ": data and updates differ in type");
        float[] f = data.isFloat() ? data.floats().clone() : null;
        long[] l = data.isFloat() ? null : data.ints().clone();
        for (int k = 0; k < targets.length; k++) {
            for (int q = 0; q < len; q++) {
                int at = targets[k] + q, u = k * len + q;
                if (f != null) f[at] = (float) combine(reduction, f[at], upd.floats()[u], where);
                else l[at] = (long) combine(reduction, l[at], upd.ints()[u], where);
            }
        }
        return new Value(data.shape(), f, l, data.bool());
    }

    /** The reduction of a scatter: the old value a and the update b combined (none: b). Exact for int64 up to 2^53. */
    private static double combine(String reduction, double a, double b, String where) {
        return switch (reduction) {
            case "add" -> a + b;
            case "mul" -> a * b;
            case "max" -> Math.max(a, b);
            case "min" -> Math.min(a, b);
            case "none" -> b;
            default -> throw new IllegalArgumentException(where + ": reduction '" + reduction + "'");
        };
    }

    /**
     * indices is (…, q) with q ≤ rank(data): each row addresses a slice data[i_1, …, i_q, :, …] of
     * len = Π data.shape[q:] elements; updates is indices.shape[:-1] + data.shape[q:].
     */
    static Value scatterND(Value data, Value idx, Value upd, String reduction, String where) {
        if (idx.isFloat() || idx.rank() < 1) throw new IllegalArgumentException(where + ": indices must be an integer tensor of rank ≥ 1");
        int q = idx.shape()[idx.rank() - 1], r = data.rank();
        if (q > r) throw new IllegalArgumentException(where + ": indices address " + q + " dimensions of a rank-" + r + " tensor");
        int rows = idx.size() / Math.max(1, q), len = 1;
        for (int d = q; d < r; d++) len *= data.shape()[d];
        int[] want = new int[idx.rank() - 1 + r - q];
        System.arraycopy(idx.shape(), 0, want, 0, idx.rank() - 1);
        System.arraycopy(data.shape(), q, want, idx.rank() - 1, r - q);
        if (!Arrays.equals(want, upd.shape())) throw new IllegalArgumentException(where + ": updates " + upd.describe() + " should be " + Arrays.toString(want));
        if (q == 0) rows = idx.size() == 0 ? 0 : 1;
        int[] ds = Ops.strides(data.shape());
        int[] targets = new int[rows];
        for (int k = 0; k < rows; k++) {
            int at = 0;
            for (int d = 0; d < q; d++) at += index(idx.ints()[k * q + d], data.shape()[d], where) * ds[d];
            targets[k] = at;
        }
        return scatter(data, targets, upd, len, reduction, where);
    }

    /** The coordinates of the non-zero elements, (rank, count), in row-major order. */
    static Value nonZero(Value x) {
        int r = x.rank(), count = 0;
        for (int k = 0; k < x.size(); k++) if (x.get(k) != 0) count++;
        long[] o = new long[r * count];
        int[] st = Ops.strides(x.shape());
        for (int k = 0, j = 0; k < x.size(); k++) {
            if (x.get(k) == 0) continue;
            for (int d = 0, rest = k; d < r; d++) {
                o[d * count + j] = rest / st[d];
                rest %= st[d];
            }
            j++;
        }
        return Value.ints(new int[]{r, count}, o);
    }
}
