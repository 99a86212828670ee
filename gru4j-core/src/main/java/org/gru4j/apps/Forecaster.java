package org.gru4j.apps;

import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Adam;
import org.gru4j.train.Example;
import org.gru4j.train.Init;
import org.gru4j.train.MeanSquaredError;
import org.gru4j.train.Progress;
import org.gru4j.train.Rng;
import org.gru4j.train.Schedule;
import org.gru4j.train.TrainConfig;
import org.gru4j.train.Trainer;

import java.util.ArrayList;
import java.util.List;

/**
 * A GRU forecaster of one series, K steps at once (direct multi-step: a last-step head with K outputs), an ensemble
 * of a few seeds averaged.
 *
 * <p>Legend: y the series, n its length, K the horizon, S the season, W the window (lagged values seen per forecast).
 * <pre>
 * u_t = log y_t  (when the series is positive and the log forecasts better on a validation split) or y_t
 * μ, σ = mean and standard deviation of u over the training series
 * input at step i of the window ending at t:  ((u_{t−W+1+i} − u_t)/σ, (u_{t−W+1+i} − μ)/σ)    (level-relative, absolute)
 * target h = 1..K:                            (u_{t+h} − u_t)/σ
 * ŷ_{t+h} = inverse(u_t + σ · mean over seeds of GRU_h(window))
 * </pre>
 * The log is decided by a validation split carved from the end of the training series (its last K points): both
 * variants are trained on the rest and the one with the lower MAE there is kept.
 */
public final class Forecaster {
    /**
     * How the ensemble forecasts and is trained.
     *
     * @param horizon K, steps forecast at once
     * @param season  S, the seasonal-naive baseline's lag (1: naive)
     * @param window  W lagged values per forecast; 0 picks max(2S, 2K), at most half of what the series leaves
     * @param hidden  GRU hidden size
     * @param epochs  passes over the windows per model
     * @param seeds   models averaged
     * @param seed    the first model's seed (the others follow from it)
     * @param lr      Adam's learning rate (cosine-annealed to a tenth)
     * @param log     true/false to force the log transform; null decides on the validation split
     */
    public record Config(int horizon, int season, int window, int hidden, int epochs, int seeds, long seed, double lr,
                         Boolean log) {
        /**
         * Checks the ranges.
         *
         * @throws IllegalArgumentException naming the setting that is out of range
         */
        public Config {
            if (horizon < 1) throw new IllegalArgumentException("horizon must be ≥ 1, got " + horizon);
            if (season < 1) throw new IllegalArgumentException("season must be ≥ 1, got " + season);
            if (window < 0 || window == 1) throw new IllegalArgumentException("window must be ≥ 2 (or 0: automatic), got " + window);
            if (hidden < 1 || epochs < 1 || seeds < 1) throw new IllegalArgumentException("hidden, epochs and seeds must be ≥ 1");
        }

        /**
         * The defaults for a horizon and a season: an automatic window, hidden 32, 150 epochs, 5 seeds from 1, lr 5e-3,
         * the log decided on the validation split.
         *
         * @param horizon K
         * @param season S
         * @return the configuration
         */
        public static Config defaults(int horizon, int season) {
            return new Config(horizon, season, 0, 32, 150, 5, 1, 5e-3, null);
        }

        /**
         * The same with another window.
         *
         * @param w W, or 0 for automatic
         * @return the configuration
         */
        public Config withWindow(int w) {
            return new Config(horizon, season, w, hidden, epochs, seeds, seed, lr, log);
        }

        /**
         * The same with other training settings.
         *
         * @param hidden GRU hidden size
         * @param epochs passes over the windows per model
         * @param seeds models averaged
         * @param seed the first model's seed
         * @return the configuration
         */
        public Config withTraining(int hidden, int epochs, int seeds, long seed) {
            return new Config(horizon, season, window, hidden, epochs, seeds, seed, lr, log);
        }

        /**
         * The same with the log transform forced on or off (null: decided on the validation split).
         *
         * @param l the choice
         * @return the configuration
         */
        public Config withLog(Boolean l) {
            return new Config(horizon, season, window, hidden, epochs, seeds, seed, lr, l);
        }
    }

