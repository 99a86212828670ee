package org.gru4j.onnx;

import org.gru4j.onnx.OnnxModel.Attribute;
import org.gru4j.onnx.OnnxModel.Node;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Conv and ConvTranspose (the im2col / col2im products on Gemm) against the definition summed directly in double,
 * on random 1-D and 2-D configurations: pads, strides, dilations, groups (depthwise included).
 */
class ConvReferenceTest {

    private static Attribute ints(String name, long... v) {
        return new Attribute(name, Attribute.INTS, 0, 0, null, null, new float[0], v, List.of(), null);
    }

    private static Attribute i(String name, long v) {
        return new Attribute(name, Attribute.INT, 0, v, null, null, new float[0], new long[0], List.of(), null);
    }

    private static Value random(Random r, int... shape) {
        float[] f = new float[(int) Value.size(shape, "t")];
        for (int k = 0; k < f.length; k++) f[k] = (float) r.nextGaussian();
        return Value.floats(shape, f);
    }

    /** Y[n,m,oh,ow] = B[m] + Σ_{c,kh,kw} W[m,c,kh,kw] · X[n, g·C/g + c, oh·s − p + kh·d, …], zero outside X. */
    private static double[] conv2dReference(Value x, Value w, Value b, int group, int[] pad, int[] st, int[] dil, int[] out) {
        int n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], wd = x.shape()[3];
        int m = w.shape()[0], cg = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3], mg = m / group;
        double[] y = new double[n * m * out[0] * out[1]];
        for (int im = 0; im < n; im++)
            for (int oc = 0; oc < m; oc++)
                for (int oh = 0; oh < out[0]; oh++)
                    for (int ow = 0; ow < out[1]; ow++) {
                        double acc = b.floats()[oc];
                        int gr = oc / mg;
                        for (int ci = 0; ci < cg; ci++)
                            for (int a = 0; a < kh; a++)
                                for (int e = 0; e < kw; e++) {
                                    int ih = oh * st[0] - pad[0] + a * dil[0], iw = ow * st[1] - pad[1] + e * dil[1];
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                                    acc += (double) w.floats()[((oc * cg + ci) * kh + a) * kw + e]
                                            * x.floats()[((im * c + gr * cg + ci) * h + ih) * wd + iw];
                                }
                        y[((im * m + oc) * out[0] + oh) * out[1] + ow] = acc;
                    }
        return y;
    }

    private static void close(double[] want, Value got, String what) {
        assertTrue(want.length == got.size(), what + " size");
        for (int k = 0; k < want.length; k++) {
            assertTrue(Math.abs(want[k] - got.floats()[k]) <= 1e-4 * Math.max(1, Math.abs(want[k])),
                    what + " [" + k + "] " + got.floats()[k] + " vs " + want[k]);
        }
    }

    @Test
    void convMatchesTheDirectSum() {
        Random r = new Random(5);
        for (int trial = 0; trial < 60; trial++) {
            boolean oneD = trial % 2 == 0;
            int group = trial % 3 == 0 ? 1 : 1 + r.nextInt(3);
            boolean depthwise = trial % 5 == 0;
            int cg = depthwise ? 1 : 1 + r.nextInt(3), c = cg * group, mg = 1 + r.nextInt(3), m = mg * group;
            if (depthwise) group = c;
            int kh = oneD ? 1 : 1 + r.nextInt(3), kw = 1 + r.nextInt(4);
            int h = oneD ? 1 : kh + r.nextInt(6), wd = kw + r.nextInt(9);
            int[] st = {oneD ? 1 : 1 + r.nextInt(3), 1 + r.nextInt(3)}, dil = {oneD ? 1 : 1 + r.nextInt(2), 1 + r.nextInt(2)};
            int[] pb = {oneD ? 0 : r.nextInt(3), r.nextInt(3)}, pe = {oneD ? 0 : r.nextInt(3), r.nextInt(3)};
            int[] out = new int[2];
            int[] in = {h, wd}, k = {kh, kw};
            boolean fits = true;
            for (int d = 0; d < 2; d++) {
                int span = in[d] + pb[d] + pe[d] - ((k[d] - 1) * dil[d] + 1);
                if (span < 0) fits = false;
                out[d] = span / st[d] + 1;
            }
            if (!fits) continue;
            int batch = 1 + r.nextInt(2);
            Value x = random(r, batch, c, h, wd), w = random(r, m, c / group, kh, kw), b = random(r, m);
            Map<String, Attribute> a = new LinkedHashMap<>();
            a.put("group", i("group", group));
            Value got;
            if (oneD) {
                a.put("pads", ints("pads", pb[1], pe[1]));
                a.put("strides", ints("strides", st[1]));
                a.put("dilations", ints("dilations", dil[1]));
                Value x1 = Value.floats(new int[]{batch, c, wd}, x.floats()), w1 = Value.floats(new int[]{m, c / group, kw}, w.floats());
                got = ConvOps.conv(new Node("c", "Conv", "", List.of(), List.of(), a), x1, w1, b, Budget.forRun(), "conv");
                assertArrayEquals(new int[]{batch, m, out[1]}, got.shape());
            } else {
                a.put("pads", ints("pads", pb[0], pb[1], pe[0], pe[1]));
                a.put("strides", ints("strides", st[0], st[1]));
                a.put("dilations", ints("dilations", dil[0], dil[1]));
                got = ConvOps.conv(new Node("c", "Conv", "", List.of(), List.of(), a), x, w, b, Budget.forRun(), "conv");
                assertArrayEquals(new int[]{batch, m, out[0], out[1]}, got.shape());
            }
            close(conv2dReference(x, w, b, group, pb, st, dil, out), got, "conv trial " + trial);
        }
    }

    /** y[n, g·M/g + mo, i·s − p + k·d] += Σ_c x[n, g·C/g + c, i] · W[g·C/g + c, mo, k] + B. */
    @Test
    void convTransposeMatchesTheScatteredSum() {
        Random r = new Random(8);
        for (int trial = 0; trial < 40; trial++) {
            int group = 1 + r.nextInt(2), cg = 1 + r.nextInt(3), mg = 1 + r.nextInt(3), c = cg * group, m = mg * group;
            int kw = 1 + r.nextInt(4), len = 1 + r.nextInt(6), s = 1 + r.nextInt(3), d = 1 + r.nextInt(2);
            int pb = r.nextInt(2), pe = r.nextInt(2), op = r.nextInt(s);
            int full = s * (len - 1) + op + (kw - 1) * d + 1, out = full - pb - pe;
            if (out <= 0) continue;
            Value x = random(r, 2, c, len), w = random(r, c, mg, kw), b = random(r, m);
            double[] want = new double[2 * m * out];
            for (int im = 0; im < 2; im++)
                for (int oc = 0; oc < m; oc++) for (int o = 0; o < out; o++) want[(im * m + oc) * out + o] = b.floats()[oc];
            for (int im = 0; im < 2; im++)
                for (int ci = 0; ci < c; ci++) {
                    int gr = ci / cg;
                    for (int mo = 0; mo < mg; mo++)
                        for (int k = 0; k < kw; k++)
                            for (int i = 0; i < len; i++) {
                                int o = i * s - pb + k * d;
                                if (o < 0 || o >= out) continue;
                                want[(im * m + gr * mg + mo) * out + o] += (double) x.floats()[(im * c + ci) * len + i] * w.floats()[(ci * mg + mo) * kw + k];
                            }
                }
            Map<String, Attribute> a = new LinkedHashMap<>();
            a.put("group", i("group", group));
            a.put("pads", ints("pads", pb, pe));
            a.put("strides", ints("strides", s));
            a.put("dilations", ints("dilations", d));
            a.put("output_padding", ints("output_padding", op));
            Value got = ConvOps.convTranspose(new Node("t", "ConvTranspose", "", List.of(), List.of(), a), x, w, b, Budget.forRun(), "ct");
            assertArrayEquals(new int[]{2, m, out}, got.shape());
            close(want, got, "convTranspose trial " + trial);
        }
    }
}
