package org.gru4j.apps;

import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Adam;
import org.gru4j.train.CrossEntropy;
import org.gru4j.train.Example;
import org.gru4j.train.Init;
import org.gru4j.train.Progress;
import org.gru4j.train.Rng;
import org.gru4j.train.Schedule;
import org.gru4j.train.TrainConfig;
import org.gru4j.train.Trainer;

import java.util.ArrayList;
import java.util.List;

/**
 * A GRU sequence classifier of fixed-length rows: each row's F features are read as T steps of F/T features (row-major:
 * step t holds features t·F/T … (t+1)·F/T − 1), the last hidden state feeds a linear head over the classes.
 * <pre>
 * x_{t,i} = (row[t·I + i] − μ_{t·I+i}) / σ_{t·I+i}      per-feature standardisation on the training rows (I = F/T)
 * logits = W h_T + b ;  class = argmax logits ;  trained with cross-entropy, Adam, cosine-annealed learning rate
 * </pre>
 * Missing features (NaN) are the training mean (0 after standardisation).
 */
public final class SequenceClassifier {
    /**
     * How the classifier is trained.
     *
     * @param steps  T, steps each row is cut into (must divide the feature count)
     * @param hidden GRU hidden size
     * @param epochs passes over the training rows
     * @param batch  rows per step
     * @param lr     Adam's learning rate (cosine-annealed to a tenth)
     * @param seed   initialisation and order
     */
    public record Config(int steps, int hidden, int epochs, int batch, double lr, long seed) {
        /**
         * Checks the ranges.
         *
         * @throws IllegalArgumentException when a size is below 1
         */
        public Config {
            if (steps < 1 || hidden < 1 || epochs < 1 || batch < 1) throw new IllegalArgumentException("steps, hidden, epochs and batch must be ≥ 1");
        }

        /**
         * The defaults for a step count: hidden 64, 30 epochs, batch 32, lr 5e-3, seed 1.
         *
         * @param steps T
         * @return the configuration
         */
        public static Config defaults(int steps) {
            return new Config(steps, 64, 30, 32, 5e-3, 1);
        }

        /**
         * The same with other training settings.
         *
         * @param hidden GRU hidden size
         * @param epochs passes over the training rows
         * @param seed initialisation and order
         * @return the configuration
         */
        public Config withTraining(int hidden, int epochs, long seed) {
            return new Config(steps, hidden, epochs, batch, lr, seed);
        }
    }

    /** How this classifier was trained. */
    public final Config config;
    /** The number of classes. */
    public final int classes;
    private final SequenceModel model;
    private final double[] mean, scale;

    private SequenceClassifier(Config config, int classes, SequenceModel model, double[] mean, double[] scale) {
        this.config = config;
        this.classes = classes;
        this.model = model;
        this.mean = mean;
        this.scale = scale;
    }

