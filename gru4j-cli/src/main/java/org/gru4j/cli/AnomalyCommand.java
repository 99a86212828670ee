package org.gru4j.cli;

import org.gru4j.cli.csv.Csv;
import org.gru4j.cli.csv.TimeAxis;
import org.gru4j.cli.plot.Plots;

import org.gru4j.apps.AnomalyDetector;
import org.gru4j.apps.Metrics;
import org.gru4j.io.AtomicFile;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code gru4j anomaly}: score every row of a CSV by a GRU forecaster's error, per group, against a rolling z-score. */
@Command(name = "anomaly", mixinStandardHelpOptions = true,
        description = {"Score every row of a CSV file for anomalies (GRU forecast error per group) against a rolling z-score.",
                "Score every row of a CSV file for anomalies: a GRU forecaster of the next reading (state kept per "
                + "group, trained on the file itself, no labels) and score = forecast error normalised per group and column "
                + "(max over the columns). Rows are flagged when ln(score) > median + k*1.4826*MAD of the log scores (a robust rule on the skewed, positive scores, chosen without labels).",
                "Baseline: the rolling z-score per group/column over the previous --baseline-window readings, same threshold rule.",
                "Gaps (empty, NA, NaN cells) are interpolated within a group for the model's input; a missing cell adds nothing "
                        + "to its row's score. With --label-column (1/true/yes = anomaly) prints precision, recall, F1 and ROC-AUC "
                        + "for both; the line before the last is baseline_f1=<n> baseline_auc=<n>.",
                "The last line is f1=<n> auc=<n>; without --label-column both are nan."})
