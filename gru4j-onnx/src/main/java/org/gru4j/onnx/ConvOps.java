package org.gru4j.onnx;

import org.gru4j.kernel.Gemm;
import org.gru4j.onnx.OnnxModel.Node;

import java.util.Arrays;
import java.util.Set;

/**
 * Convolution after the ONNX specification, for 1, 2 and 3 spatial dimensions: Conv and ConvTranspose (pads,
 * auto_pad, strides, dilations, group — depthwise included — and for ConvTranspose output_padding and
 * output_shape). Both are one matrix product per (image, group) on {@link Gemm}: Conv gathers the receptive
 * fields into columns (im2col) and multiplies the filters by them; ConvTranspose multiplies the transposed filters
 * by the input and scatters the columns back (col2im).
 *
 * <p>Shapes are held as 3 spatial dimensions internally, a missing leading one being 1.
 */
final class ConvOps {
    private ConvOps() {}

    static final Set<String> OPS = Set.of("Conv", "ConvTranspose");

    /** The geometry of one convolution: spatial sizes of input, kernel and output, and the per-dimension rules. */
    record Geometry(int[] in, int[] kernel, int[] out, int[] stride, int[] dilation, int[] padBegin) {
        int inSize() {
            return in[0] * in[1] * in[2];
        }

        int outSize() {
            return out[0] * out[1] * out[2];
        }

        int kernelSize() {
            return kernel[0] * kernel[1] * kernel[2];
        }
    }

    static Value apply(Node n, Value[] in, Budget budget, String where) {
        return n.opType().equals("Conv") ? conv(n, in[0], in[1], in.length > 2 ? in[2] : null, budget, where)
                : convTranspose(n, in[0], in[1], in.length > 2 ? in[2] : null, budget, where);
    }

    /** attribute ints of length want (the spatial rank), fallback filled when absent. */
    static int[] spatial(Node n, String name, int want, int fallback, String where) {
        long[] v = Attributes.ints(n, name);
        int[] o = new int[want];
        Arrays.fill(o, fallback);
        if (v == null) return o;
        if (v.length != want) throw new IllegalArgumentException(where + ": " + name + " " + Arrays.toString(v) + " should have " + want + " entries");
        for (int k = 0; k < want; k++) {
            if (v[k] < 0 || v[k] > Integer.MAX_VALUE / 4) throw new IllegalArgumentException(where + ": " + name + " " + Arrays.toString(v));
            o[k] = (int) v[k];
        }
        return o;
    }

    /** Left-pads a per-dimension array of length sr to 3 entries with fill. */
    static int[] three(int[] a, int fill) {
        int[] o = {fill, fill, fill};
        System.arraycopy(a, 0, o, 3 - a.length, a.length);
        return o;
    }

    /**
     * Output size per dimension, with effective kernel e = (k−1)·d + 1:
     * explicit pads o = ⌊(D + p_b + p_e − e)/s⌋ + 1 (⌈⌉ with ceil_mode, the last window starting inside the
     * input or its leading pad); SAME_* o = ⌈D/s⌉ with total pad max(0, (o−1)s + e − D), split begin = total/2
     * (SAME_UPPER) or total − total/2 (SAME_LOWER); VALID no pad.
     */
    static Geometry geometry(Node n, int[] inDims, int[] kernel, boolean ceil, String where) {
        int sr = inDims.length;
        int[] stride = spatial(n, "strides", sr, 1, where), dil = spatial(n, "dilations", sr, 1, where);
        String autoPad = Attributes.s(n, "auto_pad", "NOTSET");
        long[] pads = Attributes.ints(n, "pads");
        if (pads != null && pads.length != 2 * sr) throw new IllegalArgumentException(where + ": pads " + Arrays.toString(pads) + " should have " + 2 * sr + " entries");
        int[] out = new int[sr], begin = new int[sr];
        for (int d = 0; d < sr; d++) {
            if (stride[d] < 1 || dil[d] < 1) throw new IllegalArgumentException(where + ": strides and dilations must be positive");
            long e = (long) (kernel[d] - 1) * dil[d] + 1;
            long o;
            switch (autoPad) {
                case "SAME_UPPER", "SAME_LOWER" -> {
                    o = (inDims[d] + stride[d] - 1) / stride[d];
                    long total = Math.max(0, (o - 1) * stride[d] + e - inDims[d]);
                    begin[d] = (int) (autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2);
                }
                case "VALID" -> o = inDims[d] >= e ? (inDims[d] - e) / stride[d] + 1 : 0;
                case "NOTSET", "" -> {
                    long pb = pads == null ? 0 : pads[d], pe = pads == null ? 0 : pads[d + sr];
                    if (pb < 0 || pe < 0 || pb > Integer.MAX_VALUE / 4 || pe > Integer.MAX_VALUE / 4) {
                        throw new IllegalArgumentException(where + ": pads " + Arrays.toString(pads));
                    }
                    long span = inDims[d] + pb + pe - e;
                    if (span < 0) o = 0;
                    else if (ceil) {
                        o = (span + stride[d] - 1) / stride[d] + 1;
                        if ((o - 1) * stride[d] >= inDims[d] + pb) o--;
                    } else o = span / stride[d] + 1;
                    begin[d] = (int) pb;
                }
                default -> throw new IllegalArgumentException(where + ": auto_pad '" + autoPad + "' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID");
            }
            if (o > Integer.MAX_VALUE) throw new IllegalArgumentException(where + ": output too large");
            out[d] = (int) o;
        }
        return new Geometry(three(inDims, 1), three(kernel, 1), three(out, 1), three(stride, 1), three(dil, 1), three(begin, 0));
    }