    /**
     * Trains on rows (N, F) with labels in 0..classes−1.
     *
     * @param rows the rows (N, F)
     * @param labels their classes
     * @param classes the number of classes
     * @param c the configuration
     * @param progress where training reports
     * @return the classifier
     */
    public static SequenceClassifier train(double[][] rows, int[] labels, int classes, Config c, Progress progress) {
        int N = rows.length;
        if (N == 0) throw new IllegalArgumentException("no training rows");
        int F = rows[0].length, T = c.steps();
        if (F % T != 0) throw new IllegalArgumentException(F + " features cannot be cut into " + T + " equal steps");
        double[] mean = new double[F], scale = new double[F];
        for (int f = 0; f < F; f++) {
            double s = 0, q = 0;
            int n = 0;
            for (double[] r : rows) {
                if (Double.isNaN(r[f])) continue;
                s += r[f];
                q += r[f] * r[f];
                n++;
            }
            mean[f] = n > 0 ? s / n : 0;
            double var = n > 0 ? q / n - mean[f] * mean[f] : 0;
            scale[f] = var > 1e-12 ? Math.sqrt(var) : 1;
        }
        SequenceModel model = new SequenceModel(SequenceModelConfig.seqToOne(CellKind.GRU, F / T, c.hidden(), 1, classes));
        Init.PYTORCH.apply(model, new Rng(c.seed()));
        SequenceClassifier sc = new SequenceClassifier(c, classes, model, mean, scale);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            if (labels[i] < 0 || labels[i] >= classes) throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is not in 0.." + (classes - 1));
            examples.add(new Example(sc.input(rows[i]), new Tensor(new int[]{1}, new float[]{labels[i]})));
        }
        long steps = (long) c.epochs() * ((N + c.batch() - 1) / c.batch());
        TrainConfig tc = TrainConfig.defaults(c.lr()).withEpochs(c.epochs()).withBatchSize(c.batch()).withSeed(c.seed())
                .withSchedule(new Schedule.Cosine(c.lr(), steps, c.lr() / 10)).withReportEvery(20);
        new Trainer(model, Adam.adam(model.parameterCount()), new CrossEntropy(CrossEntropy.IGNORE_INDEX), tc, progress).fit(examples);
        return sc;
    }

    /** A row as (T, F/T) standardised steps. */
    private Tensor input(double[] row) {
        int F = mean.length, T = config.steps();
        if (row.length != F) throw new IllegalArgumentException("a row has " + row.length + " features, the classifier takes " + F);
        Tensor x = Tensor.zeros(T, F / T);
        for (int f = 0; f < F; f++) x.data[f] = Double.isNaN(row[f]) ? 0f : (float) ((row[f] - mean[f]) / scale[f]);
        return x;
    }

    /**
     * The most likely class of each row.
     *
     * @param rows the rows (N, F)
     * @return their classes
     */
    public int[] predict(double[][] rows) {
        int N = rows.length, F = mean.length, T = config.steps(), I = F / T;
        int[] out = new int[N];
        for (int from = 0; from < N; from += 256) {
            int B = Math.min(256, N - from);
            Tensor x = Tensor.zeros(T, B, I);        // x is (T,B,I)
            for (int b = 0; b < B; b++) {
                float[] steps = input(rows[from + b]).data;
                for (int t = 0; t < T; t++) System.arraycopy(steps, t * I, x.data, (t * B + b) * I, I);
            }
            float[] logits = model.forward(x).logits().data;     // (B, classes)
            for (int b = 0; b < B; b++) {
                int best = 0;
                for (int k = 1; k < classes; k++) if (logits[b * classes + k] > logits[b * classes + best]) best = k;
                out[from + b] = best;
            }
        }
        return out;
    }

    /**
     * A seeded split stratified by class: in each class, ⌊fraction·n_c⌉ rows (at least one when the class has two or more)
     * drawn at random go to the test set. Returns {train indices, test indices}, each ascending.
     *
     * @param labels the classes of the rows
     * @param testFraction the share that goes to the test set
     * @param seed the draw's seed
     * @return the train and test indices
     */
    public static int[][] stratifiedSplit(int[] labels, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        int classes = 0;
        for (int l : labels) classes = Math.max(classes, l + 1);
        boolean[] test = new boolean[labels.length];
        Rng rng = new Rng(seed);
        for (int k = 0; k < classes; k++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) if (labels[i] == k) members.add(i);
            int n = members.size(), nTest = (int) Math.round(testFraction * n);
            if (n >= 2) nTest = Math.max(1, Math.min(n - 1, nTest));
            else nTest = 0;
            int[] p = rng.permutation(n);
            for (int j = 0; j < nTest; j++) test[members.get(p[j])] = true;
        }
        int nt = 0;
        for (boolean b : test) if (b) nt++;
        int[] tr = new int[labels.length - nt], te = new int[nt];
        for (int i = 0, a = 0, b = 0; i < labels.length; i++) {
            if (test[i]) te[b++] = i;
            else tr[a++] = i;
        }
        return new int[][]{tr, te};
    }

    /**
     * counts[true][predicted].
     *
     * @param truth the true classes
     * @param predicted the predicted ones
     * @param classes the number of classes
     * @return the counts
     */
    public static int[][] confusion(int[] truth, int[] predicted, int classes) {
        int[][] m = new int[classes][classes];
        for (int i = 0; i < truth.length; i++) m[truth[i]][predicted[i]]++;
        return m;
    }
}
