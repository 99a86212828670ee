package org.gru4j.apps;

import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Param;
import org.gru4j.train.Adam;
import org.gru4j.train.Batch;
import org.gru4j.train.Batches;
import org.gru4j.train.Clipping;
import org.gru4j.train.CrossEntropy;
import org.gru4j.train.Evaluation;
import org.gru4j.train.Example;
import org.gru4j.train.Init;
import org.gru4j.train.Loss;
import org.gru4j.train.MeanSquaredError;
import org.gru4j.train.Progress;
import org.gru4j.train.Rng;
import org.gru4j.train.TrainConfig;
import org.gru4j.train.Trainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The long-memory experiment: GRU vs LSTM vs plain tanh RNN, same hidden size, same optimizer (Adam, gradient
 * clipping by global norm) and the same budget (epochs × steps of fresh examples), on the adding problem
 * ({@link AddingProblem}, MSE, baseline 1/6) and the copy-memory task ({@link CopyMemory}, accuracy on the recalled
 * symbols, chance 1/K). Per run it records the parameters, the training seconds per epoch and the test metric after
 * every epoch; it writes the table as CSV and Markdown (the CLI adds one PNG of the curves per task and length).
 *
 * <p>Each epoch trains on freshly generated examples (the same ones for every cell: a function of seed, task, T and
 * epoch), each cell through its own {@link Trainer}; the test set is fixed per task and length. The cells take turns epoch by epoch, so that a shared machine's changing load falls on all of them alike.
 * The LSTM's forget-gate bias starts at 1 by default (Gers et al. 2000; Jozefowicz et al. 2015); everything else is
 * PyTorch's default initialisation.
 */
public final class LongMemory {
    /** Adding problem MSE below this counts as solved (the literature's threshold, ~6% of the baseline). */
    public static final double ADDING_SOLVED = 0.01;
    /** Copy accuracy at or above this counts as solved. */
    public static final double COPY_SOLVED = 0.95;

