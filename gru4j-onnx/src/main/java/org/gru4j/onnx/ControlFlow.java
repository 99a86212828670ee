package org.gru4j.onnx;

import org.gru4j.onnx.OnnxModel.Node;
import org.gru4j.onnx.OnnxModel.ValueInfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * If, Loop and Scan after the ONNX specification (opsets 9–18). Their bodies are {@link GraphPlan}s run inside
 * the scope of the node, so they read values of every enclosing graph.
 * <ul>
 * <li>If: runs then_branch or else_branch on the bool scalar cond; the node's outputs are the branch's.</li>
 * <li>Loop (M, cond, v…): the body maps (i, cond, v…) to (cond', v'…, scan…); it runs while i &lt; M (when M is
 *     given) and cond (when given); outputs are the final v and each scan output stacked over the iterations.</li>
 * <li>Scan (state…, x…): the body maps (state…, x_t…) to (state'…, y_t…) for each t along each scan input's axis
 *     (scan_input_axes, scan_input_directions); outputs are the final states and each y stacked along
 *     scan_output_axes (reversed where scan_output_directions says so).</li>
 * </ul>
 */
final class ControlFlow {
    private ControlFlow() {}

    static Value[] apply(Node n, Value[] in, Map<String, GraphPlan> bodies, GraphPlan.Scope scope, Budget budget, String where)
            throws IOException {

        return switch (n.opType()) {
            case "If" -> ifOp(in, bodies, scope, budget, where);
            case "Loop" -> loop(in, body(bodies, "body", where), scope, budget, where);
            case "Scan" -> scan(n, in, body(bodies, "body", where), scope, budget, where);
            default -> throw new IllegalArgumentException("unsupported operator " + where);
        };
    }

    private static GraphPlan body(Map<String, GraphPlan> bodies, String name, String where) {
        GraphPlan g = bodies.get(name);
        if (g == null) throw new IllegalArgumentException(where + ": attribute '" + name + "' is missing");
        return g;
    }

    private static boolean truth(Value v, String what, String where) {
        if (v.size() != 1) throw new IllegalArgumentException(where + ": " + what + " must hold one value, got " + v.describe());
        return v.get(0) != 0;
    }

    private static Value[] ifOp(Value[] in, Map<String, GraphPlan> bodies, GraphPlan.Scope scope, Budget budget, String where)
            throws IOException {
        if (in.length < 1 || in[0] == null) throw new IllegalArgumentException(where + ": cond is required");
        GraphPlan branch = body(bodies, truth(in[0], "cond", where) ? "then_branch" : "else_branch", where);
        return branch.run(Map.of(), scope, budget);
    }

    private static Map<String, Value> feeds(GraphPlan body, Value[] values, String where) {
        if (body.inputs.size() != values.length) {
            throw new IllegalArgumentException(where + ": the body takes " + body.inputs.size() + " inputs, the node gives " + values.length);
        }
        Map<String, Value> f = new HashMap<>();
        for (int k = 0; k < values.length; k++) f.put(body.inputs.get(k).name(), values[k]);
        return f;
    }

    private static Value[] loop(Value[] in, GraphPlan body, GraphPlan.Scope scope, Budget budget, String where) throws IOException {
        Value maxTrip = in.length > 0 ? in[0] : null, cond0 = in.length > 1 ? in[1] : null;
        int carried = Math.max(0, in.length - 2);
        int scans = body.outputs.size() - 1 - carried;
        if (scans < 0) throw new IllegalArgumentException(where + ": the body has " + body.outputs.size() + " outputs for " + carried + " loop-carried values");
        long trips = maxTrip == null ? Long.MAX_VALUE : (long) maxTrip.get(0);
        boolean cond = cond0 == null || truth(cond0, "cond", where);
        Value[] v = Arrays.copyOfRange(in, 2, 2 + carried);
        for (int k = 0; k < carried; k++) if (v[k] == null) throw new IllegalArgumentException(where + ": loop-carried input " + k + " is missing");
        List<List<Value>> stacks = new ArrayList<>();
        for (int s = 0; s < scans; s++) stacks.add(new ArrayList<>());
        for (long i = 0; i < trips && cond; i++) {
            Value[] args = new Value[2 + carried];
            args[0] = Value.ints(new int[0], new long[]{i});
            args[1] = Value.bools(new int[0], new long[]{1});
            System.arraycopy(v, 0, args, 2, carried);
            Value[] out = body.run(feeds(body, args, where), scope, budget);
            cond = truth(out[0], "the body's condition", where);
            System.arraycopy(out, 1, v, 0, carried);
            for (int s = 0; s < scans; s++) {
                budget.reserve(out[1 + carried + s].size(), where);
                budget.hold(out[1 + carried + s], where);
                stacks.get(s).add(out[1 + carried + s]);
            }
        }
        Value[] result = new Value[carried + scans];
        System.arraycopy(v, 0, result, 0, carried);
        for (int s = 0; s < scans; s++) {
            result[carried + s] = stack(stacks.get(s), 0, body.outputs.get(1 + carried + s), where);
            for (Value x : stacks.get(s)) budget.release(x);
        }
        return result;
    }

    /** The values (all of one shape) stacked along a new axis; no values give an empty tensor of the declared type. */
    static Value stack(List<Value> values, int axis, ValueInfo declared, String where) {
        if (values.isEmpty()) {
            boolean f = TensorData.isFloat(declared.elemType()) || declared.elemType() == 0;
            return f ? Value.floats(new int[]{0}, new float[0]) : Value.ints(new int[]{0}, new long[0]);
        }
        Value first = values.get(0);
        int r = first.rank(), t = values.size();
        for (Value x : values) {
            if (!Arrays.equals(x.shape(), first.shape()) || x.isFloat() != first.isFloat()) {
                throw new IllegalArgumentException(where + ": scan output '" + declared.name() + "' changes shape: " + first.describe() + " then " + x.describe());
            }
        }
        int a = axis < 0 ? axis + r + 1 : axis;
        if (a < 0 || a > r) throw new IllegalArgumentException(where + ": scan output axis " + axis + " for rank " + r);
        int[] s = new int[r + 1];
        for (int k = 0, j = 0; k <= r; k++) s[k] = k == a ? t : first.shape()[j++];
        int outer = 1, inner = 1;
        for (int k = 0; k < a; k++) outer *= first.shape()[k];
        for (int k = a; k < r; k++) inner *= first.shape()[k];
        int n = (int) Value.size(s, where + " output");
        float[] f = first.isFloat() ? new float[n] : null;
        long[] l = first.isFloat() ? null : new long[n];
        for (int i = 0; i < t; i++) {
            Value x = values.get(i);
            for (int o = 0; o < outer; o++) {
                if (f != null) System.arraycopy(x.floats(), o * inner, f, (o * t + i) * inner, inner);
                else System.arraycopy(x.ints(), o * inner, l, (o * t + i) * inner, inner);
            }
        }
        return new Value(s, f, l, first.bool());
    }

    /** Slice t of x along axis, that axis removed. */
    static Value slice(Value x, int axis, int t) {
        int r = x.rank(), dim = x.shape()[axis], outer = 1, inner = 1;
        for (int k = 0; k < axis; k++) outer *= x.shape()[k];
        for (int k = axis + 1; k < r; k++) inner *= x.shape()[k];
        int[] s = Ops.dropAxis(x.shape(), axis);
        float[] f = x.isFloat() ? new float[outer * inner] : null;
        long[] l = x.isFloat() ? null : new long[outer * inner];
        for (int o = 0; o < outer; o++) {
            int from = (o * dim + t) * inner;
            if (f != null) System.arraycopy(x.floats(), from, f, o * inner, inner);
            else System.arraycopy(x.ints(), from, l, o * inner, inner);
        }
        return new Value(s, f, l, x.bool());
    }

    private static long[] ints(Node n, String name, int count, String where) {
        long[] v = Attributes.ints(n, name);
        if (v == null) return new long[count];
        if (v.length != count) throw new IllegalArgumentException(where + ": " + name + " has " + v.length + " entries, expected " + count);
        return v;
    }

    private static Value[] scan(Node n, Value[] in, GraphPlan body, GraphPlan.Scope scope, Budget budget, String where) throws IOException {
        int m = (int) Attributes.i(n, "num_scan_inputs", -1);
        if (m < 1 || m > in.length) throw new IllegalArgumentException(where + ": num_scan_inputs " + m + " for " + in.length + " inputs");
        int states = in.length - m, scans = body.outputs.size() - states;
        if (scans < 0) throw new IllegalArgumentException(where + ": the body has " + body.outputs.size() + " outputs for " + states + " states");
        long[] inAxes = ints(n, "scan_input_axes", m, where), inDirs = ints(n, "scan_input_directions", m, where);
        long[] outAxes = ints(n, "scan_output_axes", scans, where), outDirs = ints(n, "scan_output_directions", scans, where);
        int steps = -1;
        int[] axes = new int[m];
        for (int j = 0; j < m; j++) {
            Value x = in[states + j];
            if (x == null) throw new IllegalArgumentException(where + ": scan input " + j + " is missing");
            axes[j] = Ops.axis(inAxes[j], x.rank(), where);
            int len = x.shape()[axes[j]];
            if (steps >= 0 && len != steps) throw new IllegalArgumentException(where + ": scan inputs differ in length (" + steps + " and " + len + ")");
            steps = len;
        }
        Value[] state = Arrays.copyOf(in, states);
        List<List<Value>> ys = new ArrayList<>();
        for (int s = 0; s < scans; s++) ys.add(new ArrayList<>());
        for (int t = 0; t < steps; t++) {
            Value[] args = new Value[states + m];
            System.arraycopy(state, 0, args, 0, states);
            for (int j = 0; j < m; j++) args[states + j] = slice(in[states + j], axes[j], inDirs[j] != 0 ? steps - 1 - t : t);
            Value[] out = body.run(feeds(body, args, where), scope, budget);
            System.arraycopy(out, 0, state, 0, states);
            for (int s = 0; s < scans; s++) {
                budget.reserve(out[states + s].size(), where);
                budget.hold(out[states + s], where);
                ys.get(s).add(out[states + s]);
            }
        }
        Value[] result = new Value[states + scans];
        System.arraycopy(state, 0, result, 0, states);
        for (int s = 0; s < scans; s++) {
            List<Value> y = ys.get(s);
            if (outDirs[s] != 0) java.util.Collections.reverse(y);
            result[states + s] = stack(y, (int) outAxes[s], body.outputs.get(states + s), where);
            for (Value x : y) budget.release(x);
        }
        return result;
    }
}
