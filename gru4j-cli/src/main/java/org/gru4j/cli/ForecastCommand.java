package org.gru4j.cli;

import org.gru4j.cli.csv.Csv;
import org.gru4j.cli.csv.TimeAxis;
import org.gru4j.cli.plot.Plots;

import org.gru4j.apps.Forecaster;
import org.gru4j.apps.Gaps;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gru4j forecast}: backtest a GRU forecaster against seasonal naive on a CSV column, then forecast past its end. */
@Command(name = "forecast", mixinStandardHelpOptions = true,
        description = {"Forecast a CSV column with a GRU; backtest MAE/RMSE/MASE against seasonal naive.",
                "Forecast one column of a CSV file with a GRU (direct K-step, an ensemble of seeds trained side by side on the "
                        + "--threads cores).",
                "Backtest: trains on all but the last K points, forecasts those K, and prints MAE, RMSE and MASE (scaled by the "
                        + "in-sample seasonal-naive MAE, Hyndman & Koehler 2006) for the GRU and for seasonal naive. Then trains on "
                        + "the whole series and prints the K points after its end.",
                "Gaps (empty, NA, NaN cells, and rows missing from an evenly spaced --time-column) are filled by linear interpolation (carried at the ends). Rows are sorted by "
                        + "--time-column when it is given and they are not in order.",
                "The last line is mase=<gru> naive_mase=<seasonal naive>."})
