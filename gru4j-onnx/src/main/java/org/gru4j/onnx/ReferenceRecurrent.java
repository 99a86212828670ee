package org.gru4j.onnx;

/**
 * The ONNX GRU, LSTM and RNN operators written out step by step, in double, in ONNX's own gate order: the path for
 * what {@link org.gru4j.nn.Recurrent} does not express (clip, other activations, peepholes, input_forget).
 * Equations (f, g, h the node's activations; clip(v) = min(max(v, −clip), clip) on the input of every gate's activation,
 * not on the cell state that h reads: ONNX Runtime's reading of the spec, checked against it in OrtAgreementTest):
 * <pre>
 * GRU   z = f(W_z x + R_z H + Wb_z + Rb_z)          r = f(W_r x + R_r H + Wb_r + Rb_r)
 *       ĥ = g(W_h x + R_h (r ⊙ H) + Rb_h + Wb_h)     linear_before_reset = 0
 *       ĥ = g(W_h x + r ⊙ (R_h H + Rb_h) + Wb_h)     linear_before_reset = 1
 *       H' = (1 − z) ⊙ ĥ + z ⊙ H
 * LSTM  i = f(W_i x + R_i H + P_i ⊙ C + Wb_i + Rb_i)    f = f(W_f x + R_f H + P_f ⊙ C + Wb_f + Rb_f)   (1 − i with input_forget)
 *       c = g(W_c x + R_c H + Wb_c + Rb_c)           C' = f ⊙ C + i ⊙ c
 *       o = f(W_o x + R_o H + P_o ⊙ C' + Wb_o + Rb_o)  H' = o ⊙ h(C')
 * RNN   H' = f(W_i x + R_i H + Wb_i + Rb_i)
 * </pre>
 * Sequence b runs over its first lengths[b] steps (the reverse direction from step lengths[b]−1 down); outputs past
 * them are zero, the final state is the last valid step's, or zero when lengths[b] = 0 (as ONNX Runtime).
 * Shapes: x (T,B,I) time-major, w (D,G·H,I), r (D,G·H,H), bias (D,2·G·H) or null, peep (D,3H) or null,
 * h0/c0 (D,B,H) or null; returns y (T,D,B,H), yh and yc (D,B,H).
 */
final class ReferenceRecurrent {
    private ReferenceRecurrent() {}

    /** An activation function with its alpha and beta (used by Affine, LeakyRelu, HardSigmoid, …). */
    record Activation(String name, double alpha, double beta) {
        double apply(double v) {
            return switch (name) {
                case "Sigmoid" -> 1 / (1 + Math.exp(-v));
                case "Tanh" -> Math.tanh(v);
                case "Relu" -> Math.max(0, v);
                case "Affine" -> alpha * v + beta;
                case "LeakyRelu" -> v >= 0 ? v : alpha * v;
                case "ThresholdedRelu" -> v >= alpha ? v : 0;
                case "ScaledTanh" -> alpha * Math.tanh(beta * v);
                case "HardSigmoid" -> Math.min(Math.max(alpha * v + beta, 0), 1);
                case "Elu" -> v >= 0 ? v : alpha * (Math.exp(v) - 1);
                case "Softsign" -> v / (1 + Math.abs(v));
                case "Softplus" -> Math.log1p(Math.exp(v));
                default -> throw new IllegalStateException(name);
            };
        }
    }

    record Result(float[] y, float[] yh, float[] yc) {}

