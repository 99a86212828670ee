package org.gru4j.cli;

import org.gru4j.cli.plot.CurvePlot;

import org.gru4j.apps.LongMemory;
import org.gru4j.nn.CellKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gru4j experiment long-memory}: GRU vs LSTM vs RNN on the adding problem and the copy task ({@link LongMemory}). */
@Command(name = "long-memory", mixinStandardHelpOptions = true,
        description = {"Train GRU, LSTM and a plain tanh RNN (same hidden size, Adam, clipping by norm, same budget) on the "
                + "adding problem (MSE; predicting 1 gives 0.167; solved below 0.01) and the copy-memory task (a few symbols, "
                + "a delay of T blanks, then recall; accuracy vs chance 1/K).",
                "Prints the table (cell, task, T, parameters, seconds per epoch, test metric, baseline, solved), writes "
                        + "<task>-T<T>.png curves and long-memory.csv/.md under --out. Progress on stderr. The last line is "
                        + "gru_mse=<x> lstm_mse=<y> rnn_mse=<z> for the adding problem at the longest T."})
final class LongMemoryCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @picocli.CommandLine.Mixin
    ProgressView.Quiet quietOption = new ProgressView.Quiet();
    @Option(names = "--quick", description = "a short comparison (adding T=50, copy delay 20, fewer steps); other flags override it")
    boolean quick;
    @Option(names = "--tasks", split = ",", description = "adding, copy (comma-separated); default both")
    List<String> tasks;
    @Option(names = "--lengths", split = ",", description = "T for every task chosen; default adding 50,100,200 and copy 50,100 (quick: 50 and 20)")
    List<Integer> lengths;
    @Option(names = "--cell", split = ",", paramLabel = "CELL", description = "the cells compared, comma-separated: gru, lstm, rnn (a plain RNN: tanh, "
            + "or relu with --nonlinearity relu; rnn_tanh and rnn_relu are accepted too); default gru,lstm,rnn")
    List<String> cells;
    @Option(names = "--cells", split = ",", hidden = true, paramLabel = "CELL", description = OldNames.PREFIX + "--cell")
    void cellsOld(List<String> c) {
        cells = c;
    }
    @picocli.CommandLine.Mixin
    Nonlinearity nonlinearity = new Nonlinearity();
    @Option(names = "--hidden", description = "hidden size of every cell; default 64")
    Integer hidden;
    @Option(names = "--epochs", description = "epochs per run; default 30 (quick: 10)")
    Integer epochs;
    @Option(names = "--batches", paramLabel = "N", description = "training steps per epoch, each on a batch of fresh examples; default 100")
    Integer batches;
    @Option(names = "--steps", hidden = true, paramLabel = "N", description = OldNames.PREFIX + "--batches")
    void steps(Integer n) {
        batches = n;
    }
    @Option(names = "--batch", paramLabel = "B", description = "sequences (examples) per training step; default 32")
    Integer batch;
    @Option(names = "--lr", description = "Adam learning rate; default 1e-2")
    Double lr;
    @Option(names = "--clip", description = "maximum gradient norm; default 1")
    Double clip;
    @Option(names = "--test", description = "test examples per task and length; default 1000 (quick: 500)")
    Integer test;
    @Option(names = "--forget-bias", description = "the LSTM's initial forget-gate bias (0: PyTorch's initialisation as drawn); default 1")
    Double forgetBias;
    @Option(names = "--seed", defaultValue = "1", description = "seeds data, initialisation and shuffling; default ${DEFAULT-VALUE}")
    long seed;
    @Option(names = "--out", defaultValue = "long-memory-out", paramLabel = "DIR", description = "directory for the plots and tables; default ${DEFAULT-VALUE}")
    Path out;

    @Override
    public Integer call() throws Exception {
        LongMemory.Settings d = quick ? LongMemory.Settings.quick(out, seed) : LongMemory.Settings.full(out, seed);
        List<CellKind> kinds = kinds(d.cells());
        List<String> ts = tasks == null ? d.tasks() : tasks.stream().map(t -> t.trim().toLowerCase(Locale.ROOT)).toList();
        LongMemory.Settings s = new LongMemory.Settings(ts, lengths != null ? lengths : d.addingLengths(),
                lengths != null ? lengths : d.copyLengths(), kinds, or(hidden, d.hidden()), or(epochs, d.epochs()),
                or(batches, d.steps()), or(batch, d.batch()), or(lr, d.lr()), or(clip, d.clip()), or(test, d.testExamples()),
                d.copySymbols(), d.copyCategories(), or(forgetBias, d.forgetBias()), seed, out);
        long t0 = System.nanoTime();
        Result res = run(s);
        LongMemory.Report r = res.report();
        System.out.println();
        System.out.print(r.table());
        System.out.println();
        for (var p : res.plots()) System.out.println("plot: " + p.toAbsolutePath());
        System.out.println("table: " + r.csv().toAbsolutePath() + ", " + r.markdown().toAbsolutePath());
        System.out.printf(Locale.ROOT, "wall time %.1f s%n", (System.nanoTime() - t0) / 1e9);
        System.out.println(r.lastLine());
        return 0;
    }

    /** The cells compared: --cell (or the defaults), a plain RNN made relu by --nonlinearity relu. */
    List<CellKind> kinds(List<CellKind> byDefault) {
        String flag = OldNames.typed(spec, "--cell");
        List<CellKind> kinds = new ArrayList<>();
        if (cells == null) {
            for (CellKind k : byDefault) kinds.add(k == CellKind.RNN_TANH && nonlinearity.relu() ? CellKind.RNN_RELU : k);
        } else {
            for (String c : cells) kinds.add(nonlinearity.cell(flag, c));
        }
        if (!kinds.isEmpty()) nonlinearity.requirePlain(flag, kinds);
        return kinds;
    }

    /** The experiment's report and the PNG of each task and length. */
    record Result(LongMemory.Report report, List<Path> plots) {}

    /** Runs the experiment with a progress bar on stderr, printing each task and length's rows and plotting them as they end. */
    static Result run(LongMemory.Settings s) throws IOException {
        List<Path> plots = new ArrayList<>();
        LongMemory.Report r;
        try (ProgressView bar = new ProgressView("long-memory")) {
            r = LongMemory.run(s, bar, rows -> {
                for (LongMemory.Row row : rows) {
                    System.out.printf(Locale.ROOT, "%s %s T=%d: %s %.4g (baseline %.4g) %.2f s/epoch%n", row.cell(), row.task(),
                            row.length(), row.metricName(), row.metric(), row.baseline(), row.secondsPerEpoch());
                }
                LongMemory.Row first = rows.get(0);
                try {
                    plots.add(CurvePlot.write(s.out().resolve(first.task() + "-T" + first.length() + ".png"), first.task(), first.length(), rows));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return new Result(r, plots);
    }

    private static <T> T or(T given, T fallback) {
        return given != null ? given : fallback;
    }
}