    /**
     * The backtest on the last K points: truth, both forecasts and their errors (MASE scaled on the training part).
     *
     * @param truth the last K values of the series
     * @param gru the GRU ensemble's forecast of them
     * @param naive seasonal naive's forecast of them
     * @param maeGru the GRU's mean absolute error
     * @param rmseGru the GRU's root mean squared error
     * @param maseGru the GRU's mean absolute scaled error
     * @param maeNaive seasonal naive's mean absolute error
     * @param rmseNaive seasonal naive's root mean squared error
     * @param maseNaive seasonal naive's mean absolute scaled error
     * @param scale MASE's scale: the in-sample seasonal-naive MAE of the training part
     * @param model the ensemble trained on the training part
     */
    public record Backtest(double[] truth, double[] gru, double[] naive, double maeGru, double rmseGru, double maseGru,
                           double maeNaive, double rmseNaive, double maseNaive, double scale, Forecaster model) {}

    /** How this ensemble was made. */
    public final Config config;
    /** Whether the models forecast log y. */
    public final boolean log;
    /** W, lagged values per forecast. */
    public final int window;
    /** How the log was chosen, e.g. "log: validation MAE 10.2 vs 15.3 without". */
    public final String decision;
    private final double mu, sigma;
    private final List<SequenceModel> models = new ArrayList<>();

    private Forecaster(Config config, boolean log, int window, String decision, double mu, double sigma) {
        this.config = config;
        this.log = log;
        this.window = window;
        this.decision = decision;
        this.mu = mu;
        this.sigma = sigma;
    }

    /**
     * Trains on y[0, n−K), forecasts y[n−K, n) with the GRU and with seasonal naive, and scores both.
     *
     * @param y the series
     * @param c the configuration
     * @param progress where training reports
     * @return the forecasts and their errors
     */
    public static Backtest backtest(double[] y, Config c, Progress progress) {
        int n = y.length, K = c.horizon();
        double[] train = java.util.Arrays.copyOf(y, n - K), truth = java.util.Arrays.copyOfRange(y, n - K, n);
        Forecaster f = fit(train, c, progress);
        double[] gru = f.forecast(train), naive = seasonalNaive(train, c.season(), K);
        double q = Metrics.naiveScale(train, train.length, c.season());
        double mg = Metrics.mae(truth, gru), mn = Metrics.mae(truth, naive);
        return new Backtest(truth, gru, naive, mg, Metrics.rmse(truth, gru), mg / q, mn, Metrics.rmse(truth, naive), mn / q, q, f);
    }

    /**
     * ŷ_{n+h} = y_{n−S+((h−1) mod S)}, h = 1..K: the last season repeated.
     *
     * @param y the series
     * @param season S
     * @param horizon K
     * @return the K forecasts
     */
    public static double[] seasonalNaive(double[] y, int season, int horizon) {
        int n = y.length;
        if (n < season) throw new IllegalArgumentException("seasonal naive needs at least " + season + " points, got " + n);
        double[] f = new double[horizon];
        for (int h = 1; h <= horizon; h++) f[h - 1] = y[n - season + (h - 1) % season];
        return f;
    }

    /**
     * Trains the ensemble on the whole series y (no gaps: see {@link Gaps}).
     *
     * @param y the series
     * @param c the configuration
     * @param progress where training reports
     * @return the ensemble
     */
    public static Forecaster fit(double[] y, Config c, Progress progress) {
        int K = c.horizon();
        for (int t = 0; t < y.length; t++) {
            if (!Double.isFinite(y[t])) throw new IllegalArgumentException("series value " + t + " is " + y[t] + " (fill gaps first)");
        }
        boolean positive = true;
        for (double v : y) positive &= v > 0;
        boolean useLog;
        String decision;
        int W = c.window() > 0 ? c.window() : Math.max(2 * c.season(), 2 * K);
        if (c.log() != null || !positive) {
            useLog = c.log() != null && c.log();
            if (useLog && !positive) throw new IllegalArgumentException("the log transform needs a positive series");
            decision = c.log() != null ? (useLog ? "log: forced" : "no log: forced") : "no log: the series is not positive";
        } else {
            // validation: the last K points of the training series, forecast from the rest, with and without the log
            int m = y.length - K;
            double[] head = java.util.Arrays.copyOf(y, m), tail = java.util.Arrays.copyOfRange(y, m, y.length);
            int Wv = Math.min(W, maxWindow(m, K));
            Progress part = scaled(progress, 0, 3);
            double plain = Metrics.mae(tail, train(head, c, false, Wv, "", part).forecast(head));
            double logged = Metrics.mae(tail, train(head, c, true, Wv, "", scaled(progress, 1, 3)).forecast(head));
            useLog = logged < plain;
            decision = String.format(java.util.Locale.ROOT, "%s: validation MAE on the training part's last %d points %.4g with the log, %.4g without",
                    useLog ? "log" : "no log", K, logged, plain);
            progress = scaled(progress, 2, 3);
        }
        return train(y, c, useLog, Math.min(W, maxWindow(y.length, K)), decision, progress);
    }

