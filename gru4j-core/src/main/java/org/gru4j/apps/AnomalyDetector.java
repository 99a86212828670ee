package org.gru4j.apps;

import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Adam;
import org.gru4j.train.Example;
import org.gru4j.train.Huber;
import org.gru4j.train.Init;
import org.gru4j.train.Progress;
import org.gru4j.train.Rng;
import org.gru4j.train.Schedule;
import org.gru4j.train.TrainConfig;
import org.gru4j.train.Trainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Unsupervised anomaly scores for multivariate readings from several sources (groups, e.g. sensor motes): a GRU
 * forecaster of the next reading, its state carried along each group's series, trained on the data itself; a row's
 * score is how far its reading is from the forecast, in units of that group's typical error.
 *
 * <p>Legend: G groups, C columns, x_{g,t,c} the t-th reading of group g (rows of a group in file order).
 * <pre>
 * z_{g,t,c} = (x_{g,t,c} − median_{g,c}) / (1.4826·MAD_{g,c})           robust per group/column standardisation
 * ẑ_{g,t+1} = GRU(z_{g,0..t})  (per-step head, C outputs; trained with truncated BPTT, one lane per group, Huber loss)
 * e_{g,t,c} = |z_{g,t,c} − ẑ_{g,t,c}| / median_t e_{g,·,c}               error normalised per group/column
 * score_{g,t} = max_c e_{g,t,c}      (0 for the warm-up, a group's first readings t &lt; warmup, whose forecast has
 *                                      little or no context yet, and for missing cells)
 * flag = ln score &gt; median(ln score) + k·1.4826·MAD(ln score)          threshold chosen without labels
 * </pre>
 * The threshold is taken on the log of the scores (rows scoring 0 left out): a score is a ratio of errors, positive
 * and right-skewed, and median + k·MAD assumes a roughly symmetric spread; k = 3 is Hampel's usual identifier.
 * Baseline: the rolling z-score |x_t − mean(x_{t−w..t−1})| / sd(x_{t−w..t−1}) per group/column, max over columns,
 * thresholded by the same rule and the same warm-up. Gaps (NaN) are interpolated within a group for the model's input.
 */
public final class AnomalyDetector {
    /**
     * How the model is trained and the threshold chosen.
     *
     * @param hidden  GRU hidden size
     * @param epochs  passes over the groups' series
     * @param chunk   steps per truncated-BPTT chunk
     * @param lr      Adam's learning rate (cosine-annealed to a tenth)
     * @param seed    initialisation and training order
     * @param k       threshold: median + k·1.4826·MAD of the log scores
     * @param zWindow w, the baseline's rolling window
     * @param warmup  each group's first readings left unscored (score 0, never flagged), for the GRU and the baseline
     */
    public record Config(int hidden, int epochs, int chunk, double lr, long seed, double k, int zWindow, int warmup) {
        /**
         * Checks the ranges.
         *
         * @throws IllegalArgumentException naming the setting that is out of range
         */
        public Config {
            if (warmup < 1) throw new IllegalArgumentException("warm-up must be ≥ 1 reading (the first has no forecast), got " + warmup);
            if (hidden < 1 || epochs < 1 || chunk < 2) throw new IllegalArgumentException("hidden, epochs must be ≥ 1 and chunk ≥ 2");
            if (!(k > 0)) throw new IllegalArgumentException("threshold k must be > 0, got " + k);
            if (zWindow < 2) throw new IllegalArgumentException("rolling window must be ≥ 2, got " + zWindow);
        }

        /**
         * The defaults: hidden 32, 8 epochs, chunks of 64, lr 5e-3, seed 1, k = 3, a window of 30, the default warm-up.
         *
         * @return the configuration
         */
        public static Config defaults() {
            return new Config(32, 8, 64, 5e-3, 1, 3, 30, DEFAULT_WARMUP);
        }

        /**
         * The same with other training settings.
         *
         * @param hidden GRU hidden size
         * @param epochs passes over the groups' series
         * @param seed initialisation and training order
         * @return the configuration
         */
        public Config withTraining(int hidden, int epochs, long seed) {
            return new Config(hidden, epochs, chunk, lr, seed, k, zWindow, warmup);
        }

