package org.gru4j.cli;

import org.gru4j.nn.Param;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Adam;
import org.gru4j.train.Batch;
import org.gru4j.train.Clipping;
import org.gru4j.train.CrossEntropy;
import org.gru4j.train.Example;
import org.gru4j.train.Init;
import org.gru4j.train.Loss;
import org.gru4j.train.MeanSquaredError;
import org.gru4j.train.Rng;
import org.gru4j.train.TrainConfig;
import org.gru4j.train.Trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The long-memory experiment: GRU vs LSTM vs plain tanh RNN, same hidden size, same optimizer (Adam, gradient
 * clipping by global norm) and the same budget (epochs × steps of fresh examples), on the adding problem
 * ({@link AddingProblem}, MSE, baseline 1/6) and the copy-memory task ({@link CopyMemory}, accuracy on the recalled
 * symbols, chance 1/K). Per run it records the parameters, the training seconds per epoch and the test metric after
 * every epoch; it writes one PNG of the curves per task and length, and the table as CSV and Markdown.
 *
 * <p>Each epoch trains on freshly generated examples (the same ones for every cell: a function of seed, task, T and
 * epoch), through a {@link Trainer} over that epoch whose Adam state carries over; the test set is fixed per task and
 * length. The cells take turns epoch by epoch, so that a shared machine's changing load falls on all of them alike.
 * The LSTM's forget-gate bias starts at 1 by default (Gers et al. 2000; Jozefowicz et al. 2015); everything else is
 * PyTorch's default initialisation.
 */
public final class LongMemory {
    /** Adding problem MSE below this counts as solved (the literature's threshold, ~6% of the baseline). */
    static final double ADDING_SOLVED = 0.01;
    /** Copy accuracy at or above this counts as solved. */
    static final double COPY_SOLVED = 0.95;

    /**
     * What to run.
     *
     * @param tasks          "adding" and/or "copy"
     * @param addingLengths  sequence lengths T for the adding problem
     * @param copyLengths    delays T for the copy task (each example is T + 2·symbols steps)
     * @param cells          the cells compared
     * @param hidden         hidden size, the same for every cell
     * @param epochs         epochs per run
     * @param steps          training steps (batches of fresh examples) per epoch
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
        public Settings {
            tasks = List.copyOf(tasks);
            addingLengths = List.copyOf(addingLengths);
            copyLengths = List.copyOf(copyLengths);
            cells = List.copyOf(cells);
            for (String t : tasks) if (!t.equals("adding") && !t.equals("copy")) throw new IllegalArgumentException("--tasks: unknown task '" + t + "' (adding, copy)");
            if (tasks.isEmpty()) throw new IllegalArgumentException("--tasks: no task");
            if (cells.isEmpty()) throw new IllegalArgumentException("--cells: no cell");
            for (int T : addingLengths) if (T < 2) throw new IllegalArgumentException("--lengths: the adding problem needs T ≥ 2, got " + T);
            for (int T : copyLengths) if (T < 1) throw new IllegalArgumentException("--lengths: the copy delay must be ≥ 1, got " + T);
            if (hidden < 1) throw new IllegalArgumentException("--hidden must be ≥ 1, got " + hidden);
            if (epochs < 1) throw new IllegalArgumentException("--epochs must be ≥ 1, got " + epochs);
            if (steps < 1) throw new IllegalArgumentException("--steps must be ≥ 1, got " + steps);
            if (batch < 1) throw new IllegalArgumentException("--batch must be ≥ 1, got " + batch);
            if (!(lr > 0)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
            if (!Double.isFinite(forgetBias)) throw new IllegalArgumentException("--forget-bias must be finite, got " + forgetBias);
            if (!(clip > 0)) throw new IllegalArgumentException("--clip must be > 0, got " + clip);
            if (testExamples < 1) throw new IllegalArgumentException("--test must be ≥ 1, got " + testExamples);
            if (copySymbols < 1) throw new IllegalArgumentException("--copy-symbols must be ≥ 1, got " + copySymbols);
            if (copyCategories < 2) throw new IllegalArgumentException("--copy-categories must be ≥ 2, got " + copyCategories);
        }

        /** The full comparison's defaults: adding at T = 50, 100, 200, copy at delays 50, 100; writing to out. */
        public static Settings full(Path out, long seed) {
            return new Settings(List.of("adding", "copy"), List.of(50, 100, 200), List.of(50, 100), CELLS, 64,
                    30, 100, 32, 1e-2, 1.0, 1000, 3, 8, 1.0, seed, out);
        }

