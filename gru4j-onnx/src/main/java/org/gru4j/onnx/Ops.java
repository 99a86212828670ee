package org.gru4j.onnx;

import org.gru4j.kernel.Gemm;
import org.gru4j.onnx.OnnxModel.Node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The glue operators exporters (torch.onnx.export opsets 9–17, tf2onnx) put around recurrent layers, written
 * plainly after the ONNX operator specification. Each takes the node's input values (null for an omitted optional
 * input) and returns its outputs. Opset differences handled: Squeeze/Unsqueeze axes (attribute before 13, input
 * from 13), Slice (attributes before 10, inputs from 10), Softmax/LogSoftmax (2-D coercion before 13, one axis from
 * 13), Shape start/end (15), Reshape allowzero (14).
 */
final class Ops {
    private Ops() {}

    /** The tensor-movement and matrix operators this file implements. */
    static final Set<String> BASE = Set.of("Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Expand",
            "Transpose", "Reshape", "Slice", "Cast", "CastLike", "Identity", "Gemm", "MatMul", "Softmax", "LogSoftmax",
            "ConstantOfShape", "Range", "Flatten", "Dropout", "Split", "Einsum");

    /** Every operator {@link #apply} runs; GRU, LSTM, RNN and If, Loop, Scan are run by the graph itself. */
    static final Set<String> SUPPORTED = ElementwiseOps.union(BASE, ElementwiseOps.OPS, ReduceOps.OPS, ConvOps.OPS, PoolOps.OPS,
            NormOps.OPS, ShapeOps.OPS, IndexOps.OPS);

    static Value[] apply(Node n, Value[] in, long opset, Path dir, String where) throws IOException {
        return apply(n, in, opset, dir, Budget.forRun(), where);
    }

    static Value[] apply(Node n, Value[] in, long opset, Path dir, Budget budget, String where) throws IOException {
        int need = required(n.opType(), opset);
        for (int k = 0; k < need; k++) {
            if (k >= in.length || in[k] == null) {
                throw new IllegalArgumentException(where + " has " + in.length + " inputs" + (k < in.length ? " (input " + k + " omitted)" : "")
                        + ", " + n.opType() + " needs " + need);
            }
        }
        String op = n.opType();
        if (ElementwiseOps.OPS.contains(op)) return one(ElementwiseOps.apply(n, in, opset, where));
        if (ReduceOps.OPS.contains(op)) return ReduceOps.apply(n, in, opset, where);
        if (ConvOps.OPS.contains(op)) return one(ConvOps.apply(n, in, budget, where));
        if (PoolOps.OPS.contains(op)) return PoolOps.apply(n, in, where);
        if (NormOps.OPS.contains(op)) return NormOps.apply(n, in, where);
        if (ShapeOps.OPS.contains(op)) return one(ShapeOps.apply(n, in, opset, budget, where));
        if (IndexOps.OPS.contains(op)) return one(IndexOps.apply(n, in, where));
        return switch (op) {
            case "Constant" -> one(constant(n, dir, where));
            case "Identity" -> one(in[0]);
            case "Dropout" -> dropout(n, in, where);
            case "Shape" -> one(shape(n, in[0]));
            case "Gather" -> one(gather(in[0], in[1], (int) Attributes.i(n, "axis", 0), where));
            case "Unsqueeze" -> one(unsqueeze(in[0], opset < 13 ? Attributes.ints(n, "axes") : longs(in, 1), where));
            case "Squeeze" -> one(squeeze(in[0], opset < 13 ? Attributes.ints(n, "axes") : longs(in, 1), where));
            case "Concat" -> one(concat(in, (int) Attributes.i(n, "axis", Long.MIN_VALUE), where));
            case "Expand" -> one(expand(in[0], shapeOf(in[1], where), budget, where));
            case "Transpose" -> one(transpose(in[0], Attributes.ints(n, "perm"), where));
            case "Reshape" -> one(reshape(in[0], opset < 5 ? Attributes.ints(n, "shape") : in[1].ints(),
                    Attributes.i(n, "allowzero", 0) != 0, where));
            case "Flatten" -> one(flatten(in[0], (int) Attributes.i(n, "axis", 1), where));
            case "Slice" -> one(opset < 10
                    ? slice(in[0], Attributes.ints(n, "starts"), Attributes.ints(n, "ends"), Attributes.ints(n, "axes"), null, where)
                    : slice(in[0], longs(in, 1), longs(in, 2), longs(in, 3), longs(in, 4), where));
            case "Split" -> split(in[0], (int) Attributes.i(n, "axis", 0),
                    opset < 13 ? Attributes.ints(n, "split") : longs(in, 1), n.outputs().size(),
                    Attributes.has(n, "num_outputs"), where);
            case "Cast" -> one(cast(in[0], (int) Attributes.i(n, "to", 0), where));
            case "CastLike" -> one(in[1].isFloat() ? cast(in[0], TensorData.FLOAT, where)
                    : cast(in[0], in[1].bool() ? TensorData.BOOL : TensorData.INT64, where));
            case "Einsum" -> one(EinsumOp.apply(Attributes.s(n, "equation", ""), in, where));
            case "Gemm" -> one(gemm(n, in[0], in[1], in.length > 2 ? in[2] : null, where));
            case "MatMul" -> one(matmul(in[0], in[1], where));
            case "Softmax", "LogSoftmax" -> one(softmax(in[0], (int) Attributes.i(n, "axis", opset < 13 ? 1 : -1), opset < 13,
                    n.opType().equals("LogSoftmax"), where));
            case "ConstantOfShape" -> one(constantOfShape(n, in[0], dir, budget, where));
            case "Range" -> one(range(in[0], in[1], in[2], budget, where));
            default -> throw new IllegalArgumentException("unsupported operator " + where);
        };
    }