    /**
     * What to run.
     *
     * @param tasks          "adding" and/or "copy"
     * @param addingLengths  sequence lengths T for the adding problem
     * @param copyLengths    delays T for the copy task (each example is T + 2·symbols steps)
     * @param cells          the cells compared
     * @param hidden         hidden size, the same for every cell
     * @param epochs         epochs per run
     * @param steps          training steps (batches of fresh examples) per epoch (the CLI's --batches)
     * @param batch          examples per step
     * @param lr             Adam's learning rate (constant)
     * @param clip           maximum global gradient norm
     * @param testExamples   size of the fixed test set of each task and length
     * @param copySymbols    symbols S to remember in the copy task
     * @param copyCategories categories K of each symbol (chance accuracy 1/K)
     * @param forgetBias     the LSTM's initial forget-gate bias (1: Gers et al. 2000, Jozefowicz et al. 2015; 0: PyTorch's
     *                       U(±1/√H) draw is kept)
     * @param seed           seeds data, initialisation and shuffling: a run is a function of its settings
     * @param out            where the plots and tables go
     */
    public record Settings(List<String> tasks, List<Integer> addingLengths, List<Integer> copyLengths, List<CellKind> cells,
                           int hidden, int epochs, int steps, int batch, double lr, double clip, int testExamples,
                           int copySymbols, int copyCategories, double forgetBias, long seed, Path out) {
        /** Copies the lists. */
        public Settings {
            tasks = List.copyOf(tasks);
            addingLengths = List.copyOf(addingLengths);
            copyLengths = List.copyOf(copyLengths);
            cells = List.copyOf(cells);
            for (String t : tasks) if (!t.equals("adding") && !t.equals("copy")) throw new IllegalArgumentException("--tasks: unknown task '" + t + "' (adding, copy)");
            if (tasks.isEmpty()) throw new IllegalArgumentException("--tasks: no task");
            if (cells.isEmpty()) throw new IllegalArgumentException("--cell: no cell");
            for (int T : addingLengths) if (T < 2) throw new IllegalArgumentException("--lengths: the adding problem needs T ≥ 2, got " + T);
            for (int T : copyLengths) if (T < 1) throw new IllegalArgumentException("--lengths: the copy delay must be ≥ 1, got " + T);
            if (hidden < 1) throw new IllegalArgumentException("--hidden must be ≥ 1, got " + hidden);
            if (epochs < 1) throw new IllegalArgumentException("--epochs must be ≥ 1, got " + epochs);
            if (steps < 1) throw new IllegalArgumentException("--batches must be ≥ 1, got " + steps);
            if (batch < 1) throw new IllegalArgumentException("--batch must be ≥ 1, got " + batch);
            if (!(lr > 0)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
            if (!Double.isFinite(forgetBias)) throw new IllegalArgumentException("--forget-bias must be finite, got " + forgetBias);
            if (!(clip > 0)) throw new IllegalArgumentException("--clip must be > 0, got " + clip);
            if (testExamples < 1) throw new IllegalArgumentException("--test must be ≥ 1, got " + testExamples);
            if (copySymbols < 1) throw new IllegalArgumentException("--copy-symbols must be ≥ 1, got " + copySymbols);
            if (copyCategories < 2) throw new IllegalArgumentException("--copy-categories must be ≥ 2, got " + copyCategories);
        }

        /**
         * The full comparison's defaults: adding at T = 50, 100, 200, copy at delays 50, 100; writing to out.
         *
         * @param out where the plots and tables go
         * @param seed the run's seed
         * @return the settings
         */
        public static Settings full(Path out, long seed) {
            return new Settings(List.of("adding", "copy"), List.of(50, 100, 200), List.of(50, 100), CELLS, 64,
                    30, 100, 32, 1e-2, 1.0, 1000, 3, 8, 1.0, seed, out);
        }

        /**
         * The quick comparison (a few minutes at most on 2 cores): adding at T = 50 and a short copy task.
         *
         * @param out where the plots and tables go
         * @param seed the run's seed
         * @return the settings
         */
        public static Settings quick(Path out, long seed) {
            return new Settings(List.of("adding", "copy"), List.of(50), List.of(20), CELLS, 64,
                    10, 100, 32, 1e-2, 1.0, 500, 3, 8, 1.0, seed, out);
        }
    }

    /** GRU, LSTM and the plain tanh RNN. */
    public static final List<CellKind> CELLS = List.of(CellKind.GRU, CellKind.LSTM, CellKind.RNN_TANH);

    /**
     * One cell on one task and length.
     *
     * @param metric   final test MSE (adding) or accuracy on the recalled symbols (copy)
     * @param baseline MSE of predicting 1 (adding) or chance accuracy 1/K (copy)
     * @param curve    the test metric after each epoch
     * @param cell the cell's name
     * @param task "adding" or "copy"
     * @param length T, or the copy delay
     * @param parameters the model's parameter count
     * @param secondsPerEpoch wall-clock seconds per epoch
     * @param solved whether the metric beat the task's bar
     */
    public record Row(String cell, String task, int length, int parameters, double secondsPerEpoch, double metric,
                      double baseline, boolean solved, double[] curve) {
        /**
         * The metric's name in the tables: "mse" or "acc".
         *
         * @return the name
         */
        public String metricName() {
            return task.equals("adding") ? "mse" : "acc";
        }
    }

    /**
     * What a run produced: the table, the table files and the parseable last line.
     *
     * @param rows every row
     * @param csv the CSV table
     * @param markdown the Markdown table
     * @param table the table as text
     * @param lastLine the one-line summary
     */
    public record Report(List<Row> rows, Path csv, Path markdown, String table, String lastLine) {}

    private LongMemory() {}

    /**
     * Runs every task × length × cell and writes the tables under settings.out(). Progress counts training steps over the
     * whole run (its message names the cell, task, T and epoch); {@code jobDone} gets each task and length's rows as
     * soon as they are complete.
     *
     * @param s the settings
     * @param progress where training reports
     * @param jobDone takes each task and length's rows
     * @return what the run produced
     * @throws IOException when a table or plot cannot be written
     */
    public static Report run(Settings s, Progress progress, Consumer<List<Row>> jobDone) throws IOException {
        Files.createDirectories(s.out());
        record Job(String task, int T) {}
        List<Job> jobs = new ArrayList<>();
        for (String task : s.tasks()) for (int T : task.equals("adding") ? s.addingLengths() : s.copyLengths()) jobs.add(new Job(task, T));
        long total = (long) jobs.size() * s.cells().size() * s.epochs() * s.steps();
        List<Row> rows = new ArrayList<>();
        long done = 0;
        for (Job job : jobs) {
            List<Row> jobRows = train(s, job.task(), job.T(), progress, done, total);
            done += (long) s.epochs() * s.steps() * s.cells().size();
            rows.addAll(jobRows);
            jobDone.accept(jobRows);
        }
        String table = markdown(rows, s);
        Path csv = s.out().resolve("long-memory.csv"), md = s.out().resolve("long-memory.md");
        Files.writeString(csv, csv(rows), StandardCharsets.UTF_8);
        Files.writeString(md, table, StandardCharsets.UTF_8);
        return new Report(rows, csv, md, table, lastLine(rows));
    }

    /** One cell being trained on one task and length: its model, trainer, test curve and training time so far. */
    private static final class Run {
        final CellKind cell;
        final SequenceModel model;
        final Trainer trainer;
        final double[] curve;
        long nanos;

        Run(Settings s, boolean adding, CellKind cell, Loss loss, long seed, Progress progress) {
            this.cell = cell;
            int K = s.copyCategories();
            SequenceModelConfig config = adding ? SequenceModelConfig.seqToOne(cell, 2, s.hidden(), 1, 1)
                    : SequenceModelConfig.seqToSeq(cell, CopyMemory.features(K), s.hidden(), 1, K);
            model = new SequenceModel(config);
            Init.PYTORCH.apply(model, new Rng(s.seed()));
            if (cell == CellKind.LSTM && s.forgetBias() != 0) forgetBias(model, (float) s.forgetBias());
            TrainConfig tc = TrainConfig.defaults(s.lr()).withEpochs(s.epochs()).withBatchSize(s.batch())
                    .withClipping(Clipping.byNorm(s.clip())).withSeed(seed).withReportEvery(10);
            trainer = new Trainer(model, Adam.adam(model.parameterCount()), loss, tc, progress);
            curve = new double[s.epochs()];
        }
    }

    /**
     * Batches of fresh examples: epoch e's steps·batch examples are drawn from (seed, task, T, e) when the epoch is first
     * asked for, and every cell reads the same ones, in order (they are independent draws: no shuffling needed).
     */
    private static final class Fresh implements Batches {
        private final Settings s;
        private final String task;
        private final int T;
        private final SequenceModelConfig model;
        private int epoch = -1;
        private List<Example> examples;

        Fresh(Settings s, String task, int T, SequenceModelConfig model) {
            this.s = s;
            this.task = task;
            this.T = T;
            this.model = model;
        }

        @Override
        public long count(int e) {
            return s.steps();
        }

        @Override
        public Batch get(int e, long k) {
            if (e != epoch) {
                examples = data(s, task, T, new Rng(mix(s.seed(), task, T, e)), s.steps() * s.batch());
                epoch = e;
            }
            int[] idx = new int[s.batch()];
            for (int i = 0; i < idx.length; i++) idx[i] = (int) (k * s.batch() + i);
            return Batch.of(examples, idx, model, !task.equals("adding"));
        }
    }

    /**
     * Trains every cell on one task and length. The cells take turns epoch by epoch (GRU epoch 1, LSTM epoch 1, RNN
     * epoch 1, GRU epoch 2, …) so that a machine whose load drifts slows them alike and the seconds per epoch compare.
     * Each epoch's examples are drawn once and given to every cell; the test metric after each epoch is the curve.
     */
    private static List<Row> train(Settings s, String task, int T, Progress progress, long before, long total) {
        boolean adding = task.equals("adding");
        Loss loss = adding ? new MeanSquaredError() : new CrossEntropy(CrossEntropy.IGNORE_INDEX);
        List<Example> test = data(s, task, T, new Rng(mix(s.seed(), task, T, -1)), s.testExamples());
        List<Run> runs = new ArrayList<>();
        long[] done = {before};
        for (CellKind cell : s.cells()) {
            final String name = cellName(cell);
            // the trainer's steps in the epoch it is running, as steps of the whole run
            Progress p = ev -> progress.report(new Progress.Event(done[0] + ev.step() - (long) (ev.epoch() - 1) * s.steps(), total, ev.epoch(), ev.loss(), ev.gradNorm(),
                    ev.lr(), ev.stepsPerSecond(), Double.NaN, ev.validationLoss(),
                    String.format(Locale.ROOT, "%s %s T=%d", name, task, T), false));
            Run run = new Run(s, adding, cell, loss, mix(s.seed(), task, T, 0) ^ 0x5DEECE66DL, p);
            runs.add(run);
        }
        Fresh data = new Fresh(s, task, T, runs.get(0).model.config);   // every cell's model takes the same batches
        for (int e = 0; e < s.epochs(); e++) {
            for (int i = 0; i < runs.size(); i++) {
                Run run = runs.get(i);
                long t0 = System.nanoTime();
                run.trainer.fit(data, null, e + 1);
                run.nanos += System.nanoTime() - t0;
                Evaluation ev = Evaluation.of(run.model, run.trainer.loss, Batches.inOrder(test, run.model.config, s.batch(), !adding));
                run.curve[e] = adding ? ev.loss() : ev.accuracy();
                done[0] += s.steps();
            }
        }
        List<Row> rows = new ArrayList<>();
        double baseline = adding ? AddingProblem.BASELINE_MSE : 1.0 / s.copyCategories();
        for (Run run : runs) {
            double metric = run.curve[run.curve.length - 1];
            boolean solved = adding ? metric < ADDING_SOLVED : metric >= COPY_SOLVED;
            rows.add(new Row(cellName(run.cell), task, T, run.model.parameterCount(), run.nanos / 1e9 / s.epochs(), metric, baseline,
                    solved, run.curve));
        }
        return rows;
    }

    private static List<Example> data(Settings s, String task, int T, Rng rng, int n) {
        return task.equals("adding") ? AddingProblem.examples(n, T, rng) : CopyMemory.examples(n, T, s.copySymbols(), s.copyCategories(), rng);
    }

    /** LSTM forget-gate bias b_if + b_hf = value (PyTorch gate order i, f, g, o: rows H..2H−1 of bias_ih; bias_hh's set to 0). */
    private static void forgetBias(SequenceModel model, float value) {
        int H = model.config.recurrent().hidden();
        for (Param p : model.parameters()) {
            if (p.name().startsWith("rnn.bias_ih_l")) java.util.Arrays.fill(model.params, p.offset() + H, p.offset() + 2 * H, value);
            if (p.name().startsWith("rnn.bias_hh_l")) java.util.Arrays.fill(model.params, p.offset() + H, p.offset() + 2 * H, 0f);
        }
    }

    /** A seed for (seed, task, T, epoch): epoch −1 is the test set. */
    private static long mix(long seed, String task, int T, int epoch) {
        long h = seed * 0x9E3779B97F4A7C15L + task.hashCode();
        h = h * 0xBF58476D1CE4E5B9L + T;
        return h * 0x94D049BB133111EBL + epoch;
    }

    /**
     * The cell's name in the tables: "gru", "lstm", "rnn" (tanh) or "rnn_relu".
     *
     * @param cell the cell kind
     * @return the name
     */
    public static String cellName(CellKind cell) {
        return cell == CellKind.RNN_TANH ? "rnn" : cell.id();
    }

    private static String csv(List<Row> rows) {
        StringBuilder sb = new StringBuilder("cell,task,T,parameters,seconds_per_epoch,metric,value,baseline,solved,curve\n");
        for (Row r : rows) {
            StringBuilder c = new StringBuilder();
            for (double v : r.curve()) c.append(c.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.6g", v));
            sb.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.3f,%s,%.6g,%.6g,%s,%s%n", r.cell(), r.task(), r.length(), r.parameters(),
                    r.secondsPerEpoch(), r.metricName(), r.metric(), r.baseline(), r.solved() ? "yes" : "no", c));
        }
        return sb.toString();
    }