    /**
     * @param gates  3 GRU, 4 LSTM, 1 RNN
     * @param acts   per direction: [f, g] GRU, [f, g, h] LSTM, [f] RNN
     */
    static Result run(int gates, int T, int B, int I, int H, int D, boolean[] reverse, float[] x, float[] w, float[] r,
                      float[] bias, float[] peep, float[] h0, float[] c0, int[] lengths, Activation[][] acts,
                      double clip, boolean linearBeforeReset, boolean inputForget) {
        final int G = gates * H;
        float[] y = new float[T * D * B * H], yh = new float[D * B * H], yc = gates == 4 ? new float[D * B * H] : null;
        double[] h = new double[H], c = new double[H], hNew = new double[H], pre = new double[G], rec = new double[G];
        for (int d = 0; d < D; d++) {
            final int wOff = d * G * I, rOff = d * G * H, bOff = d * 2 * G;
            Activation[] a = acts[d];
            for (int b = 0; b < B; b++) {
                final int len = lengths == null ? T : lengths[b];
                for (int j = 0; j < H; j++) {
                    h[j] = h0 == null ? 0 : h0[(d * B + b) * H + j];
                    c[j] = c0 == null ? 0 : c0[(d * B + b) * H + j];
                }
                for (int s = 0; s < len; s++) {
                    final int t = reverse[d] ? len - 1 - s : s;
                    // pre = W x + Wb ; rec = R H + Rb
                    for (int g = 0; g < G; g++) {
                        double v = bias == null ? 0 : bias[bOff + g];
                        for (int i = 0; i < I; i++) v += (double) w[wOff + g * I + i] * x[(t * B + b) * I + i];
                        pre[g] = v;
                        double u = bias == null ? 0 : bias[bOff + G + g];
                        for (int k = 0; k < H; k++) u += (double) r[rOff + g * H + k] * h[k];
                        rec[g] = u;
                    }
                    if (gates == 3) {
                        for (int j = 0; j < H; j++) {
                            double z = a[0].apply(clip(pre[j] + rec[j], clip));
                            double rr = a[0].apply(clip(pre[H + j] + rec[H + j], clip));
                            double cand;
                            if (linearBeforeReset) {
                                cand = pre[2 * H + j] + rr * rec[2 * H + j];
                            } else {
                                // R_h (r ⊙ H) + Rb_h, over the reset state of every unit k
                                double u = bias == null ? 0 : bias[bOff + G + 2 * H + j];
                                for (int k = 0; k < H; k++) {
                                    double rk = a[0].apply(clip(pre[H + k] + rec[H + k], clip));
                                    u += (double) r[rOff + (2 * H + j) * H + k] * rk * h[k];
                                }
                                cand = pre[2 * H + j] + u;
                            }
                            double hh = a[1].apply(clip(cand, clip));
                            hNew[j] = (1 - z) * hh + z * h[j];
                        }
                    } else if (gates == 4) {
                        for (int j = 0; j < H; j++) {
                            double pi = peep == null ? 0 : peep[d * 3 * H + j];
                            double po = peep == null ? 0 : peep[d * 3 * H + H + j];
                            double pf = peep == null ? 0 : peep[d * 3 * H + 2 * H + j];
                            double i = a[0].apply(clip(pre[j] + rec[j] + pi * c[j], clip));
                            double f = inputForget ? 1 - i : a[0].apply(clip(pre[2 * H + j] + rec[2 * H + j] + pf * c[j], clip));
                            double cc = a[1].apply(clip(pre[3 * H + j] + rec[3 * H + j], clip));
                            double cNew = f * c[j] + i * cc;
                            double o = a[0].apply(clip(pre[H + j] + rec[H + j] + po * cNew, clip));
                            c[j] = cNew;
                            hNew[j] = o * a[2].apply(cNew);   // C' itself is not clipped (ONNX Runtime)
                        }
                    } else {
                        for (int j = 0; j < H; j++) hNew[j] = a[0].apply(clip(pre[j] + rec[j], clip));
                    }
                    System.arraycopy(hNew, 0, h, 0, H);
                    for (int j = 0; j < H; j++) y[((t * D + d) * B + b) * H + j] = (float) h[j];
                }
                for (int j = 0; j < H; j++) {
                    yh[(d * B + b) * H + j] = len == 0 ? 0 : (float) h[j];
                    if (yc != null) yc[(d * B + b) * H + j] = len == 0 ? 0 : (float) c[j];
                }
            }
        }
        return new Result(y, yh, yc);
    }

    private static double clip(double v, double clip) {
        return v < -clip ? -clip : Math.min(v, clip);
    }
}
