package org.gru4j.speech;

import java.util.Arrays;

/**
 * Connectionist temporal classification loss (Graves et al. 2006) and its gradient with respect to the logits,
 * computed in log space by the forward–backward recursion, in double.
 *
 * <p>For one utterance with frames t &lt; T_b, class log-probabilities ln y_t = log_softmax(u_t) and target l of
 * length U, the extended label l' = (blank, l_1, blank, l_2, …, l_U, blank) has S = 2U+1 states, and
 * <pre>
 *   α_0(0) = ln y_0(blank),  α_0(1) = ln y_0(l_1)
 *   α_t(s) = ln y_t(l'_s) + lse(α_{t−1}(s), α_{t−1}(s−1), α_{t−1}(s−2) if l'_s ≠ blank and l'_s ≠ l'_{s−2})
 *   β_{T−1}(S−1) = β_{T−1}(S−2) = 0                (β excludes frame t's own emission)
 *   β_t(s) = lse over s' ∈ {s, s+1, s+2 if l'_{s+2} ≠ blank and l'_{s+2} ≠ l'_s} of ln y_{t+1}(l'_{s'}) + β_{t+1}(s')
 *   ln p(l|u) = lse(α_{T−1}(S−1), α_{T−1}(S−2)),   loss = −ln p
 *   ∂loss/∂u_t(k) = y_t(k) − Σ_{s: l'_s = k} exp(α_t(s) + β_t(s) − ln p)
 * </pre>
 * Reductions as torch.nn.functional.ctc_loss: MEAN divides each utterance's loss by max(U, 1) and averages over the
 * batch; SUM adds. An utterance no alignment can fit (T_b too short for its labels) has loss +∞ and, with
 * {@code zeroInfinity}, contributes 0 loss and 0 gradient instead (PyTorch's zero_infinity).
 */
public final class Ctc {
    /** How the utterances' losses are combined. */
    public enum Reduction {
        /** Each utterance's loss over max(U, 1), averaged over the batch: PyTorch's 'mean'. */
        MEAN,
        /** The sum of the utterances' losses. */
        SUM
    }

    /**
     * The loss of a batch and its gradient.
     *
     * @param loss the reduced loss
     * @param perUtterance −ln p(l_b | u_b) for each utterance (+∞ when infeasible)
     * @param grad ∂loss/∂logits, (T, B, C) like the logits; zero past each input length
     */
    public record Result(double loss, double[] perUtterance, float[] grad) {}

    private Ctc() {
    }

    /**
     * logits is (T, B, C) time-major; targets[b] holds utterance b's labels (none equal to {@code blank});
     * inputLengths[b] ≤ T frames of utterance b are used.
     *
     * @param logits (T, B, C)
     * @param t T
     * @param b B
     * @param c C
     * @param targets each utterance's labels
     * @param inputLengths each utterance's frames
     * @param blank the blank class
     * @param reduction MEAN or SUM
     * @param zeroInfinity an infeasible utterance contributes 0
     * @return the loss, each utterance's, and the gradient
     */
    public static Result loss(float[] logits, int t, int b, int c, int[][] targets, int[] inputLengths, int blank,
                              Reduction reduction, boolean zeroInfinity) {
        if (logits.length != (long) t * b * c) {
            throw new IllegalArgumentException("ctc: logits hold " + logits.length + " values, expected (T=" + t
                    + ", B=" + b + ", C=" + c + ")");
        }
        if (targets.length != b || inputLengths.length != b) {
            throw new IllegalArgumentException("ctc: " + targets.length + " targets and " + inputLengths.length
                    + " input lengths for a batch of " + b);
        }
        float[] grad = new float[logits.length];
        double[] per = new double[b];
        double total = 0;
        for (int u = 0; u < b; u++) {
            int tb = inputLengths[u];
            if (tb < 0 || tb > t) {
                throw new IllegalArgumentException("ctc: input length " + tb + " of utterance " + u + " outside 0.." + t);
            }
            for (int label : targets[u]) {
                if (label < 0 || label >= c || label == blank) {
                    throw new IllegalArgumentException("ctc: label " + label + " of utterance " + u
                            + " is the blank or outside 0.." + (c - 1));
                }
            }
            double scale = reduction == Reduction.MEAN ? 1.0 / (Math.max(targets[u].length, 1) * (double) b) : 1.0;
            per[u] = utterance(logits, u, b, c, tb, targets[u], blank, scale, grad);
            if (Double.isInfinite(per[u]) && zeroInfinity) {
                continue;
            }
            total += per[u] * scale;
        }
        return new Result(total, per, grad);
    }