    /** Windows per batch for a series of that many training windows. */
    static int batch(int windows) {
        return windows > 2048 ? 32 : 16;
    }

    /** Steps per model: the epochs' steps, at most WINDOW_BUDGET windows' worth. */
    static long steps(int windows, int epochs) {
        int b = batch(windows);
        return Math.min((long) epochs * ((windows + b - 1) / b), (WINDOW_BUDGET + b - 1) / b);
    }

    /**
     * A new ensemble of this one's kind (its log choice and decision, its window or less) trained on y, e.g. the
     * whole series after a backtest on its training part: the log is not decided again.
     *
     * @param y the series
     * @param progress where training reports
     * @return the new ensemble
     */
    public Forecaster refit(double[] y, Progress progress) {
        for (int t = 0; t < y.length; t++) {
            if (!Double.isFinite(y[t])) throw new IllegalArgumentException("series value " + t + " is " + y[t] + " (fill gaps first)");
        }
        if (log) {
            for (int t = 0; t < y.length; t++) {
                if (!(y[t] > 0)) throw new IllegalArgumentException("the log transform needs a positive series (value " + t + " is " + y[t] + ")");
            }
        }
        int W = config.window() > 0 ? config.window() : Math.max(2 * config.season(), 2 * config.horizon());
        return train(y, config, log, Math.min(W, maxWindow(y.length, config.horizon())), decision, progress);
    }

    /** The window the series leaves room for: at most half of the n − K windows' span, at least 2. */
    private static int maxWindow(int n, int K) {
        int w = (n - K) / 2;
        if (w < 2) throw new IllegalArgumentException("a series of " + n + " points is too short for a horizon of " + K);
        return w;
    }

    private static Forecaster train(double[] y, Config c, boolean log, int W, String decision, Progress progress) {
        final int n = y.length, K = c.horizon();
        double[] u = new double[n];
        for (int t = 0; t < n; t++) u[t] = log ? Math.log(y[t]) : y[t];
        double mu = 0, var = 0;
        for (double v : u) mu += v;
        mu /= n;
        for (double v : u) var += (v - mu) * (v - mu);
        double sigma = Math.sqrt(var / n);
        if (!(sigma > 0)) sigma = 1;
        Forecaster f = new Forecaster(c, log, W, decision, mu, sigma);
        List<Example> examples = new ArrayList<>();
        for (int t = W - 1; t + K < n; t++) {
            Tensor target = Tensor.zeros(K);
            for (int h = 1; h <= K; h++) target.data[h - 1] = (float) ((u[t + h] - u[t]) / sigma);
            examples.add(new Example(f.input(u, t + 1), target));
        }
        // A short series is trained for its epochs; a long one on a sample of its windows: each model sees at most
        // WINDOW_BUDGET windows (each epoch's order is shuffled, so the steps taken draw windows from the whole series),
        // in batches of 16 windows, 32 once the windows are many (fewer, fuller steps on the same cores).
        int batch = batch(examples.size());
        long steps = steps(examples.size(), c.epochs());
        SequenceModel[] trained = new SequenceModel[c.seeds()];
        java.util.function.IntFunction<Progress> perSeed = combined(progress, c.seeds());
        // the seeds are independent: they train side by side on the cores (each model on one thread: the same result
        // as one after the other)
        int parts = Math.max(1, Math.min(c.seeds(), org.gru4j.kernel.Parallel.available()));
        org.gru4j.kernel.Parallel.run(parts, part -> {
            for (int k = part; k < c.seeds(); k += parts) {
                long seed = c.seed() + 1_000_003L * k;
                SequenceModel m = new SequenceModel(SequenceModelConfig.seqToOne(CellKind.GRU, 2, c.hidden(), 1, K));
                Init.PYTORCH.apply(m, new Rng(seed));
                TrainConfig tc = TrainConfig.defaults(c.lr()).withEpochs(c.epochs()).withMaxSteps(steps).withBatchSize(batch).withSeed(seed)
                        .withSchedule(new Schedule.Cosine(c.lr(), steps, c.lr() / 10)).withReportEvery(50);
                new Trainer(m, Adam.adam(m.parameterCount()), new MeanSquaredError(), tc, perSeed.apply(k)).fit(examples);
                trained[k] = m;
            }
        });
        f.models.addAll(List.of(trained));
        return f;
    }