    /**
     * For each kernel tap and output position, the flat input position it reads (−1 in the padding):
     * i_d = o_d·s_d − p_d + k_d·dil_d. Indexed [tap·P + p] with P the output size.
     */
    static int[] taps(Geometry g) {
        int kk = g.kernelSize(), p = g.outSize();
        int[] src = new int[Math.multiplyExact(kk, p)];
        int at = 0;
        for (int k0 = 0; k0 < g.kernel[0]; k0++)
            for (int k1 = 0; k1 < g.kernel[1]; k1++)
                for (int k2 = 0; k2 < g.kernel[2]; k2++)
                    for (int o0 = 0; o0 < g.out[0]; o0++) {
                        int i0 = o0 * g.stride[0] - g.padBegin[0] + k0 * g.dilation[0];
                        for (int o1 = 0; o1 < g.out[1]; o1++) {
                            int i1 = o1 * g.stride[1] - g.padBegin[1] + k1 * g.dilation[1];
                            for (int o2 = 0; o2 < g.out[2]; o2++) {
                                int i2 = o2 * g.stride[2] - g.padBegin[2] + k2 * g.dilation[2];
                                boolean inside = i0 >= 0 && i0 < g.in[0] && i1 >= 0 && i1 < g.in[1] && i2 >= 0 && i2 < g.in[2];
                                src[at++] = inside ? (i0 * g.in[1] + i1) * g.in[2] + i2 : -1;
                            }
                        }
                    }
        return src;
    }

    private static int[] spatialOf(int[] shape) {
        return Arrays.copyOfRange(shape, 2, shape.length);
    }

    private static void checkRank(Value x, Value w, String where) {
        if (!x.isFloat() || !w.isFloat()) throw new IllegalArgumentException(where + ": X and W must be float");
        if (x.rank() < 3 || x.rank() > 5 || w.rank() != x.rank()) {
            throw new IllegalArgumentException(where + ": X " + x.describe() + " and W " + w.describe() + " must both be (N, C, d1[, d2[, d3]])");
        }
    }

