package org.gru4j.nn;

import java.util.Map;

/**
 * The slow, obviously-correct reference: every sequence on its own, one step at a time, in double, straight from
 * the equations. Parameters are read by PyTorch name from a state dict of doubles.
 */
final class Reference {
    /** y (T,B,D·H), hn and cn (L·D,B,H), all as flat double arrays. */
    record Result(double[] y, double[] hn, double[] cn) {
        double loss(double[] gy, double[] ghn, double[] gcn) {
            double s = 0;
            for (int i = 0; i < y.length; i++) s += y[i] * gy[i];
            for (int i = 0; i < hn.length; i++) s += hn[i] * ghn[i];
            if (gcn != null) for (int i = 0; i < cn.length; i++) s += cn[i] * gcn[i];
            return s;
        }
    }

    static Result run(RecurrentConfig cf, Map<String, double[]> p, double[] x, int T, int B, int[] lengths,
                      double[] h0, double[] c0) {
        final int H = cf.hidden(), D = cf.directions(), L = cf.layers();
        final boolean lstm = cf.cell() == CellKind.LSTM;
        double[] in = x;
        double[] hn = new double[L * D * B * H], cn = new double[L * D * B * H];
        double[] out = null;
        for (int l = 0; l < L; l++) {
            int I = cf.layerInput(l);
            out = new double[T * B * D * H];
            for (int d = 0; d < D; d++) {
                String sfx = "_l" + l + (d == 1 ? "_reverse" : "");
                double[] wih = p.get("weight_ih" + sfx), whh = p.get("weight_hh" + sfx);
                double[] bih = cf.bias() ? p.get("bias_ih" + sfx) : null, bhh = cf.bias() ? p.get("bias_hh" + sfx) : null;
                int k = l * D + d;
                for (int b = 0; b < B; b++) {
                    double[] h = new double[H], c = new double[H];
                    if (h0 != null) System.arraycopy(h0, (k * B + b) * H, h, 0, H);
                    if (c0 != null) System.arraycopy(c0, (k * B + b) * H, c, 0, H);
                    int len = lengths == null ? T : lengths[b];
                    for (int s = 0; s < len; s++) {
                        int t = d == 1 ? len - 1 - s : s;
                        double[] xt = new double[I];
                        System.arraycopy(in, (t * B + b) * I, xt, 0, I);
                        double[] a = affine(wih, bih, xt, cf.gateRows(), I);
                        switch (cf.cell()) {
                            case GRU -> h = gru(cf, whh, bhh, a, h, H);
                            case LSTM -> {
                                double[] u = affine(whh, bhh, h, 4 * H, H);
                                for (int j = 0; j < H; j++) {
                                    double ig = sig(a[j] + u[j]), fg = sig(a[H + j] + u[H + j]);
                                    double gg = Math.tanh(a[2 * H + j] + u[2 * H + j]), og = sig(a[3 * H + j] + u[3 * H + j]);
                                    c[j] = fg * c[j] + ig * gg;
                                    h[j] = og * Math.tanh(c[j]);
                                }
                            }
                            case RNN_TANH, RNN_RELU -> {
                                double[] u = affine(whh, bhh, h, H, H);
                                for (int j = 0; j < H; j++) {
                                    double v = a[j] + u[j];
                                    h[j] = cf.cell() == CellKind.RNN_RELU ? Math.max(0, v) : Math.tanh(v);
                                }
                            }
                        }
                        System.arraycopy(h, 0, out, (t * B + b) * D * H + d * H, H);
                    }
                    System.arraycopy(h, 0, hn, (k * B + b) * H, H);
                    System.arraycopy(c, 0, cn, (k * B + b) * H, H);
                }
            }
            in = out;
        }
        return new Result(out, hn, lstm ? cn : null);
    }

    private static double[] gru(RecurrentConfig cf, double[] whh, double[] bhh, double[] a, double[] h, int H) {
        double[] u = affine(whh, bhh, h, 3 * H, H);
        double[] r = new double[H], z = new double[H], n = new double[H];
        for (int j = 0; j < H; j++) {
            r[j] = sig(a[j] + u[j]);
            z[j] = sig(a[H + j] + u[H + j]);
        }
        if (cf.resetAfter()) {
            for (int j = 0; j < H; j++) n[j] = Math.tanh(a[2 * H + j] + r[j] * u[2 * H + j]);
        } else {
            for (int j = 0; j < H; j++) {
                double v = a[2 * H + j] + (bhh == null ? 0 : bhh[2 * H + j]);
                for (int q = 0; q < H; q++) v += whh[(2 * H + j) * H + q] * r[q] * h[q];
                n[j] = Math.tanh(v);
            }
        }
        double[] out = new double[H];
        for (int j = 0; j < H; j++) {
            out[j] = cf.zKeepsState() ? (1 - z[j]) * n[j] + z[j] * h[j] : (1 - z[j]) * h[j] + z[j] * n[j];
        }
        return out;
    }

    /** W v + b, W (rows, cols) row-major. */
    private static double[] affine(double[] w, double[] b, double[] v, int rows, int cols) {
        double[] o = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = b == null ? 0 : b[i];
            for (int j = 0; j < cols; j++) s += w[i * cols + j] * v[j];
            o[i] = s;
        }
        return o;
    }

    private static double sig(double a) {
        return 1 / (1 + Math.exp(-a));
    }
}