    /** How many leading inputs an operator cannot do without (optional later ones are checked where they are read). */
    static int required(String op, long opset) {
        return switch (op) {
            case "Constant", "Einsum", "Min", "Max", "Sum", "Mean" -> 0;
            case "Gather", "Expand", "Gemm", "MatMul", "CastLike", "GatherElements", "Conv", "ConvTranspose", "LayerNormalization",
                 "CumSum" -> 2;
            case "Reshape" -> opset < 5 ? 1 : 2;
            case "Slice" -> opset < 10 ? 1 : 3;
            case "Pad", "Tile" -> opset < 11 && op.equals("Pad") ? 1 : 2;
            case "TopK" -> opset < 10 ? 1 : 2;
            case "Where", "Range", "ScatterND", "ScatterElements", "InstanceNormalization" -> 3;
            case "BatchNormalization" -> 5;
            default -> 1;
        };
    }

    /** Inference: y = x and, when asked for, a mask of all true; training mode (a true third input) is refused. */
    private static Value[] dropout(Node n, Value[] in, String where) {
        boolean training = in.length > 2 && in[2] != null && in[2].size() == 1 && in[2].get(0) != 0;
        boolean zeroRatio = in.length > 1 && in[1] != null && in[1].size() == 1 && in[1].get(0) == 0;
        if (training && !zeroRatio) {
            throw new IllegalArgumentException(where + ": training_mode is not supported (inference only)");
        }
        if (n.outputs().size() < 2) return one(in[0]);
        long[] mask = new long[in[0].size()];
        Arrays.fill(mask, 1);
        return new Value[]{in[0], Value.bools(in[0].shape(), mask)};
    }

    private static Value[] one(Value v) {
        return new Value[]{v};
    }

