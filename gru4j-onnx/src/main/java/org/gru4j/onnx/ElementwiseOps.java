package org.gru4j.onnx;

import org.gru4j.onnx.OnnxModel.Node;

import java.util.Set;

/**
 * Elementwise operators after the ONNX specification (opsets 9–18): unary maps, binary arithmetic with numpy
 * broadcasting, the variadic Min/Max/Sum/Mean, comparisons and logic (bool results), Where. Float work is done in
 * double and rounded once to float32; integer tensors keep integer arithmetic (Div truncates, as ONNX Runtime does).
 */
final class ElementwiseOps {
    private ElementwiseOps() {}

    static final Set<String> UNARY = Set.of("Neg", "Relu", "Sigmoid", "Tanh", "Abs", "Exp", "Log", "Sqrt", "Reciprocal",
            "Floor", "Ceil", "Round", "Sign", "Erf", "Gelu", "LeakyRelu", "Elu", "Selu", "Softplus", "Softsign",
            "HardSigmoid", "HardSwish", "Sin", "Cos", "Clip", "Not", "IsNaN", "IsInf");
    static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Mod", "PRelu",
            "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor");
    static final Set<String> VARIADIC = Set.of("Min", "Max", "Sum", "Mean");
    static final Set<String> OPS = union(UNARY, BINARY, VARIADIC, Set.of("Where"));

    @SafeVarargs
    static Set<String> union(Set<String>... sets) {
        java.util.HashSet<String> all = new java.util.HashSet<>();
        for (Set<String> s : sets) all.addAll(s);
        return Set.copyOf(all);
    }

    static Value apply(Node n, Value[] in, long opset, String where) {
        String op = n.opType();
        if (op.equals("Where")) return where(in[0], in[1], in[2], where);
        if (op.equals("Clip")) return clip(n, in, opset, where);
        if (UNARY.contains(op)) return unary(n, in[0], where);
        if (BINARY.contains(op)) return binary(n, in[0], in[1], where);
        Value acc = null;
        int count = 0;
        for (Value v : in) {
            if (v == null) continue;
            count++;
            acc = acc == null ? v : binary(op.equals("Mean") ? "Sum" : op, Attributes.i(n, "fmod", 0) != 0, acc, v, where);
        }
        if (acc == null) throw new IllegalArgumentException(where + ": needs at least one input");
        if (op.equals("Mean")) {
            float[] o = acc.floats().clone();
            for (int k = 0; k < o.length; k++) o[k] /= count;
            acc = Value.floats(acc.shape(), o);
        }
        return acc;
    }

    // ------------------------------------------------------------------------------------------------ unary

    private static Value unary(Node n, Value x, String where) {
        String op = n.opType();
        if (op.equals("Not")) {
            if (x.isFloat()) throw new IllegalArgumentException(where + ": input must be bool");
            long[] o = new long[x.size()];
            for (int k = 0; k < o.length; k++) o[k] = x.ints()[k] == 0 ? 1 : 0;
            return Value.bools(x.shape(), o);
        }
        if (op.equals("IsNaN") || op.equals("IsInf")) {
            long[] o = new long[x.size()];
            boolean pos = Attributes.i(n, "detect_positive", 1) != 0, neg = Attributes.i(n, "detect_negative", 1) != 0;
            for (int k = 0; k < o.length && x.isFloat(); k++) {
                float v = x.floats()[k];
                o[k] = (op.equals("IsNaN") ? Float.isNaN(v) : (pos && v == Float.POSITIVE_INFINITY) || (neg && v == Float.NEGATIVE_INFINITY)) ? 1 : 0;
            }
            return Value.bools(x.shape(), o);
        }
        if (!x.isFloat()) {
            long[] o = new long[x.size()];
            for (int k = 0; k < o.length; k++) {
                long v = x.ints()[k];
                o[k] = switch (op) {
                    case "Neg" -> -v;
                    case "Relu" -> Math.max(0, v);
                    case "Abs" -> Math.abs(v);
                    case "Sign" -> Long.signum(v);
                    default -> throw new IllegalArgumentException(where + ": input must be float, got " + x.describe());
                };
            }
            return Value.ints(x.shape(), o);
        }
        float alpha = Attributes.f(n, "alpha", switch (op) {
            case "LeakyRelu" -> 0.01f;
            case "HardSigmoid" -> 0.2f;
            case "Selu" -> 1.67326319217681884765625f;
            default -> 1f;
        });
        float beta = Attributes.f(n, "beta", 0.5f);
        float gamma = Attributes.f(n, "gamma", 1.05070102214813232421875f);
        boolean tanhGelu = Attributes.s(n, "approximate", "none").equals("tanh");
        float[] in = x.floats(), o = new float[in.length];
        for (int k = 0; k < o.length; k++) {
            double v = in[k];
            o[k] = (float) switch (op) {
                case "Neg" -> -v;
                case "Relu" -> Math.max(0, v);
                case "Sigmoid" -> 1.0 / (1.0 + Math.exp(-v));
                case "Tanh" -> Math.tanh(v);
                case "Abs" -> Math.abs(v);
                case "Exp" -> Math.exp(v);
                case "Log" -> Math.log(v);
                case "Sqrt" -> Math.sqrt(v);
                case "Reciprocal" -> 1.0 / v;
                case "Floor" -> Math.floor(v);
                case "Ceil" -> Math.ceil(v);
                case "Round" -> Math.rint(v);                     // halves to even
                case "Sign" -> Math.signum(v);
                case "Sin" -> Math.sin(v);
                case "Cos" -> Math.cos(v);
                case "Erf" -> erf(v);
                // gelu(x) = x·Φ(x) = x/2·(1 + erf(x/√2)); tanh form x/2·(1 + tanh(√(2/π)(x + 0.044715x³)))
                case "Gelu" -> tanhGelu ? 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)))
                        : 0.5 * v * (1 + erf(v / Math.sqrt(2)));
                case "LeakyRelu" -> v >= 0 ? v : alpha * v;
                case "Elu" -> v >= 0 ? v : alpha * (Math.exp(v) - 1);
                case "Selu" -> v > 0 ? gamma * v : gamma * (alpha * Math.exp(v) - alpha);
                // softplus(x) = log(1 + eˣ), computed without overflow
                case "Softplus" -> Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
                case "Softsign" -> v / (1 + Math.abs(v));
                case "HardSigmoid" -> Math.max(0, Math.min(1, alpha * v + beta));
                case "HardSwish" -> v * Math.max(0, Math.min(1, v / 6 + 0.5));
                default -> throw new IllegalArgumentException("unsupported operator " + where);
            };
        }
        return Value.floats(x.shape(), o);
    }

    /**
     * erf(x) = 2/√π ∫₀ˣ e^{−t²} dt: for |x| < 4 the Maclaurin series 2/√π Σ (−1)ⁿ x^{2n+1} / (n!(2n+1)) summed in
     * double (at |x| = 4 the largest term is ~1e5, so ~1e-11 is lost — far below float resolution); beyond,
     * 1 − erfc(x) with erfc(4) ≈ 1.5e-8 under half a float ulp of 1, so ±1.
     */
    static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double a = Math.abs(x);
        if (a >= 4) return Math.signum(x);
        double term = x, sum = x, x2 = x * x;
        for (int n = 1; n < 200; n++) {
            term *= -x2 / n;
            double t = term / (2 * n + 1);
            sum += t;
            if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    /** clip(x) = min(max(x, lo), hi): bounds are attributes before opset 11, optional inputs from 11. */
    private static Value clip(Node n, Value[] in, long opset, String where) {
        Value x = in[0];
        double lo, hi;
        if (opset < 11) {
            lo = Attributes.f(n, "min", -Float.MAX_VALUE);
            hi = Attributes.f(n, "max", Float.MAX_VALUE);
        } else {
            lo = in.length > 1 && in[1] != null ? in[1].get(0) : Double.NEGATIVE_INFINITY;
            hi = in.length > 2 && in[2] != null ? in[2].get(0) : Double.POSITIVE_INFINITY;
        }
        if (x.isFloat()) {
            float[] o = new float[x.size()];
            for (int k = 0; k < o.length; k++) {
                float v = x.floats()[k];
                o[k] = Float.isNaN(v) ? v : (float) Math.min(Math.max(v, lo), hi);
            }
            return Value.floats(x.shape(), o);
        }
        long[] o = new long[x.size()];
        for (int k = 0; k < o.length; k++) o[k] = (long) Math.min(Math.max(x.ints()[k], lo), hi);
        return Value.ints(x.shape(), o);
    }

    // ------------------------------------------------------------------------------------------------ binary

    private static Value binary(Node n, Value a, Value b, String where) {
        if (n.opType().equals("PRelu")) return binary("PRelu", false, a, b, where);
        return binary(n.opType(), Attributes.i(n, "fmod", 0) != 0, a, b, where);
    }

    static Value binary(String op, boolean fmod, Value a, Value b, String where) {
        int[] s = Ops.broadcast(a.shape(), b.shape(), where);
        int[] ia = index(s, a.shape()), ib = index(s, b.shape());
        boolean logic = op.equals("And") || op.equals("Or") || op.equals("Xor");
        boolean compare = logic || op.equals("Equal") || op.equals("Less") || op.equals("Greater")
                || op.equals("LessOrEqual") || op.equals("GreaterOrEqual");
        int size = (int) Value.size(s, where + " output");
        if (compare) {
            if (logic && (a.isFloat() || b.isFloat())) throw new IllegalArgumentException(where + ": inputs must be bool");
            long[] o = new long[size];
            boolean ints = !a.isFloat() && !b.isFloat();
            for (int k = 0; k < o.length; k++) {
                int c;
                if (ints) c = Long.compare(a.ints()[ia[k]], b.ints()[ib[k]]);
                else {
                    double x = a.get(ia[k]), y = b.get(ib[k]);
                    c = x < y ? -1 : x > y ? 1 : x == y ? 0 : 2;   // 2: unordered (NaN)
                }
                boolean r = switch (op) {
                    case "Equal" -> c == 0;
                    case "Less" -> c == -1;
                    case "Greater" -> c == 1;
                    case "LessOrEqual" -> c == -1 || c == 0;
                    case "GreaterOrEqual" -> c == 1 || c == 0;
                    case "And" -> a.ints()[ia[k]] != 0 && b.ints()[ib[k]] != 0;
                    case "Or" -> a.ints()[ia[k]] != 0 || b.ints()[ib[k]] != 0;
                    default -> (a.ints()[ia[k]] != 0) != (b.ints()[ib[k]] != 0);
                };
                o[k] = r ? 1 : 0;
            }
            return Value.bools(s, o);
        }
        if (op.equals("PRelu")) {
            // slope broadcasts to x (unidirectionally): y = x < 0 ? slope·x : x
            if (!java.util.Arrays.equals(s, a.shape())) throw new IllegalArgumentException(where + ": slope does not broadcast to X");
        }
        if (a.isFloat() || (b.isFloat() && !op.equals("Pow"))) {
            float[] o = new float[size];
            if (op.equals("Pow") && b.size() == 1 && b.get(0) == 2) {
                // x², the exponent exports use (STFT magnitudes, variances): the same float as pow(x, 2), far cheaper
                for (int k = 0; k < o.length; k++) {
                    float x = a.floats()[ia[k]];
                    o[k] = x * x;
                }
                return Value.floats(s, o);
            }
            for (int k = 0; k < o.length; k++) {
                double x = a.get(ia[k]), y = b.get(ib[k]);
                o[k] = switch (op) {
                    case "Add", "Sum" -> (float) ((float) x + (float) y);
                    case "Sub" -> (float) x - (float) y;
                    case "Mul" -> (float) x * (float) y;
                    case "Div" -> (float) x / (float) y;
                    case "Pow" -> (float) Math.pow(x, y);
                    case "Min" -> Float.isNaN((float) x) || Float.isNaN((float) y) ? Float.NaN : (float) Math.min(x, y);
                    case "Max" -> Float.isNaN((float) x) || Float.isNaN((float) y) ? Float.NaN : (float) Math.max(x, y);
                    case "PRelu" -> x < 0 ? (float) x * (float) y : (float) x;
                    // fmod: the sign of the dividend (C fmod); integer-style Mod is defined for ints only
                    case "Mod" -> fmod ? (float) (x % y) : (float) (x - Math.floor(x / y) * y);
                    default -> throw new IllegalArgumentException("unsupported operator " + where);
                };
            }
            return Value.floats(s, o);
        }
        long[] o = new long[size];
        for (int k = 0; k < o.length; k++) {
            long x = a.ints()[ia[k]];
            if (op.equals("Pow")) {
                o[k] = (long) Math.pow(x, b.get(ib[k]));
                continue;
            }
            long y = b.ints()[ib[k]];
            if ((op.equals("Div") || op.equals("Mod")) && y == 0) throw new IllegalArgumentException(where + ": integer division by zero");
            o[k] = switch (op) {
                case "Add", "Sum" -> x + y;
                case "Sub" -> x - y;
                case "Mul" -> x * y;
                case "Div" -> x / y;
                case "Min" -> Math.min(x, y);
                case "Max" -> Math.max(x, y);
                case "PRelu" -> x < 0 ? x * y : x;
                // fmod = 0: the sign of the divisor (Python %); fmod = 1: the sign of the dividend
                case "Mod" -> fmod ? x % y : Math.floorMod(x, y);
                default -> throw new IllegalArgumentException("unsupported operator " + where);
            };
        }
        return Value.ints(s, o);
    }

    /** Where each output element reads an operand: the identity (same shape) as 0..n−1, else the broadcast map. */
    private static int[] index(int[] out, int[] in) {
        if (!java.util.Arrays.equals(out, in)) return Ops.broadcastIndex(out, in);
        int[] id = IDENTITY.get();
        int n = (int) Value.size(out, "a tensor");
        if (id.length < n) {
            id = new int[n];
            for (int k = 0; k < n; k++) id[k] = k;
            IDENTITY.set(id);
        }
        return id;
    }

    /** 0, 1, 2, … : the index map of an operand that needs no broadcasting, shared (never written). */
    private static final ThreadLocal<int[]> IDENTITY = ThreadLocal.withInitial(() -> new int[0]);

    /** out = cond ? a : b, all three broadcast together. */
    static Value where(Value c, Value a, Value b, String where) {
        if (c.isFloat()) throw new IllegalArgumentException(where + ": condition must be bool");
        int[] s = Ops.broadcast(Ops.broadcast(c.shape(), a.shape(), where), b.shape(), where);
        int[] ic = Ops.broadcastIndex(s, c.shape()), ia = Ops.broadcastIndex(s, a.shape()), ib = Ops.broadcastIndex(s, b.shape());
        if (a.isFloat() != b.isFloat()) throw new IllegalArgumentException(where + ": branches " + a.describe() + " and " + b.describe() + " differ in type");
        if (a.isFloat()) {
            float[] o = new float[ic.length];
            for (int k = 0; k < o.length; k++) o[k] = c.ints()[ic[k]] != 0 ? a.floats()[ia[k]] : b.floats()[ib[k]];
            return Value.floats(s, o);
        }
        long[] o = new long[ic.length];
        for (int k = 0; k < o.length; k++) o[k] = c.ints()[ic[k]] != 0 ? a.ints()[ia[k]] : b.ints()[ib[k]];
        return new Value(s, null, o, a.bool());
    }
}