final class AnomalyCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @picocli.CommandLine.Mixin
    ProgressView.Quiet quietOption = new ProgressView.Quiet();
    @picocli.CommandLine.Mixin
    CsvOptions csvOptions = new CsvOptions();
    @Option(names = "--csv", required = true, paramLabel = "FILE", description = "CSV file with a header row")
    Path csv;
    @Option(names = "--columns", required = true, split = ",", paramLabel = "A,B", description = "the readings' columns")
    List<String> columns;
    @Option(names = "--group-column", paramLabel = "NAME", description = "source of each row (e.g. a sensor id); one series per group")
    String groupColumn;
    @Option(names = "--label-column", paramLabel = "NAME", description = "ground truth, only for evaluation (never for training or threshold)")
    String labelColumn;
    @Option(names = "--time-column", paramLabel = "NAME", description = "time stamps: rows are put in time order, and the plot's x axis")
    String timeColumn;
    @Option(names = "--time-format", paramLabel = "PATTERN",
            description = "how --time-column is written, as a java.time pattern (e.g. dd/MM/yyyy, 'MMM yyyy', dd.MM.yyyy); default: numbers, yyyy-MM, yyyy-MM-dd or ISO date-times")
    String timeFormat;
    @Option(names = "--out", paramLabel = "SCORES.csv", description = "every row's score and flag (and the baseline's), written atomically")
    Path out;
    @Option(names = "--plot", paramLabel = "OUT.png", description = "PNG: scores per group, threshold, labelled anomalies")
    Path plot;
    @Option(names = "--k", defaultValue = "3", description = "threshold: ln(score) > median + k*1.4826*MAD of the log scores; default ${DEFAULT-VALUE}")
    double k;
    @Option(names = "--baseline-window", paramLabel = "W", description = "readings in the baseline's rolling window; default ${DEFAULT-VALUE}")
    int window = 30;
    @Option(names = "--window", hidden = true, paramLabel = "W", description = OldNames.PREFIX + "--baseline-window")
    void window(int w) {
        window = w;
    }
    @Option(names = "--warmup", defaultValue = "" + AnomalyDetector.DEFAULT_WARMUP, paramLabel = "N",
            description = "each group's first N readings are not scored (score 0, never flagged): the model has no context yet; default ${DEFAULT-VALUE}")
    int warmup;
    @Option(names = "--hidden", defaultValue = "32", description = "GRU hidden size; default ${DEFAULT-VALUE}")
    int hidden;
    @Option(names = "--epochs", defaultValue = "8", description = "epochs; default ${DEFAULT-VALUE}")
    int epochs;
    @Option(names = "--seed", defaultValue = "1", description = "seed; default ${DEFAULT-VALUE}")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (window < 2) throw new IllegalArgumentException(OldNames.typed(spec, "--baseline-window") + " must be ≥ 2 readings, got " + window);
        AnomalyDetector.Config config = new AnomalyDetector.Config(hidden, epochs, 64, 5e-3, seed, k, window, warmup);
        Outputs.check(new Object[]{"--out", out, "--plot", plot}, csv);
        Csv table = csvOptions.read(csv);
        int N = table.rows(), C = columns.size();
        for (String c : columns) table.column(c, "--columns");              // every name checked before any cell is read
        double[][] values = new double[C][];
        for (int c = 0; c < C; c++) values[c] = table.numbers(columns.get(c), "--columns");
        String[] groupNames = groupColumn == null ? new String[N] : table.strings(groupColumn, "--group-column");
        boolean[] label = labelColumn == null ? null : labels(table);
        TimeAxis time = timeColumn == null ? null : TimeAxis.read(table, timeColumn, "--time-column", timeFormat);
        int[] order = time == null ? null : time.order();
        if (order != null) System.out.println("rows taken in " + timeColumn + " order (the file is not sorted by it)");
        // row r of the computation is file row at(r)
        int[] at = new int[N];
        for (int r = 0; r < N; r++) at[r] = order == null ? r : order[r];
        Map<String, Integer> ids = new LinkedHashMap<>();
        double[][] rows = new double[N][C];
        int[] group = new int[N];
        for (int r = 0; r < N; r++) {
            for (int c = 0; c < C; c++) rows[r][c] = values[c][at[r]];
            group[r] = ids.computeIfAbsent(groupNames[at[r]] == null ? "" : groupNames[at[r]], g -> ids.size());
        }

        AnomalyDetector.Result res;
        try (ProgressView bar = new ProgressView("anomaly")) {
            res = AnomalyDetector.score(rows, group, config, bar);
        }
        System.out.printf(Locale.ROOT, "%s: %d rows, %d group%s, columns %s; %d missing cell%s interpolated for the model's input%n",
                csv, N, ids.size(), ids.size() == 1 ? "" : "s", String.join(",", columns), res.filled(), res.filled() == 1 ? "" : "s");
        System.out.printf(Locale.ROOT, "warm-up: each group's first %d reading%s not scored (score 0, not flagged), for the GRU and the baseline%n",
                warmup, warmup == 1 ? "" : "s");
        int flagged = count(res.flag()), bflagged = count(res.baselineFlag());
        System.out.printf(Locale.ROOT, "gru: threshold %.4g (exp of median + %.3g*1.4826*MAD of the log scores), %d rows flagged%n", res.threshold(), k, flagged);
        System.out.printf(Locale.ROOT, "rolling z-score (w=%d): threshold %.4g, %d rows flagged%n", window, res.baselineThreshold(), bflagged);
        String last = "f1=nan auc=nan", before = "baseline_f1=nan baseline_auc=nan";
        if (label != null) {
            boolean[] lab = new boolean[N];
            for (int r = 0; r < N; r++) lab[r] = label[at[r]];
            Metrics.Detection g = Metrics.detection(res.score(), res.flag(), lab), b = Metrics.detection(res.baseline(), res.baselineFlag(), lab);
            System.out.printf(Locale.ROOT, "%d labelled anomalies%n", count(lab));
            System.out.printf(Locale.ROOT, "%-18s %9s %9s %9s %9s %5s %5s %5s%n", "", "precision", "recall", "F1", "ROC-AUC", "TP", "FP", "FN");
            for (var e : new Object[][]{{"gru", g}, {"rolling z-score", b}}) {
                Metrics.Detection d = (Metrics.Detection) e[1];
                System.out.printf(Locale.ROOT, "%-18s %9.4f %9.4f %9.4f %9.4f %5d %5d %5d%n", e[0], d.precision(), d.recall(), d.f1(), d.auc(),
                        d.truePositives(), d.falsePositives(), d.falseNegatives());
            }
            last = String.format(Locale.ROOT, "f1=%.4f auc=%.4f", g.f1(), g.auc());
            before = String.format(Locale.ROOT, "baseline_f1=%.4f baseline_auc=%.4f", b.f1(), b.auc());
        }
        if (out != null) {
            write(table, at, groupNames, res);
            System.out.println("scores: " + out);
        }
        if (plot != null) {
            plot(table, time, at, group, ids, res, label);
            System.out.println("plot: " + plot);
        }
        System.out.println(before);
        System.out.println(last);
        return 0;
    }

    /** 1, true, yes (any case) or a non-zero number: an anomaly; 0, false, no: normal; anything else names its line. */
    private boolean[] labels(Csv table) {
        String[] s = table.strings(labelColumn, "--label-column");
        boolean[] out = new boolean[s.length];
        for (int i = 0; i < s.length; i++) {
            String v = s[i].trim().toLowerCase(Locale.ROOT);
            switch (v) {
                case "true", "yes", "anomaly" -> out[i] = true;
                case "false", "no", "normal" -> out[i] = false;
                default -> {
                    try {
                        out[i] = Double.parseDouble(v) != 0;
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(csv + " line " + table.line(i) + ", column '" + labelColumn + "': '" + s[i]
                                + "' is not a label (0/1, true/false, yes/no)");
                    }
                }
            }
        }
        return out;
    }

    /** line,group,score,flag,baseline_score,baseline_flag for every row, in file order. */
    private void write(Csv table, int[] at, String[] groupNames, AnomalyDetector.Result res) throws java.io.IOException {
        int N = at.length;
        int[] rowOf = new int[N];
        for (int r = 0; r < N; r++) rowOf[at[r]] = r;
        AtomicFile.write(out, ch -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8));
            w.write("line,group,score,flag,baseline_score,baseline_flag\n");
            for (int i = 0; i < N; i++) {
                int r = rowOf[i];
                String g = groupNames[i] == null ? "" : groupNames[i];
                if (g.contains(",") || g.contains("\"")) g = '"' + g.replace("\"", "\"\"") + '"';
                w.write(String.format(Locale.ROOT, "%d,%s,%.6g,%d,%.6g,%d%n", table.line(i), g, res.score()[r], res.flag()[r] ? 1 : 0,
                        res.baseline()[r], res.baselineFlag()[r] ? 1 : 0));
            }
            w.flush();
        });
    }

    private void plot(Csv table, TimeAxis time, int[] at, int[] group, Map<String, Integer> ids, AnomalyDetector.Result res,
                      boolean[] label) throws java.io.IOException {
        int N = at.length;
        XYChart chart = new XYChartBuilder().width(1200).height(500).title(csv.getFileName() + ": GRU forecast-error scores")
                .xAxisTitle(time == null ? "line of " + csv.getFileName() : timeColumn).yAxisTitle("score (log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        if (time != null && time.kind != TimeAxis.Kind.NUMBER) chart.getStyler().setDatePattern("yyyy-MM-dd HH:mm");
        else chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setMarkerSize(5);
        double floor = 1e-2;
        for (var e : ids.entrySet()) {
            List<Object> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int r = 0; r < N; r++) {
                if (group[r] != e.getValue()) continue;
                xs.add(x(table, time, at, r));
                ys.add(Math.max(floor, res.score()[r]));
            }
            XYSeries s = chart.addSeries(groupColumn == null ? "score" : groupColumn + " " + e.getKey(), xs, ys);
            s.setMarker(SeriesMarkers.NONE);
        }
        List<Object> tx = new ArrayList<>(List.of(x(table, time, at, 0), x(table, time, at, N - 1)));
        if (time == null) tx.sort(java.util.Comparator.comparingDouble(o -> (Double) o));
        chart.addSeries("threshold", tx, List.of(res.threshold(), res.threshold())).setMarker(SeriesMarkers.NONE);
        boolean[] flagged = res.flag();
        points(chart, table, time, at, res, r -> flagged[r], "flagged", SeriesMarkers.DIAMOND, java.awt.Color.BLACK, floor);
        if (label != null) points(chart, table, time, at, res, r -> label[at[r]], "labelled anomaly", SeriesMarkers.CIRCLE, java.awt.Color.RED, floor);
        Plots.png(chart, plot);
    }

    /** The rows r with which(r) as markers at their scores (nothing when there are none). */
    private static void points(XYChart chart, Csv table, TimeAxis time, int[] at, AnomalyDetector.Result res,
                               java.util.function.IntPredicate which, String name, org.knowm.xchart.style.markers.Marker marker,
                               java.awt.Color color, double floor) {
        List<Object> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int r = 0; r < at.length; r++) {
            if (!which.test(r)) continue;
            xs.add(x(table, time, at, r));
            ys.add(Math.max(floor, res.score()[r]));
        }
        if (xs.isEmpty()) return;
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(marker);
        s.setMarkerColor(color);
    }

    /** Row r's x: its time stamp, or its line in the file (the numbering --out uses). */
    private static Object x(Csv table, TimeAxis time, int[] at, int r) {
        return time == null ? (double) table.line(at[r]) : time.plot(time.value[at[r]]);
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean v : b) if (v) n++;
        return n;
    }
}