        /**
         * The same with another threshold.
         *
         * @param k threshold: median + k·1.4826·MAD of the log scores
         * @return the configuration
         */
        public Config withThreshold(double k) {
            return new Config(hidden, epochs, chunk, lr, seed, k, zWindow, warmup);
        }
    }

    /**
     * Per row, in input order: the GRU score and flag and the baseline's.
     *
     * @param filled cells interpolated for the model's input
     * @param score the GRU's score of each row
     * @param flag whether the GRU flags it
     * @param threshold the GRU scores' threshold
     * @param baseline the rolling z-score of each row
     * @param baselineFlag whether the baseline flags it
     * @param baselineThreshold the baseline scores' threshold
     */
    public record Result(double[] score, boolean[] flag, double threshold, double[] baseline, boolean[] baselineFlag,
                         double baselineThreshold, int filled) {}

    /** Readings of each group not scored by default: the state needs a few readings before its forecast means much. */
    public static final int DEFAULT_WARMUP = 5;

    private AnomalyDetector() {}

    /**
     * Trains the forecaster on the readings and scores every row, with the baseline beside it.
     *
     * @param rows  (N, C) readings, NaN for a missing one
     * @param group the group of each row (any ints); a group's rows are in time order
     * @param c the configuration
     * @param progress where training reports
     * @return the scores and flags of both
     */
    public static Result score(double[][] rows, int[] group, Config c, Progress progress) {
        final int N = rows.length;
        if (N == 0) throw new IllegalArgumentException("no rows to score");
        if (group.length != N) throw new IllegalArgumentException(N + " rows but " + group.length + " group ids");
        final int C = rows[0].length;
        // the rows of each group, in order
        java.util.Map<Integer, List<Integer>> byGroup = new java.util.LinkedHashMap<>();
        for (int i = 0; i < N; i++) byGroup.computeIfAbsent(group[i], g -> new ArrayList<>()).add(i);
        List<int[]> members = new ArrayList<>();
        for (List<Integer> l : byGroup.values()) members.add(l.stream().mapToInt(Integer::intValue).toArray());

        // z: each group's standardised, gap-filled series (T_g, C)
        int filled = 0;
        List<double[][]> z = new ArrayList<>();
        List<boolean[][]> missing = new ArrayList<>();
        for (int[] m : members) {
            double[][] zg = new double[m.length][C];
            boolean[][] miss = new boolean[m.length][C];
            for (int col = 0; col < C; col++) {
                double[] v = new double[m.length];
                for (int t = 0; t < m.length; t++) {
                    v[t] = rows[m[t]][col];
                    miss[t][col] = Double.isNaN(v[t]);
                }
                filled += Gaps.interpolate(v, "group " + group[m[0]] + " column " + col);
                double med = Metrics.median(v), scale = 1.4826 * Metrics.mad(v);
                if (!(scale > 0)) scale = std(v) > 0 ? std(v) : 1;
                for (int t = 0; t < m.length; t++) zg[t][col] = (v[t] - med) / scale;
            }
            z.add(zg);
            missing.add(miss);
        }

        // one example per group: input z_{0..T−2}, target z_{1..T−1}
        List<Example> examples = new ArrayList<>();
        for (double[][] zg : z) {
            int T = zg.length - 1;
            if (T < 1) continue;
            Tensor in = Tensor.zeros(T, C), out = Tensor.zeros(T, C);
            for (int t = 0; t < T; t++) {
                for (int col = 0; col < C; col++) {
                    in.data[t * C + col] = (float) zg[t][col];
                    out.data[t * C + col] = (float) zg[t + 1][col];
                }
            }
            examples.add(new Example(in, out));
        }
        double[] score = new double[N];
        if (!examples.isEmpty()) {
            SequenceModel model = new SequenceModel(SequenceModelConfig.seqToSeq(CellKind.GRU, C, c.hidden(), 1, C));
            Init.PYTORCH.apply(model, new Rng(c.seed()));
            long chunks = 0;
            for (Example e : examples) chunks += (e.steps() + c.chunk() - 1) / c.chunk();
            int lanes = Math.min(examples.size(), 8);
            long steps = (long) c.epochs() * Math.max(1, chunks / lanes + 1);
            TrainConfig tc = TrainConfig.defaults(c.lr()).withEpochs(c.epochs()).withBatchSize(lanes).withBptt(c.chunk())
                    .withSeed(c.seed()).withSchedule(new Schedule.Cosine(c.lr(), steps, c.lr() / 10)).withReportEvery(20);
            new Trainer(model, Adam.adam(model.parameterCount()), new Huber(1.0), tc, progress).fit(examples);

            // forecast errors along each group's whole series, state carried from its first row
            for (int g = 0; g < members.size(); g++) {
                int[] m = members.get(g);
                double[][] zg = z.get(g);
                int T = m.length;
                if (T < 2) continue;
                Tensor x = Tensor.zeros(T - 1, 1, C);
                for (int t = 0; t < T - 1; t++) for (int col = 0; col < C; col++) x.data[t * C + col] = (float) zg[t][col];
                float[] pred = model.forward(x).logits().data;       // (T−1, 1, C): pred[t] forecasts z[t+1]
                double[][] e = new double[C][T - 1];
                for (int t = 1; t < T; t++) {
                    for (int col = 0; col < C; col++) e[col][t - 1] = Math.abs(zg[t][col] - pred[(t - 1) * C + col]);
                }
                combine(e, m, missing.get(g), c.warmup(), score);
            }
        }
        double thr = threshold(score, c.k());
        double[] base = rollingZ(rows, members, z, missing, c.zWindow(), c.warmup());
        double bthr = threshold(base, c.k());
        return new Result(score, flags(score, thr), thr, base, flags(base, bthr), bthr, filled);
    }