final class ForecastCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    ProgressView.Quiet quietOption = new ProgressView.Quiet();
    @picocli.CommandLine.Mixin
    CsvOptions csvOptions = new CsvOptions();
    @Option(names = "--csv", required = true, paramLabel = "FILE", description = "CSV file with a header row")
    Path csv;
    @Option(names = "--column", required = true, paramLabel = "NAME", description = "the column to forecast")
    String column;
    @Option(names = "--time-column", paramLabel = "NAME", description = "time stamps: numbers, yyyy-MM, yyyy-MM-dd or ISO date-times")
    String timeColumn;
    @Option(names = "--time-format", paramLabel = "PATTERN",
            description = "how --time-column is written, as a java.time pattern (e.g. dd/MM/yyyy, 'MMM yyyy', dd.MM.yyyy); default: numbers, yyyy-MM, yyyy-MM-dd or ISO date-times")
    String timeFormat;
    @Option(names = "--horizon", required = true, paramLabel = "K", description = "points forecast (and backtested)")
    int horizon;
    @Option(names = "--season", defaultValue = "1", paramLabel = "S", description = "season of the seasonal-naive baseline and of MASE's scale; 1: naive; default ${DEFAULT-VALUE}")
    int season;
    @Option(names = "--window", defaultValue = "0", paramLabel = "W", description = "lagged values per forecast; 0: max(2S, 2K); default ${DEFAULT-VALUE}")
    int window;
    @Option(names = "--hidden", defaultValue = "32", description = "GRU hidden size; default ${DEFAULT-VALUE}")
    int hidden;
    @Option(names = "--epochs", defaultValue = "150", description = "epochs per model; default ${DEFAULT-VALUE}")
    int epochs;
    @Option(names = "--seeds", defaultValue = "5", description = "models averaged; default ${DEFAULT-VALUE}")
    int seeds;
    @Option(names = "--seed", defaultValue = "1", description = "first seed; default ${DEFAULT-VALUE}")
    long seed;
    @Option(names = "--log", defaultValue = "auto", paramLabel = "auto|yes|no", description = "log transform: auto decides on a validation split; default ${DEFAULT-VALUE}")
    String log;
    @Option(names = "--plot", paramLabel = "OUT.png", description = "PNG: history, backtest (truth, GRU, naive), forecast")
    Path plot;
    @picocli.CommandLine.Mixin
    Threads threads = new Threads();

    @Override
    public Integer call() throws Exception {
        Boolean logChoice = switch (log) {
            case "auto" -> null;
            case "yes" -> true;
            case "no" -> false;
            default -> throw new IllegalArgumentException("--log must be auto, yes or no, got '" + log + "'");
        };
        if (horizon < 1) throw new IllegalArgumentException("--horizon must be ≥ 1, got " + horizon);
        if (season < 1) throw new IllegalArgumentException("--season must be ≥ 1, got " + season);
        Forecaster.Config config = new Forecaster.Config(horizon, season, window, hidden, epochs, seeds, seed, 5e-3, logChoice);

        Outputs.check("--plot", plot, csv);
        threads.applyToKernels();
        Csv table = csvOptions.read(csv);
        double[] y = table.numbers(column, "--column");
        TimeAxis time = timeColumn == null ? null : TimeAxis.read(table, timeColumn, "--time-column", timeFormat);
        if (time != null) {
            time.requireDistinct(table, timeColumn);
            int[] order = time.order();
            if (order != null) {
                double[] s = new double[y.length];
                for (int i = 0; i < s.length; i++) s[i] = y[order[i]];
                y = s;
                time = time.permuted(order);
                System.out.println("rows sorted by " + timeColumn + " (they were not in time order)");
            }
        }
        if (time != null) {
            // rows lost from a regular series are gaps (so a season stays S rows long); a pattern of missing stamps or
            // stamps off the grid is said and left as it is
            TimeAxis.Grid grid = time.grid(y);
            if (grid.inserted() > 0) {
                System.out.printf(Locale.ROOT, "%d missing time stamp%s (step %s) inserted as gaps%n", grid.inserted(),
                        grid.inserted() == 1 ? "" : "s", time.formatStep());
            } else if (grid.missing() > 0 || grid.offGrid() > 0) {
                System.out.printf(Locale.ROOT, "note: the time stamps are not evenly spaced (usual step %s; %s): the rows are used as "
                        + "consecutive points%n", time.formatStep(), grid.offGrid() > 0 ? grid.offGrid() + " spacings are not whole steps"
                        : grid.missing() + " stamps missing, more than a tenth of the rows, so not filled in");
            }
            y = grid.y();
            time = grid.time();
        }
        int filled = Gaps.interpolate(y, csv + " column '" + column + "'");
        int n = y.length;
        if (n < 3 * horizon + 4 || n - horizon <= season) {
            throw new IllegalArgumentException(csv + ": " + n + " points in '" + column + "' are too few for --horizon " + horizon
                    + " and --season " + season + " (the backtest and its validation split each hold out " + horizon
                    + " points, and the training windows need as many again; at least " + Math.max(3 * horizon + 4, horizon + season + 1) + ")");
        }
        refuseDegenerate(y);
        System.out.printf(Locale.ROOT, "%s: column '%s', %d points%s, %d gap%s filled by linear interpolation%n", csv, column, n,
                time == null ? "" : " from " + time.format(time.value[0]) + " to " + time.format(time.value[n - 1]),
                filled, filled == 1 ? "" : "s");

        Forecaster.Backtest b;
        try (ProgressView bar = new ProgressView("backtest")) {
            b = Forecaster.backtest(y, config, bar);
        }
        System.out.printf(Locale.ROOT, "backtest on the last %d points (trained on %d): GRU window %d, hidden %d, %d seeds, %s%n",
                horizon, n - horizon, b.model().window, hidden, seeds, b.model().decision);
        System.out.printf(Locale.ROOT, "%-22s %10s %10s %8s%n", "", "MAE", "RMSE", "MASE");
        System.out.printf(Locale.ROOT, "%-22s %10.4g %10.4g %8.4f%n", "gru", b.maeGru(), b.rmseGru(), b.maseGru());
        System.out.printf(Locale.ROOT, "%-22s %10.4g %10.4g %8.4f%n", season == 1 ? "naive" : "seasonal naive (S=" + season + ")",
                b.maeNaive(), b.rmseNaive(), b.maseNaive());
        System.out.printf(Locale.ROOT, "(MASE scale: in-sample seasonal-naive MAE %.4g)%n", b.scale());

        if (!finite(b.gru()) || !Double.isFinite(b.maseGru())) {
            throw new IllegalArgumentException(csv + ": column '" + column + "': the GRU's backtest forecast is not finite (values of "
                    + "this size overflow" + (b.model().log ? "" : "; try --log yes or rescale the column") + ")");
        }
        Forecaster full;
        try (ProgressView bar = new ProgressView("forecast")) {
            full = b.model().refit(y, bar);      // the log as decided for the backtest
        }
        double[] future = full.forecast(y);
        if (!finite(future)) throw new IllegalArgumentException(csv + ": column '" + column + "': the forecast is not finite (values of this size overflow; rescale the column)");
        System.out.println("forecast of the next " + horizon + " points (" + full.decision + "):");
        for (int h = 0; h < horizon; h++) {
            String stamp = time == null ? "t+" + (h + 1) : time.format(time.after(h + 1));
            System.out.printf(Locale.ROOT, "  %s %.6g%n", stamp, future[h]);
        }
        if (plot != null) {
            plot(y, time, b, future);
            System.out.println("plot: " + plot);
        }
        System.out.printf(Locale.ROOT, "mase=%.4f naive_mase=%.4f%n", b.maseGru(), b.maseNaive());
        return 0;
    }

    /** A constant series, or one whose in-sample seasonal-naive error is 0, has no MASE: refused with the reason. */
    private void refuseDegenerate(double[] y) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : y) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (lo == hi) throw new IllegalArgumentException(csv + ": column '" + column + "' is constant (" + lo + "): nothing to forecast, and MASE is undefined");
        if (Math.max(Math.abs(lo), Math.abs(hi)) > 1e100) {
            throw new IllegalArgumentException(csv + ": column '" + column + "' holds values up to " + Math.max(Math.abs(lo), Math.abs(hi))
                    + ", too large to forecast in floating point: rescale it");
        }
        int n = y.length - horizon;
        if (n > season && org.gru4j.apps.Metrics.naiveScale(y, n, season) == 0) {
            throw new IllegalArgumentException(csv + ": column '" + column + "' repeats exactly every " + season
                    + " points (the seasonal-naive in-sample error is 0): MASE is undefined");
        }
    }

    private static boolean finite(double[] v) {
        for (double x : v) if (!Double.isFinite(x)) return false;
        return true;
    }

    private void plot(double[] y, TimeAxis time, Forecaster.Backtest b, double[] future) throws java.io.IOException {
        int n = y.length, K = horizon;
        XYChart chart = new XYChartBuilder().width(1000).height(500).title(csv.getFileName() + ": " + column)
                .xAxisTitle(timeColumn == null ? "index" : timeColumn).yAxisTitle(column).build();
        chart.getStyler().setMarkerSize(4);
        if (time != null && time.kind != TimeAxis.Kind.NUMBER) {
            chart.getStyler().setDatePattern(time.kind == TimeAxis.Kind.DATETIME ? "yyyy-MM-dd HH:mm" : "yyyy-MM");
        } else if (time != null && Arrays.stream(time.value).allMatch(v -> v == Math.rint(v))) {
            chart.getStyler().setXAxisDecimalPattern("0");       // years as 1700, not 1,700
        }
        add(chart, "history (truth)", time, 0, y, SeriesMarkers.NONE);
        add(chart, "backtest: GRU", time, n - K, b.gru(), SeriesMarkers.CIRCLE);
        add(chart, "backtest: " + (season == 1 ? "naive" : "seasonal naive"), time, n - K, b.naive(), SeriesMarkers.DIAMOND);
        add(chart, "forecast: GRU", time, n, future, SeriesMarkers.CIRCLE);
        Plots.png(chart, plot);
    }

    /** values[i] at position from + i (past the end: extrapolated stamps). */
    private static void add(XYChart chart, String name, TimeAxis time, int from, double[] values, org.knowm.xchart.style.markers.Marker m) {
        List<Object> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            int t = from + i;
            if (time == null) xs.add((double) t);
            else xs.add(time.plot(t < time.value.length ? time.value[t] : time.after(t - time.value.length + 1)));
            ys.add(values[i]);
        }
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setMarker(m);
    }
}
