package org.gru4j.onnx;

import org.gru4j.onnx.OnnxModel.Node;

import java.util.Set;

/**
 * Normalisations after the ONNX specification (inference): BatchNormalization (the running statistics),
 * InstanceNormalization (per image and channel over the spatial positions), LayerNormalization (opset 17, over the
 * dimensions from axis on; its optional Mean and InvStdDev outputs). Statistics in double.
 */
final class NormOps {
    private NormOps() {}

    static final Set<String> OPS = Set.of("BatchNormalization", "InstanceNormalization", "LayerNormalization");

    static Value[] apply(Node n, Value[] in, String where) {
        for (Value v : in) if (v != null && !v.isFloat()) throw new IllegalArgumentException(where + ": inputs must be float, got " + v.describe());
        float eps = Attributes.f(n, "epsilon", 1e-5f);
        return switch (n.opType()) {
            case "BatchNormalization" -> {
                if (Attributes.i(n, "training_mode", 0) != 0) throw new IllegalArgumentException(where + ": training_mode is not supported (inference only)");
                yield new Value[]{batchNorm(in[0], in[1], in[2], in[3], in[4], eps, where)};
            }
            case "InstanceNormalization" -> new Value[]{instanceNorm(in[0], in[1], in[2], eps, where)};
            default -> layerNorm(in[0], in[1], in.length > 2 ? in[2] : null, (int) Attributes.i(n, "axis", -1), eps, where);
        };
    }

    private static void perChannel(Value v, int c, String what, String where) {
        if (v.size() != c) throw new IllegalArgumentException(where + ": " + what + " " + v.describe() + " should hold " + c + " values");
    }

    /** y = scale · (x − mean) / √(var + ε) + B, per channel (axis 1). */
    private static Value batchNorm(Value x, Value scale, Value b, Value mean, Value var, float eps, String where) {
        int c = x.rank() < 2 ? 1 : x.shape()[1], batch = x.shape().length == 0 ? 1 : x.shape()[0];
        perChannel(scale, c, "scale", where);
        perChannel(b, c, "B", where);
        perChannel(mean, c, "mean", where);
        perChannel(var, c, "var", where);
        int p = x.size() / Math.max(1, batch * c);
        float[] y = new float[x.size()];
        for (int ch = 0; ch < c; ch++) {
            double a = scale.floats()[ch] / Math.sqrt((double) var.floats()[ch] + eps);
            double sh = b.floats()[ch] - a * mean.floats()[ch];
            for (int im = 0; im < batch; im++) {
                int off = (im * c + ch) * p;
                for (int o = 0; o < p; o++) y[off + o] = (float) (a * x.floats()[off + o] + sh);
            }
        }
        return Value.floats(x.shape(), y);
    }

    /** y[n,c,·] = scale[c] · (x[n,c,·] − μ) / √(σ² + ε) + B[c], μ, σ² over the spatial positions of x[n,c]. */
    private static Value instanceNorm(Value x, Value scale, Value b, float eps, String where) {
        if (x.rank() < 3) throw new IllegalArgumentException(where + ": X must be (N, C, d1, …), got " + x.describe());
        int batch = x.shape()[0], c = x.shape()[1], p = x.size() / Math.max(1, batch * c);
        perChannel(scale, c, "scale", where);
        perChannel(b, c, "B", where);
        float[] y = new float[x.size()];
        for (int im = 0; im < batch; im++)
            for (int ch = 0; ch < c; ch++) {
                int off = (im * c + ch) * p;
                normalise(x.floats(), off, p, eps, y, scale.floats()[ch], b.floats()[ch]);
            }
        return Value.floats(x.shape(), y);
    }

    /**
     * y = (x − μ) / √(σ² + ε) · scale + B over the trailing dimensions from axis on; scale and B broadcast to
     * them. Mean and InvStdDev = 1/√(σ² + ε) have x's shape with those dimensions set to 1.
     */
    private static Value[] layerNorm(Value x, Value scale, Value b, int axisAttr, float eps, String where) {
        int r = x.rank(), a = Ops.axis(axisAttr, r, where);
        int rows = 1, len = 1;
        for (int k = 0; k < r; k++) if (k < a) rows *= x.shape()[k]; else len *= x.shape()[k];
        int[] tail = java.util.Arrays.copyOfRange(x.shape(), a, r);
        int[] is = Ops.broadcastIndex(tail, scale.shape());
        Ops.broadcast(scale.shape(), tail, where);
        int[] ib = b == null ? null : Ops.broadcastIndex(tail, b.shape());
        float[] y = new float[x.size()], mu = new float[rows], inv = new float[rows];
        for (int row = 0; row < rows; row++) {
            int off = row * len;
            double m = 0, v = 0;
            for (int k = 0; k < len; k++) m += x.floats()[off + k];
            m /= len;
            for (int k = 0; k < len; k++) {
                double d = x.floats()[off + k] - m;
                v += d * d;
            }
            double iv = 1 / Math.sqrt(v / len + eps);
            for (int k = 0; k < len; k++) {
                double z = (x.floats()[off + k] - m) * iv * scale.floats()[is[k]];
                y[off + k] = (float) (b == null ? z : z + b.floats()[ib[k]]);
            }
            mu[row] = (float) m;
            inv[row] = (float) iv;
        }
        int[] stat = x.shape().clone();
        for (int k = a; k < r; k++) stat[k] = 1;
        return new Value[]{Value.floats(x.shape(), y), Value.floats(stat, mu), Value.floats(stat, inv)};
    }

    /** out[off..off+len) = (x − μ)/√(σ² + ε) · g + h over x[off..off+len). */
    private static void normalise(float[] x, int off, int len, float eps, float[] out, float g, float h) {
        double m = 0, v = 0;
        for (int k = 0; k < len; k++) m += x[off + k];
        m /= Math.max(1, len);
        for (int k = 0; k < len; k++) {
            double d = x[off + k] - m;
            v += d * d;
        }
        double iv = 1 / Math.sqrt(v / Math.max(1, len) + eps);
        for (int k = 0; k < len; k++) out[off + k] = (float) ((x[off + k] - m) * iv * g + h);
    }
}