    /** score[m[t]] = max_c e[c][t−1] / median over the scored rows of e[c], over present cells (rows t ≥ warmup of a group). */
    private static void combine(double[][] e, int[] m, boolean[][] missing, int warmup, double[] score) {
        int C = e.length;
        if (m.length <= warmup) return;
        for (int col = 0; col < C; col++) {
            double typical = Metrics.median(Arrays.copyOfRange(e[col], warmup - 1, e[col].length));
            if (!(typical > 0)) typical = 1e-12;
            for (int t = warmup; t < m.length; t++) {
                if (missing[t][col]) continue;
                score[m[t]] = Math.max(score[m[t]], e[col][t - 1] / typical);
            }
        }
    }

    /** The baseline: max over columns of |x_t − mean| / sd over the previous w readings of the group (filled values). */
    private static double[] rollingZ(double[][] rows, List<int[]> members, List<double[][]> z, List<boolean[][]> missing, int w, int warmup) {
        double[] out = new double[rows.length];
        for (int g = 0; g < members.size(); g++) {
            int[] m = members.get(g);
            double[][] zg = z.get(g);          // z is an affine map of x per column: the z-score is the same on either
            int C = zg.length == 0 ? 0 : zg[0].length;
            for (int col = 0; col < C; col++) {
                double sum = 0, sq = 0;
                for (int t = 0; t < m.length; t++) {
                    double v = zg[t][col];
                    int n = Math.min(t, w);
                    if (n >= 2 && t >= warmup && !missing.get(g)[t][col]) {
                        double mean = sum / n, var = Math.max(0, sq / n - mean * mean);
                        double sd = Math.sqrt(var * n / (n - 1));
                        double s = Math.abs(v - mean) / Math.max(sd, 1e-6);
                        out[m[t]] = Math.max(out[m[t]], s);
                    }
                    sum += v;
                    sq += v * v;
                    if (t >= w) {
                        double old = zg[t - w][col];
                        sum -= old;
                        sq -= old * old;
                    }
                }
            }
        }
        return out;
    }

    /**
     * exp(median + k·1.4826·MAD) of the logs of the positive scores (∞ when none is positive).
     *
     * @param score the scores
     * @param k the multiple of the scaled MAD
     * @return the threshold
     */
    public static double threshold(double[] score, double k) {
        double[] logs = Arrays.stream(score).filter(v -> v > 0).map(Math::log).toArray();
        if (logs.length == 0) return Double.POSITIVE_INFINITY;
        return Math.exp(Metrics.median(logs) + k * 1.4826 * Metrics.mad(logs));
    }

    private static boolean[] flags(double[] score, double thr) {
        boolean[] f = new boolean[score.length];
        for (int i = 0; i < f.length; i++) f[i] = score[i] > thr;
        return f;
    }

    private static double std(double[] v) {
        double mean = Arrays.stream(v).average().orElse(0), s = 0;
        for (double x : v) s += (x - mean) * (x - mean);
        return Math.sqrt(s / v.length);
    }
}