    /** The window ending just before index end of u (already transformed), as (W, 2) features. */
    private Tensor input(double[] u, int end) {
        Tensor x = Tensor.zeros(window, 2);
        double last = u[end - 1];
        for (int i = 0; i < window; i++) {
            double v = u[end - window + i];
            x.data[2 * i] = (float) ((v - last) / sigma);
            x.data[2 * i + 1] = (float) ((v - mu) / sigma);
        }
        return x;
    }

    /**
     * The K values after the end of history (at least W points, no gaps).
     *
     * @param history the series so far
     * @return the K forecasts
     */
    public double[] forecast(double[] history) {
        int n = history.length, K = config.horizon();
        if (n < window) throw new IllegalArgumentException("forecast needs at least " + window + " points of history, got " + n);
        double[] u = new double[n];
        for (int t = 0; t < n; t++) u[t] = log ? Math.log(history[t]) : history[t];
        Tensor x = input(u, n).reshape(window, 1, 2);
        double[] mean = new double[K];
        for (SequenceModel m : models) {
            float[] out = m.forward(x).logits().data;      // (1, K)
            for (int h = 0; h < K; h++) mean[h] += out[h] / (double) models.size();
        }
        double[] f = new double[K];
        for (int h = 0; h < K; h++) {
            double v = u[n - 1] + sigma * mean[h];
            f[h] = log ? Math.exp(v) : v;
        }
        return f;
    }

    /**
     * Windows one model sees at most (epochs × windows when that is fewer): a long series is trained on a sample of
     * its windows. 40,000 leaves the shipped series (at most 35,000 at 150 epochs) their full epochs and bounds a
     * 20-year daily series to about 5.5 passes.
     */
    static final long WINDOW_BUDGET = 40_000;

    /**
     * The seeds' progress as one run: seed k's callback is apply(k); the bar sees the steps of all seeds, done and to
     * do (the seeds take the same number of steps), at the seeds' summed rate. Safe to call from the seeds' threads.
     */
    private static java.util.function.IntFunction<Progress> combined(Progress p, int seeds) {
        if (p == Progress.SILENT) return k -> Progress.SILENT;
        long[] steps = new long[seeds];
        double[] rate = new double[seeds];
        boolean[] done = new boolean[seeds];
        return k -> e -> {
            synchronized (steps) {
                long perSeed = Math.max(1, e.totalSteps());
                steps[k] = e.done() ? perSeed : Math.min(perSeed, e.step());
                rate[k] = e.stepsPerSecond();
                done[k] |= e.done();
                long sum = 0;
                double running = 0;
                boolean all = true;
                for (int i = 0; i < seeds; i++) {
                    sum += done[i] ? perSeed : steps[i];
                    if (!done[i]) running += rate[i];
                    all &= done[i];
                }
                long total = perSeed * seeds;
                double eta = running > 0 ? (total - sum) / running : 0;
                p.report(new Progress.Event(sum, total, e.epoch(), e.loss(), e.gradNorm(), e.lr(), running, eta,
                        e.validationLoss(), null, all));
            }
        };
    }

    /**
     * Progress of part k of parts (the runs a fit makes one after the other) as one run: steps k·T + s of parts·T,
     * T this part's steps.
     */
    static Progress scaled(Progress p, int k, int parts) {
        if (p == Progress.SILENT) return p;
        return e -> {
            long perPart = Math.max(1, e.totalSteps());
            long step = k * perPart + Math.min(perPart, e.step());
            double eta = e.etaSeconds() + (parts - 1 - k) * (e.stepsPerSecond() > 0 ? perPart / e.stepsPerSecond() : 0);
            p.report(new Progress.Event(step, perPart * parts, e.epoch(), e.loss(), e.gradNorm(), e.lr(),
                    e.stepsPerSecond(), eta, e.validationLoss(), e.message(), e.done() && k == parts - 1));
        };
    }
}