    private static String markdown(List<Row> rows, Settings s) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "hidden %d, Adam lr %.3g, clip %.3g, batch %d, %d epochs × %d steps of fresh examples, test %d, "
                        + "LSTM forget bias %s, seed %d%n", s.hidden(), s.lr(), s.clip(), s.batch(), s.epochs(), s.steps(), s.testExamples(),
                s.forgetBias() == 0 ? "PyTorch's init" : String.format(Locale.ROOT, "%.3g", s.forgetBias()), s.seed()));
        sb.append(String.format(Locale.ROOT, "solved: adding MSE < %.2g; copy (%d symbols of %d) accuracy ≥ %.2f%n%n", ADDING_SOLVED,
                s.copySymbols(), s.copyCategories(), COPY_SOLVED));
        sb.append("| cell | task | T | parameters | s/epoch | test | baseline | solved |\n");
        sb.append("|------|------|---|-----------:|--------:|-----:|---------:|--------|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.2f | %s %.4g | %.4g | %s |%n", r.cell(), r.task(), r.length(),
                    r.parameters(), r.secondsPerEpoch(), r.metricName(), r.metric(), r.baseline(), r.solved() ? "yes" : "no"));
        }
        return sb.toString();
    }

    /**
     * {@code gru_mse=<x> lstm_mse=<y> rnn_mse=<z>} for the adding problem at the longest T run; without the adding
     * problem, {@code gru_acc=…} for the copy task at its longest delay.
     */
    static String lastLine(List<Row> rows) {
        String task = rows.stream().anyMatch(r -> r.task().equals("adding")) ? "adding" : "copy";
        int T = rows.stream().filter(r -> r.task().equals(task)).mapToInt(Row::length).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (Row r : rows) {
            if (!r.task().equals(task) || r.length() != T) continue;
            sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%s_%s=%.6g", r.cell(), r.metricName(), r.metric()));
        }
        return sb.toString();
    }
}