        /** The quick comparison (a few minutes at most on 2 cores): adding at T = 50 and a short copy task. */
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
     */
    public record Row(String cell, String task, int length, int parameters, double secondsPerEpoch, double metric,
                      double baseline, boolean solved, double[] curve) {
        public String metricName() {
            return task.equals("adding") ? "mse" : "acc";
        }
    }

    /** What a run produced: the table, the plots, the table files and the parseable last line. */
    public record Report(List<Row> rows, List<Path> plots, Path csv, Path markdown, String table, String lastLine) {}

    private LongMemory() {}

    /** The quick comparison into {@code out} (seed 1), progress on stderr: for a demo. */
    public static Report quick(Path out) throws IOException {
        return run(Settings.quick(out, 1), System.err);
    }

    /** Runs every task × length × cell, writes the plots and tables under settings.out(); progress goes to {@code progress}. */
    public static Report run(Settings s, PrintStream progress) throws IOException {
        Files.createDirectories(s.out());
        record Job(String task, int T) {}
        List<Job> jobs = new ArrayList<>();
        for (String task : s.tasks()) for (int T : task.equals("adding") ? s.addingLengths() : s.copyLengths()) jobs.add(new Job(task, T));
        long total = (long) jobs.size() * s.cells().size() * s.epochs() * s.steps();
        List<Row> rows = new ArrayList<>();
        List<Path> plots = new ArrayList<>();
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("long-memory").setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(progress, barWidth()) {
                    @Override
                    public void accept(String line) {       // the library prints "\r" + line without flushing
                        super.accept(line);
                        progress.flush();
                    }
                }).setUpdateIntervalMillis(500)
                .build()) {
            long done = 0;
            for (Job job : jobs) {
                List<Row> jobRows = train(s, job.task(), job.T(), bar, done);
                done += (long) s.epochs() * s.steps() * s.cells().size();
                for (Row r : jobRows) {
                    System.out.printf(Locale.ROOT, "%s %s T=%d: %s %.4g (baseline %.4g) %.2f s/epoch%n", r.cell(), r.task(), r.length(),
                            r.metricName(), r.metric(), r.baseline(), r.secondsPerEpoch());
                }
                rows.addAll(jobRows);
                plots.add(CurvePlot.write(s.out().resolve(job.task() + "-T" + job.T() + ".png"), job.task(), job.T(), jobRows));
            }
        }
        String table = markdown(rows, s);
        Path csv = s.out().resolve("long-memory.csv"), md = s.out().resolve("long-memory.md");
        Files.writeString(csv, csv(rows), StandardCharsets.UTF_8);
        Files.writeString(md, table, StandardCharsets.UTF_8);
        return new Report(rows, plots, csv, md, table, lastLine(rows));
    }

    /**
     * The bar's width: $COLUMNS when the shell exports it, else 100. Given explicitly so that the progress bar library
     * does not probe the terminal through JLine's native code (which JDK 22+ warns about on stderr).
     */
    private static int barWidth() {
        try {
            String c = System.getenv("COLUMNS");
            return c != null ? Math.max(40, Integer.parseInt(c.trim())) : 100;
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    /** One cell being trained on one task and length: its model, optimizer, test curve and training time so far. */
    private static final class Run {
        final CellKind cell;
        final SequenceModelConfig config;
        final SequenceModel model;
        final Adam adam;
        final double[] curve;
        long nanos;

        Run(Settings s, boolean adding, CellKind cell) {
            this.cell = cell;
            int K = s.copyCategories();
            config = adding ? SequenceModelConfig.seqToOne(cell, 2, s.hidden(), 1, 1)
                    : SequenceModelConfig.seqToSeq(cell, CopyMemory.features(K), s.hidden(), 1, K);
            model = new SequenceModel(config);
            Init.PYTORCH.apply(model, new Rng(s.seed()));
            if (cell == CellKind.LSTM && s.forgetBias() != 0) forgetBias(model, (float) s.forgetBias());
            adam = Adam.adam(model.parameterCount());
            curve = new double[s.epochs()];
        }
    }

    /**
     * Trains every cell on one task and length. The cells take turns epoch by epoch (GRU epoch 1, LSTM epoch 1, RNN
     * epoch 1, GRU epoch 2, …) so that a machine whose load drifts slows them alike and the seconds per epoch compare.
     * Each epoch's examples are drawn once and given to every cell; the test metric after each epoch is the curve.
     */
    private static List<Row> train(Settings s, String task, int T, ProgressBar bar, long done) {
        boolean adding = task.equals("adding");
        Loss loss = adding ? new MeanSquaredError() : new CrossEntropy(CrossEntropy.IGNORE_INDEX);
        List<Example> test = data(s, task, T, new Rng(mix(s.seed(), task, T, -1)), s.testExamples());
        List<Run> runs = new ArrayList<>();
        for (CellKind cell : s.cells()) runs.add(new Run(s, adding, cell));
        for (int e = 0; e < s.epochs(); e++) {
            List<Example> train = data(s, task, T, new Rng(mix(s.seed(), task, T, e)), s.steps() * s.batch());
            TrainConfig tc = TrainConfig.defaults(s.lr()).withEpochs(1).withBatchSize(s.batch()).withClipping(Clipping.byNorm(s.clip()))
                    .withSeed(mix(s.seed(), task, T, e) ^ 0x5DEECE66DL).withReportEvery(1);
            for (Run run : runs) {
                final long base = done;
                final String label = String.format(Locale.ROOT, " %s %s T=%d epoch %d", cellName(run.cell), task, T, e + 1);
                Trainer trainer = new Trainer(run.model, run.adam, loss, tc, ev -> {
                    bar.stepTo(base + Math.min(ev.step(), s.steps()));
                    if (ev.step() % 10 == 0 && !Double.isNaN(ev.loss())) bar.setExtraMessage(label + String.format(Locale.ROOT, " loss %.4f", ev.loss()));
                });
                long t0 = System.nanoTime();
                trainer.fit(train);
                run.nanos += System.nanoTime() - t0;
                run.curve[e] = adding ? trainer.evaluate(test) : accuracy(run.model, test, s.batch(), run.config);
                done += s.steps();
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

    /** Fraction of counted steps (target ≠ ignore index) whose arg-max logit is the target. */
    static double accuracy(SequenceModel model, List<Example> examples, int B, SequenceModelConfig mc) {
        long right = 0, counted = 0;
        for (int from = 0; from < examples.size(); from += B) {
            int n = Math.min(B, examples.size() - from);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = from + i;
            Batch b = Batch.of(examples, idx, mc, true);
            Tensor logits = model.forward(b.x(), b.lengths(), null, null, null).logits();   // (T,B,K)
            int C = logits.dim(-1);
            for (int r = 0; r < b.target().size(); r++) {
                int y = (int) b.target().data[r];
                if (y == CrossEntropy.IGNORE_INDEX) continue;
                int best = 0;
                for (int c = 1; c < C; c++) if (logits.data[r * C + c] > logits.data[r * C + best]) best = c;
                if (best == y) right++;
                counted++;
            }
        }
        return counted == 0 ? 0 : (double) right / counted;
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

    static String cellName(CellKind cell) {
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