    /**
     * Y[n, m, o] = B[m] + Σ_{c ∈ group(m)} Σ_k W[m, c, k] · X[n, c, o·s − p + k·dil]. X is (N,C,D…), W is
     * (M, C/group, K…), Y is (N, M, O…). Per (n, group): Y_g (M/g, P) = W_g (M/g, C/g·K) · col (C/g·K, P).
     */
    static Value conv(Node n, Value x, Value w, Value b, Budget budget, String where) {
        checkRank(x, w, where);
        int batch = x.shape()[0], c = x.shape()[1], m = w.shape()[0], group = (int) Attributes.i(n, "group", 1);
        int[] kernel = spatialOf(w.shape());
        long[] ks = Attributes.ints(n, "kernel_shape");
        if (ks != null && !Arrays.equals(ks, Arrays.stream(kernel).asLongStream().toArray())) {
            throw new IllegalArgumentException(where + ": kernel_shape " + Arrays.toString(ks) + " differs from W " + w.describe());
        }
        if (group < 1 || c % group != 0 || m % group != 0 || w.shape()[1] != c / group) {
            throw new IllegalArgumentException(where + ": X " + x.describe() + ", W " + w.describe() + " and group " + group + " do not fit");
        }
        if (b != null && (b.rank() != 1 || b.shape()[0] != m || !b.isFloat())) throw new IllegalArgumentException(where + ": B must be float (" + m + ")");
        Geometry g = geometry(n, spatialOf(x.shape()), kernel, false, where);
        int cg = c / group, mg = m / group, kk = g.kernelSize(), p = g.outSize(), in = g.inSize(), rows = cg * kk;
        int[] outShape = x.shape().clone();
        outShape[1] = m;
        for (int d = 0; d < kernel.length; d++) outShape[2 + d] = g.out[3 - kernel.length + d];
        long size = Value.size(outShape, where + " output");
        budget.reserve(size + (long) rows * p, where);
        float[] y = new float[(int) size];
        int[] src = taps(g);
        float[] col = new float[Math.multiplyExact(rows, p)];
        float[] xf = x.floats(), wf = w.floats();
        // few output positions (a streaming chunk): Y_gᵀ (P, M/g) = colᵀ (P, C/g·K) · W_gᵀ (C/g·K, M/g), so that the
        // product's rows are long (M/g) rather than P wide; otherwise Y_g = W_g · col
        boolean narrow = p < 32 && mg > p;
        float[] wt = narrow ? Transposed.of(wf, group, mg, rows) : null;
        float[] yt = narrow ? new float[p * mg] : null;
        for (int im = 0; im < batch; im++) {
            for (int gr = 0; gr < group; gr++) {
                for (int ci = 0; ci < cg; ci++) {
                    int xoff = (im * c + gr * cg + ci) * in;
                    for (int t = 0; t < kk; t++) {
                        int r = ci * kk + t, s0 = t * p;
                        for (int o = 0; o < p; o++) {
                            int sx = src[s0 + o];
                            // col[r, o] = X[im, gr·cg + ci, src[t·P + o]] (stored transposed when narrow)
                            col[narrow ? o * rows + r : r * p + o] = sx < 0 ? 0f : xf[xoff + sx];
                        }
                    }
                }
                if (narrow) {
                    Gemm.mm(p, mg, rows, col, 0, rows, 1, wt, gr * rows * mg, mg, yt, 0, mg, false);
                    int yoff = (im * m + gr * mg) * p;
                    for (int o = 0; o < p; o++) for (int oc = 0; oc < mg; oc++) y[yoff + oc * p + o] = yt[o * mg + oc];
                } else {
                    Gemm.mm(mg, p, rows, wf, gr * mg * rows, rows, 1, col, 0, p, y, (im * m + gr * mg) * p, p, false);
                }
            }
        }
        if (b != null) addBias(y, b.floats(), batch, m, p);
        return Value.floats(outShape, y);
    }

    /** y[n, m, ·] += b[m], y (N, M, P). */
    private static void addBias(float[] y, float[] b, int batch, int m, int p) {
        for (int im = 0; im < batch; im++) {
            for (int oc = 0; oc < m; oc++) {
                int off = (im * m + oc) * p;
                for (int o = 0; o < p; o++) y[off + o] += b[oc];
            }
        }
    }