    // ------------------------------------------------------------------------------------------------ shapes

    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int k = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = k;
            k *= shape[i];
        }
        return s;
    }

    /** An axis in [-rank, rank) made non-negative. */
    static int axis(long axis, int rank, String where) {
        if (axis < -rank || axis >= rank) throw new IllegalArgumentException(where + ": axis " + axis + " is outside a rank-" + rank + " tensor");
        return (int) (axis < 0 ? axis + rank : axis);
    }

    static long[] longs(Value[] in, int k) {
        if (k >= in.length || in[k] == null) return null;
        if (in[k].isFloat()) throw new IllegalArgumentException("input " + k + " must be an int64 tensor");
        return in[k].ints();
    }

    /** An int64 tensor read as a shape; each dimension must fit. */
    static int[] shapeOf(Value v, String where) {
        if (v.isFloat()) throw new IllegalArgumentException(where + ": shape input is float, expected int64");
        int[] s = new int[v.size()];
        for (int k = 0; k < s.length; k++) {
            long d = v.ints()[k];
            if (d < 0 || d > Value.MAX_SIZE) throw new IllegalArgumentException(where + ": dimension " + d + " in shape " + Arrays.toString(v.ints()));
            s[k] = (int) d;
        }
        return s;
    }

    /** numpy broadcasting of two shapes. */
    static int[] broadcast(int[] a, int[] b, String where) {
        int r = Math.max(a.length, b.length);
        int[] o = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(where + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
            o[i] = da == 1 ? db : da;
        }
        return o;
    }

    /** For each element of out, the flat index of the element of a tensor of shape in that broadcasts to it. */
    static int[] broadcastIndex(int[] out, int[] in) {
        int n = (int) Value.size(out, "broadcast result");
        int r = out.length, off = r - in.length;
        int[] inStride = strides(in);
        int[] idx = new int[n];
        int[] pos = new int[r];
        int cur = 0;
        for (int k = 0; k < n; k++) {
            idx[k] = cur;
            for (int d = r - 1; d >= 0; d--) {
                pos[d]++;
                boolean moves = d >= off && in[d - off] != 1;
                if (moves) cur += inStride[d - off];
                if (pos[d] < out[d]) break;
                if (moves) cur -= inStride[d - off] * out[d];
                pos[d] = 0;
            }
        }
        return idx;
    }

    private static Value shape(Node n, Value x) {
        int r = x.rank();
        int start = (int) Attributes.i(n, "start", 0), end = (int) Attributes.i(n, "end", r);
        start = Math.max(0, Math.min(r, start < 0 ? start + r : start));
        end = Math.max(start, Math.min(r, end < 0 ? end + r : end));
        long[] s = new long[end - start];
        for (int k = start; k < end; k++) s[k - start] = x.shape()[k];
        return Value.ints(new int[]{s.length}, s);
    }

    private static Value constant(Node n, Path dir, String where) throws IOException {
        if (Attributes.has(n, "value")) return TensorData.decode(Attributes.tensor(n, "value"), dir, where + " value");
        if (Attributes.has(n, "value_float")) return Value.floats(new int[0], new float[]{Attributes.f(n, "value_float", 0)});
        if (Attributes.has(n, "value_floats")) {
            float[] f = Attributes.floats(n, "value_floats");
            return Value.floats(new int[]{f.length}, f.clone());
        }
        if (Attributes.has(n, "value_int")) return Value.ints(new int[0], new long[]{Attributes.i(n, "value_int", 0)});
        if (Attributes.has(n, "value_ints")) {
            long[] l = Attributes.ints(n, "value_ints");
            return Value.ints(new int[]{l.length}, l.clone());
        }
        throw new IllegalArgumentException(where + ": no value attribute gru4j reads (value, value_float(s), value_int(s))");
    }

    private static Value constantOfShape(Node n, Value shape, Path dir, Budget budget, String where) throws IOException {
        int[] s = shapeOf(shape, where);
        int size = (int) Value.size(s, where + " output");
        budget.reserve(size, where);
        OnnxModel.TensorProto t = Attributes.tensor(n, "value");
        Value v = t == null ? Value.floats(new int[]{1}, new float[]{0}) : TensorData.decode(t, dir, where + " value");
        if (v.size() != 1) throw new IllegalArgumentException(where + ": value must hold one element");
        if (v.isFloat()) {
            float[] f = new float[size];
            Arrays.fill(f, v.floats()[0]);
            return Value.floats(s, f);
        }
        long[] l = new long[size];
        Arrays.fill(l, v.ints()[0]);
        return new Value(s, null, l, v.bool());
    }

    /** n = max(⌈(limit − start)/delta⌉, 0) elements start + k·delta. */
    private static Value range(Value start, Value limit, Value delta, Budget budget, String where) {
        if (start.isFloat()) {
            float s = start.floats()[0], d = delta.floats()[0];
            double count = Math.max(Math.ceil((limit.floats()[0] - s) / d), 0);
            if (!(count <= Value.MAX_SIZE)) throw new IllegalArgumentException(where + ": " + count + " elements are too many");
            int n = (int) count;
            budget.reserve(n, where);
            float[] f = new float[n];
            for (int k = 0; k < n; k++) f[k] = s + k * d;
            return Value.floats(new int[]{n}, f);
        }
        long s = start.ints()[0], l = limit.ints()[0], d = delta.ints()[0];
        if (d == 0) throw new IllegalArgumentException(where + ": delta is 0");
        long n = Math.max((long) Math.ceil((double) (l - s) / d), 0);
        if (n > Value.MAX_SIZE) throw new IllegalArgumentException(where + ": " + n + " elements are too many");
        budget.reserve(n, where);
        long[] o = new long[(int) n];
        for (int k = 0; k < n; k++) o[k] = s + k * d;
        return Value.ints(new int[]{(int) n}, o);
    }

    // ------------------------------------------------------------------------------------------------ movement

    /** out = data.shape[:axis] + indices.shape + data.shape[axis+1:] */
    private static Value gather(Value data, Value indices, int axisAttr, String where) {
        if (indices.isFloat()) throw new IllegalArgumentException(where + ": indices must be integers");
        int r = data.rank(), axis = axis(axisAttr, r, where), dim = data.shape()[axis];
        int outer = 1, inner = 1;
        for (int k = 0; k < axis; k++) outer *= data.shape()[k];
        for (int k = axis + 1; k < r; k++) inner *= data.shape()[k];
        int m = indices.size();
        int[] shape = new int[r - 1 + indices.rank()];
        System.arraycopy(data.shape(), 0, shape, 0, axis);
        System.arraycopy(indices.shape(), 0, shape, axis, indices.rank());
        System.arraycopy(data.shape(), axis + 1, shape, axis + indices.rank(), r - axis - 1);
        int[] src = new int[(int) Value.size(shape, where + " output")];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < m; j++) {
                long i = indices.ints()[j];
                if (i < -dim || i >= dim) throw new IllegalArgumentException(where + ": index " + i + " is outside 0.." + (dim - 1));
                int ii = (int) (i < 0 ? i + dim : i);
                for (int q = 0; q < inner; q++) src[(o * m + j) * inner + q] = (o * dim + ii) * inner + q;
            }
        }
        return pick(data, shape, src);
    }

    /** A value of the given shape whose element k is x's element src[k]. */
    static Value pick(Value x, int[] shape, int[] src) {
        if (x.isFloat()) {
            float[] f = new float[src.length];
            for (int k = 0; k < f.length; k++) f[k] = x.floats()[src[k]];
            return Value.floats(shape, f);
        }
        long[] l = new long[src.length];
        for (int k = 0; k < l.length; k++) l[k] = x.ints()[src[k]];
        return new Value(shape, null, l, x.bool());
    }

    static Value withShape(Value x, int[] shape) {
        return new Value(shape, x.floats(), x.ints(), x.bool());
    }

    private static Value unsqueeze(Value x, long[] axes, String where) {
        if (axes == null) throw new IllegalArgumentException(where + ": axes are required");
        int r = x.rank() + axes.length;
        boolean[] inserted = new boolean[r];
        for (long a : axes) {
            int ax = axis(a, r, where);
            if (inserted[ax]) throw new IllegalArgumentException(where + ": axis " + a + " repeated");
            inserted[ax] = true;
        }
        int[] s = new int[r];
        for (int k = 0, j = 0; k < r; k++) s[k] = inserted[k] ? 1 : x.shape()[j++];
        return withShape(x, s);
    }

    private static Value squeeze(Value x, long[] axes, String where) {
        int r = x.rank();
        boolean[] drop = new boolean[r];
        if (axes == null) {
            for (int k = 0; k < r; k++) drop[k] = x.shape()[k] == 1;
        } else {
            for (long a : axes) {
                int ax = axis(a, r, where);
                if (x.shape()[ax] != 1) throw new IllegalArgumentException(where + ": cannot squeeze axis " + a + " of shape " + Arrays.toString(x.shape()));
                drop[ax] = true;
            }
        }
        int[] s = new int[r - (int) countTrue(drop)];
        for (int k = 0, j = 0; k < r; k++) if (!drop[k]) s[j++] = x.shape()[k];
        return withShape(x, s);
    }

    private static long countTrue(boolean[] b) {
        long c = 0;
        for (boolean v : b) if (v) c++;
        return c;
    }

    private static Value flatten(Value x, int axisAttr, String where) {
        int r = x.rank(), axis = axisAttr < 0 ? axisAttr + r : axisAttr;
        if (axis < 0 || axis > r) throw new IllegalArgumentException(where + ": axis " + axisAttr + " is outside 0.." + r);
        int a = 1, b = 1;
        for (int k = 0; k < r; k++) if (k < axis) a *= x.shape()[k]; else b *= x.shape()[k];
        return withShape(x, new int[]{a, b});
    }

    private static Value reshape(Value x, long[] target, boolean allowZero, String where) {
        if (target == null) throw new IllegalArgumentException(where + ": shape is required");
        int[] s = new int[target.length];
        int infer = -1;
        long known = 1;
        for (int k = 0; k < s.length; k++) {
            long d = target[k];
            if (d == -1) {
                if (infer >= 0) throw new IllegalArgumentException(where + ": more than one -1 in shape " + Arrays.toString(target));
                infer = k;
                continue;
            }
            if (d == 0 && !allowZero) {
                if (k >= x.rank()) throw new IllegalArgumentException(where + ": 0 at position " + k + " copies no input dimension");
                d = x.shape()[k];
            }
            if (d < 0 || d > Value.MAX_SIZE) throw new IllegalArgumentException(where + ": dimension " + d + " in shape " + Arrays.toString(target));
            s[k] = (int) d;
            known *= d;
        }
        if (infer >= 0) {
            if (known == 0 || x.size() % known != 0) {
                throw new IllegalArgumentException(where + ": cannot reshape " + Arrays.toString(x.shape()) + " to " + Arrays.toString(target));
            }
            s[infer] = (int) (x.size() / known);
            known *= s[infer];
        }
        if (known != x.size()) throw new IllegalArgumentException(where + ": cannot reshape " + Arrays.toString(x.shape()) + " to " + Arrays.toString(target));
        return withShape(x, s);
    }

    static Value transpose(Value x, long[] perm, String where) {
        int r = x.rank();
        int[] p = new int[r];
        boolean[] seen = new boolean[r];
        for (int k = 0; k < r; k++) {
            p[k] = perm == null ? r - 1 - k : axis(perm[k], r, where);
            if (seen[p[k]]) throw new IllegalArgumentException(where + ": perm " + Arrays.toString(perm) + " is not a permutation");
            seen[p[k]] = true;
        }
        if (perm != null && perm.length != r) throw new IllegalArgumentException(where + ": perm " + Arrays.toString(perm) + " for rank " + r);
        int[] s = new int[r], inStride = strides(x.shape()), st = new int[r];
        for (int k = 0; k < r; k++) {
            s[k] = x.shape()[p[k]];
            st[k] = inStride[p[k]];
        }
        int[] src = new int[x.size()];
        int[] pos = new int[r];
        int cur = 0;
        for (int k = 0; k < src.length; k++) {
            src[k] = cur;
            for (int d = r - 1; d >= 0; d--) {
                pos[d]++;
                cur += st[d];
                if (pos[d] < s[d]) break;
                cur -= st[d] * s[d];
                pos[d] = 0;
            }
        }
        return pick(x, s, src);
    }

    private static Value concat(Value[] in, int axisAttr, String where) {
        if (axisAttr == Long.MIN_VALUE || axisAttr == Integer.MIN_VALUE) throw new IllegalArgumentException(where + ": axis is required");
        Value first = in[0];
        int r = first.rank(), axis = axis(axisAttr, r, where);
        int total = 0;
        for (Value v : in) {
            if (v.rank() != r || v.isFloat() != first.isFloat()) throw new IllegalArgumentException(where + ": inputs " + describe(in) + " do not concatenate");
            for (int k = 0; k < r; k++) {
                if (k != axis && v.shape()[k] != first.shape()[k]) throw new IllegalArgumentException(where + ": inputs " + describe(in) + " do not concatenate");
            }
            total += v.shape()[axis];
        }
        int[] s = first.shape().clone();
        s[axis] = total;
        int outer = 1, inner = 1;
        for (int k = 0; k < axis; k++) outer *= s[k];
        for (int k = axis + 1; k < r; k++) inner *= s[k];
        int n = (int) Value.size(s, where + " output");
        float[] f = first.isFloat() ? new float[n] : null;
        long[] l = first.isFloat() ? null : new long[n];
        if (n == 0) return new Value(s, f, l, first.bool());   // nothing to copy, however many empty rows
        int at = 0;
        for (int o = 0; o < outer; o++) {
            for (Value v : in) {
                int len = v.shape()[axis] * inner;
                if (f != null) System.arraycopy(v.floats(), o * len, f, at, len);
                else System.arraycopy(v.ints(), o * len, l, at, len);
                at += len;
            }
        }
        return new Value(s, f, l, first.bool());
    }

    private static String describe(Value[] in) {
        StringBuilder b = new StringBuilder();
        for (Value v : in) b.append(b.length() == 0 ? "" : ", ").append(v.describe());
        return b.toString();
    }

    private static Value expand(Value x, int[] shape, Budget budget, String where) {
        int[] s = broadcast(x.shape(), shape, where);
        budget.reserve(Value.size(s, where + " output"), where);
        return pick(x, s, broadcastIndex(s, x.shape()));
    }

    private static Value slice(Value x, long[] starts, long[] ends, long[] axes, long[] steps, String where) {
        if (starts == null || ends == null || starts.length != ends.length) throw new IllegalArgumentException(where + ": starts and ends are required, of one length");
        int r = x.rank();
        int[] start = new int[r], step = new int[r], s = x.shape().clone();
        Arrays.fill(step, 1);
        boolean[] seen = new boolean[r];
        for (int k = 0; k < starts.length; k++) {
            int a = axis(axes == null ? k : axes[k], r, where);
            if (seen[a]) throw new IllegalArgumentException(where + ": axis " + a + " repeated");
            seen[a] = true;
            long st = steps == null ? 1 : steps[k];
            if (st == 0) throw new IllegalArgumentException(where + ": step 0");
            long dim = x.shape()[a], b = starts[k], e = ends[k];
            if (b < 0) b += dim;
            if (e < 0) e += dim;
            long n;
            if (st > 0) {
                b = Math.max(0, Math.min(dim, b));
                e = Math.max(0, Math.min(dim, e));
                n = e > b ? (e - b + st - 1) / st : 0;
            } else {
                b = Math.max(-1, Math.min(dim - 1, b));
                e = Math.max(-1, Math.min(dim - 1, e));
                n = b > e ? (b - e - st - 1) / -st : 0;
            }
            start[a] = (int) b;
            step[a] = (int) st;
            s[a] = (int) n;
        }
        int[] inStride = strides(x.shape());
        int n = (int) Value.size(s, where + " output");
        int[] src = new int[n];
        int[] pos = new int[r];
        int base = 0;
        for (int a = 0; a < r; a++) base += start[a] * inStride[a];
        int cur = base;
        for (int k = 0; k < n; k++) {
            src[k] = cur;
            for (int d = r - 1; d >= 0; d--) {
                pos[d]++;
                cur += step[d] * inStride[d];
                if (pos[d] < s[d]) break;
                cur -= step[d] * inStride[d] * s[d];
                pos[d] = 0;
            }
        }
        return pick(x, s, src);
    }

    /** Pieces along axis: the sizes given (split attribute before opset 13, input from 13), or equal parts. */
    private static Value[] split(Value x, int axisAttr, long[] sizes, int outputs, boolean numOutputs, String where) {
        int r = x.rank(), axis = axis(axisAttr, r, where), dim = x.shape()[axis];
        if (sizes == null && numOutputs && outputs > 0) {
            // opset 18 num_outputs: chunks of ⌈dim/n⌉, the last one smaller
            long chunk = (dim + outputs - 1) / outputs;
            sizes = new long[outputs];
            for (int k = 0; k < outputs; k++) sizes[k] = Math.max(0, Math.min(chunk, dim - k * chunk));
        }
        if (sizes == null) {
            if (outputs < 1 || dim % outputs != 0) throw new IllegalArgumentException(where + ": " + dim + " does not split into " + outputs + " equal parts");
            sizes = new long[outputs];
            Arrays.fill(sizes, dim / outputs);
        }
        if (sizes.length != outputs || Arrays.stream(sizes).sum() != dim || Arrays.stream(sizes).anyMatch(v -> v < 0)) {
            throw new IllegalArgumentException(where + ": split " + Arrays.toString(sizes) + " does not fit dimension " + dim + " into " + outputs + " outputs");
        }
        Value[] out = new Value[outputs];
        long at = 0;
        for (int k = 0; k < outputs; k++) {
            out[k] = slice(x, new long[]{at}, new long[]{at + sizes[k]}, new long[]{axis}, null, where);
            at += sizes[k];
        }
        return out;
    }

    private static Value cast(Value x, int to, String where) {
        if (TensorData.isFloat(to)) {
            if (x.isFloat()) return x;
            float[] f = new float[x.size()];
            for (int k = 0; k < f.length; k++) f[k] = x.ints()[k];
            return Value.floats(x.shape(), f);
        }
        if (to == TensorData.STRING || to == 0 || to == 14 || to == 15) {
            throw new IllegalArgumentException(where + ": cast to " + TensorData.typeName(to) + " is not supported");
        }
        long[] l = new long[x.size()];
        boolean bool = to == TensorData.BOOL;
        for (int k = 0; k < l.length; k++) {
            long v = x.isFloat() ? (long) x.floats()[k] : x.ints()[k];
            if (bool) v = (x.isFloat() ? x.floats()[k] != 0 : v != 0) ? 1 : 0;
            else v = narrow(v, to);
            l[k] = v;
        }
        return new Value(x.shape(), null, l, bool);
    }

    private static long narrow(long v, int to) {
        return switch (to) {
            case TensorData.INT32 -> (int) v;
            case TensorData.INT16 -> (short) v;
            case TensorData.INT8 -> (byte) v;
            case TensorData.UINT8 -> v & 0xff;
            case TensorData.UINT16 -> v & 0xffff;
            case TensorData.UINT32 -> v & 0xffffffffL;
            default -> v;
        };
    }

    // ------------------------------------------------------------------------------------------------ arithmetic

    /**
     * softmax(x)_i = exp(x_i − max) / Σ_j exp(x_j − max) over one axis (opset ≥ 13), or before 13 over all
     * dimensions from axis on (the input coerced to 2-D at axis). log: x_i − max − log Σ_j exp(x_j − max).
     */
    private static Value softmax(Value x, int axisAttr, boolean coerce, boolean log, String where) {
        if (!x.isFloat()) throw new IllegalArgumentException(where + ": input must be float");
        int r = x.rank(), a = x.rank() == 0 ? 0 : axis(axisAttr, r, where);
        int outer = 1, len = 1, inner = 1;
        for (int k = 0; k < r; k++) {
            if (k < a) outer *= x.shape()[k];
            else if (k == a || coerce) len *= x.shape()[k];
            else inner *= x.shape()[k];
        }
        float[] in = x.floats(), o = new float[in.length];
        for (int p = 0; p < outer; p++) {
            for (int q = 0; q < inner; q++) {
                int base = p * len * inner + q;
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int i = 0; i < len; i++) max = Math.max(max, in[base + i * inner]);
                for (int i = 0; i < len; i++) sum += Math.exp(in[base + i * inner] - max);
                for (int i = 0; i < len; i++) {
                    double v = in[base + i * inner] - max;
                    o[base + i * inner] = (float) (log ? v - Math.log(sum) : Math.exp(v) / sum);
                }
            }
        }
        return Value.floats(x.shape(), o);
    }

    /** Y = alpha · A'·B' + beta · C, A' = transA ? Aᵀ : A (M,K), B' = transB ? Bᵀ : B (K,N), C broadcast to (M,N). */
    private static Value gemm(Node n, Value a, Value b, Value c, String where) {
        boolean ta = Attributes.i(n, "transA", 0) != 0, tb = Attributes.i(n, "transB", 0) != 0;
        float alpha = Attributes.f(n, "alpha", 1f), beta = Attributes.f(n, "beta", 1f);
        if (!a.isFloat() || !b.isFloat() || a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException(where + ": A and B must be 2-d float, got " + a.describe() + " and " + b.describe());
        }
        int m = ta ? a.shape()[1] : a.shape()[0], k = ta ? a.shape()[0] : a.shape()[1];
        int kb = tb ? b.shape()[1] : b.shape()[0], nn = tb ? b.shape()[0] : b.shape()[1];
        if (k != kb) throw new IllegalArgumentException(where + ": A " + a.describe() + " and B " + b.describe() + " do not multiply");
        int[] s = {m, nn};
        float[] y = new float[(int) Value.size(s, where + " output")];
        int lda = a.shape()[1], ldb = b.shape()[1];
        Gemm.mm(m, nn, k, a.floats(), 0, ta ? 1 : lda, ta ? lda : 1, tb ? Transposed.of(b.floats(), 1, b.shape()[0], b.shape()[1]) : b.floats(), 0,
                tb ? b.shape()[0] : ldb, y, 0, nn, false);
        for (int i = 0; i < y.length; i++) y[i] *= alpha;
        if (c != null && beta != 0) {
            int[] ic = broadcastIndex(s, c.shape());
            broadcast(c.shape(), s, where);
            for (int i = 0; i < y.length; i++) y[i] += beta * (float) c.get(ic[i]);
        }
        return Value.floats(s, y);
    }

    /** numpy matmul: 1-d operands promoted and their unit dimension dropped again, batch dimensions broadcast. */
    private static Value matmul(Value a, Value b, String where) {
        if (!a.isFloat() || !b.isFloat()) throw new IllegalArgumentException(where + ": inputs must be float");
        if (a.rank() == 0 || b.rank() == 0) throw new IllegalArgumentException(where + ": scalar operand");
        int[] as = a.rank() == 1 ? new int[]{1, a.shape()[0]} : a.shape();
        int[] bs = b.rank() == 1 ? new int[]{b.shape()[0], 1} : b.shape();
        int m = as[as.length - 2], k = as[as.length - 1], k2 = bs[bs.length - 2], n = bs[bs.length - 1];
        if (k != k2) throw new IllegalArgumentException(where + ": shapes " + a.describe() + " and " + b.describe() + " do not multiply");
        int[] batchA = Arrays.copyOf(as, as.length - 2), batchB = Arrays.copyOf(bs, bs.length - 2);
        int[] batch = broadcast(batchA, batchB, where);
        int[] ia = broadcastIndex(batch, batchA), ib = broadcastIndex(batch, batchB);
        int[] full = Arrays.copyOf(batch, batch.length + 2);
        full[batch.length] = m;
        full[batch.length + 1] = n;
        float[] y = new float[(int) Value.size(full, where + " output")];
        for (int p = 0; p < ia.length; p++) {
            Gemm.mm(m, n, k, a.floats(), ia[p] * m * k, k, 1, b.floats(), ib[p] * k * n, n, y, p * m * n, n, false);
        }
        int[] s = full;
        if (a.rank() == 1) s = dropAxis(s, s.length - 2);
        if (b.rank() == 1) s = dropAxis(s, s.length - 1);
        return Value.floats(s, y);
    }

    static int[] dropAxis(int[] s, int axis) {
        int[] o = new int[s.length - 1];
        for (int k = 0, j = 0; k < s.length; k++) if (k != axis) o[j++] = s[k];
        return o;
    }

    static List<String> supportedList() {
        return SUPPORTED.stream().sorted().toList();
    }
}