    /** One utterance: returns −ln p and adds scale·∂(−ln p)/∂u into grad (unless infeasible). */
    private static double utterance(float[] logits, int u, int b, int c, int tb, int[] target, int blank,
                                    double scale, float[] grad) {
        int s = 2 * target.length + 1;
        int[] ext = new int[s];
        Arrays.fill(ext, blank);
        for (int i = 0; i < target.length; i++) {
            ext[2 * i + 1] = target[i];
        }
        if (tb == 0) {
            return target.length == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        // ln y for the frames, (tb, C)
        double[] logY = new double[tb * c];
        for (int f = 0; f < tb; f++) {
            int off = (f * b + u) * c;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) {
                max = Math.max(max, logits[off + k]);
            }
            double sum = 0;
            for (int k = 0; k < c; k++) {
                sum += Math.exp(logits[off + k] - max);
            }
            double lse = max + Math.log(sum);
            for (int k = 0; k < c; k++) {
                logY[f * c + k] = logits[off + k] - lse;
            }
        }
        double ninf = Double.NEGATIVE_INFINITY;
        double[] alpha = new double[tb * s], beta = new double[tb * s];
        Arrays.fill(alpha, ninf);
        Arrays.fill(beta, ninf);
        alpha[0] = logY[ext[0]];
        if (s > 1) {
            alpha[1] = logY[ext[1]];
        }
        for (int f = 1; f < tb; f++) {
            for (int i = 0; i < s; i++) {
                double a = alpha[(f - 1) * s + i];
                if (i > 0) {
                    a = lse(a, alpha[(f - 1) * s + i - 1]);
                }
                if (i > 1 && ext[i] != blank && ext[i] != ext[i - 2]) {
                    a = lse(a, alpha[(f - 1) * s + i - 2]);
                }
                alpha[f * s + i] = a + logY[f * c + ext[i]];
            }
        }
        int last = (tb - 1) * s;
        double logP = s > 1 ? lse(alpha[last + s - 1], alpha[last + s - 2]) : alpha[last];
        if (logP == ninf) {
            return Double.POSITIVE_INFINITY;
        }
        beta[last + s - 1] = 0;
        if (s > 1) {
            beta[last + s - 2] = 0;
        }
        for (int f = tb - 2; f >= 0; f--) {
            for (int i = 0; i < s; i++) {
                int next = (f + 1) * s;
                double v = beta[next + i] + logY[(f + 1) * c + ext[i]];
                if (i + 1 < s) {
                    v = lse(v, beta[next + i + 1] + logY[(f + 1) * c + ext[i + 1]]);
                }
                if (i + 2 < s && ext[i + 2] != blank && ext[i + 2] != ext[i]) {
                    v = lse(v, beta[next + i + 2] + logY[(f + 1) * c + ext[i + 2]]);
                }
                beta[f * s + i] = v;
            }
        }
        double[] occupancy = new double[c];
        for (int f = 0; f < tb; f++) {
            Arrays.fill(occupancy, 0);
            for (int i = 0; i < s; i++) {
                double v = alpha[f * s + i] + beta[f * s + i];
                if (v != ninf) {
                    occupancy[ext[i]] += Math.exp(v - logP);
                }
            }
            int off = (f * b + u) * c;
            for (int k = 0; k < c; k++) {
                grad[off + k] = (float) (scale * (Math.exp(logY[f * c + k]) - occupancy[k]));
            }
        }
        return -logP;
    }

    static double lse(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) return b;
        if (b == Double.NEGATIVE_INFINITY) return a;
        return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
    }
}