    /**
     * The adjoint of Conv: Y[n, m, i·s − p + k·dil] += Σ_c X[n, c, i] · W[c, m', k] with W (C, M/group, K…),
     * Y (N, M, O…), O = s·(D − 1) + output_padding + (K − 1)·dil + 1 − p_b − p_e; with output_shape given the
     * pads follow from it (SAME_UPPER puts the odd one at the end, otherwise at the start).
     */
    static Value convTranspose(Node n, Value x, Value w, Value b, Budget budget, String where) {
        checkRank(x, w, where);
        int batch = x.shape()[0], c = x.shape()[1], group = (int) Attributes.i(n, "group", 1);
        if (group < 1 || c % group != 0 || w.shape()[0] != c) throw new IllegalArgumentException(where + ": X " + x.describe() + ", W " + w.describe() + " and group " + group + " do not fit");
        int mg = w.shape()[1], m = mg * group, cg = c / group;
        int[] kernel = spatialOf(w.shape()), inDims = spatialOf(x.shape());
        int sr = kernel.length;
        int[] stride = spatial(n, "strides", sr, 1, where), dil = spatial(n, "dilations", sr, 1, where);
        int[] outPad = spatial(n, "output_padding", sr, 0, where);
        long[] pads = Attributes.ints(n, "pads"), outShapeAttr = Attributes.ints(n, "output_shape");
        String autoPad = Attributes.s(n, "auto_pad", "NOTSET");
        if (pads != null && pads.length != 2 * sr) throw new IllegalArgumentException(where + ": pads " + Arrays.toString(pads) + " should have " + 2 * sr + " entries");
        int[] out = new int[sr], begin = new int[sr];
        for (int d = 0; d < sr; d++) {
            if (stride[d] < 1 || dil[d] < 1) throw new IllegalArgumentException(where + ": strides and dilations must be positive");
            long full = (long) stride[d] * (inDims[d] - 1) + outPad[d] + (long) (kernel[d] - 1) * dil[d] + 1;
            long o;
            if (outShapeAttr != null || autoPad.startsWith("SAME")) {
                long target = outShapeAttr != null ? outShapeAttr[outShapeAttr.length - sr + d] : (long) inDims[d] * stride[d];
                long total = Math.max(0, full - target);
                begin[d] = (int) (autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2);
                o = target;
            } else {
                long pb = pads == null || autoPad.equals("VALID") ? 0 : pads[d], pe = pads == null || autoPad.equals("VALID") ? 0 : pads[d + sr];
                begin[d] = (int) pb;
                o = full - pb - pe;
            }
            if (o < 0 || o > Integer.MAX_VALUE) throw new IllegalArgumentException(where + ": output size " + o);
            out[d] = (int) o;
        }
        int[] in3 = three(inDims, 1), k3 = three(kernel, 1), o3 = three(out, 1), s3 = three(stride, 1), d3 = three(dil, 1), b3 = three(begin, 0);
        int kk = k3[0] * k3[1] * k3[2], pin = in3[0] * in3[1] * in3[2], pout = o3[0] * o3[1] * o3[2], rows = mg * kk;
        int[] outShape = new int[2 + sr];
        outShape[0] = batch;
        outShape[1] = m;
        System.arraycopy(out, 0, outShape, 2, sr);
        long size = Value.size(outShape, where + " output");
        budget.reserve(size + (long) rows * pin, where);
        float[] y = new float[(int) size];
        float[] col = new float[Math.multiplyExact(rows, pin)];
        float[] xf = x.floats(), wf = w.floats();
        for (int im = 0; im < batch; im++) {
            for (int gr = 0; gr < group; gr++) {
                // col (mg·K, Pin) = W_gᵀ · X_g, W_g (cg, mg·K) stored row-major
                Gemm.mm(rows, pin, cg, wf, gr * cg * rows, 1, rows, xf, (im * c + gr * cg) * pin, pin, col, 0, pin, false);
                for (int mo = 0; mo < mg; mo++) {
                    int yoff = (im * m + gr * mg + mo) * pout;
                    int t = 0;
                    for (int k0 = 0; k0 < k3[0]; k0++)
                        for (int k1 = 0; k1 < k3[1]; k1++)
                            for (int k2 = 0; k2 < k3[2]; k2++, t++) {
                                int row = (mo * kk + t) * pin, q = 0;
                                for (int i0 = 0; i0 < in3[0]; i0++) {
                                    int o0 = i0 * s3[0] - b3[0] + k0 * d3[0];
                                    for (int i1 = 0; i1 < in3[1]; i1++) {
                                        int o1 = i1 * s3[1] - b3[1] + k1 * d3[1];
                                        for (int i2 = 0; i2 < in3[2]; i2++, q++) {
                                            int o2 = i2 * s3[2] - b3[2] + k2 * d3[2];
                                            if (o0 >= 0 && o0 < o3[0] && o1 >= 0 && o1 < o3[1] && o2 >= 0 && o2 < o3[2]) {
                                                y[yoff + (o0 * o3[1] + o1) * o3[2] + o2] += col[row + q];
                                            }
                                        }
                                    }
                                }
                            }
                }
            }
        }
        if (b != null) {
            if (b.rank() != 1 || b.shape()[0] != m || !b.isFloat()) throw new IllegalArgumentException(where + ": B must be float (" + m + ")");
            addBias(y, b.floats(), batch, m, pout);
        }
        return Value.floats(outShape, y);
    }
}
