package org.gru4j.cli;

import org.gru4j.cli.csv.Csv;

import org.gru4j.apps.SequenceClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** {@code gru4j classify}: each CSV row one sequence; a GRU classifier trained and tested on a seeded stratified split. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Classify each row of a CSV file as a sequence with a GRU; accuracy and confusion matrix.",
                "Classify rows of a CSV file as sequences: all columns but the label, in order, are cut into --steps "
                + "steps of equal width and read by a GRU whose last state feeds a linear head (seqToOne).",
                "The rows are split by a seeded draw stratified by class; features are standardised on the training rows and "
                        + "missing cells (empty, NA, NaN) take the training mean. Prints accuracy and the confusion matrix.",
                "The last line is accuracy=<test accuracy>."})
final class ClassifyCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    ProgressView.Quiet quietOption = new ProgressView.Quiet();
    @picocli.CommandLine.Mixin
    CsvOptions csvOptions = new CsvOptions();
    @Option(names = "--csv", required = true, paramLabel = "FILE", description = "CSV file with a header row")
    Path csv;
    @Option(names = "--label-column", required = true, paramLabel = "NAME", description = "the class of each row (any text)")
    String labelColumn;
    @Option(names = "--steps", required = true, paramLabel = "N", description = "steps per sequence; must divide the number of feature columns")
    int steps;
    @Option(names = "--test-fraction", defaultValue = "0.2", paramLabel = "F", description = "share of each class held out for the test; default ${DEFAULT-VALUE}")
    double testFraction;
    @Option(names = "--hidden", defaultValue = "64", description = "GRU hidden size; default ${DEFAULT-VALUE}")
    int hidden;
    @Option(names = "--epochs", defaultValue = "30", description = "epochs; default ${DEFAULT-VALUE}")
    int epochs;
    @Option(names = "--seed", defaultValue = "1", description = "seed of the split, initialisation and order; default ${DEFAULT-VALUE}")
    long seed;

    @Override
    public Integer call() {
        if (steps < 1) throw new IllegalArgumentException("--steps must be ≥ 1, got " + steps);
        if (!(testFraction > 0 && testFraction < 1)) throw new IllegalArgumentException("--test-fraction must be in (0, 1), got " + testFraction);
        Csv table = csvOptions.read(csv);
        int labelIndex = table.column(labelColumn, "--label-column");
        List<String> features = new ArrayList<>(table.header);
        features.remove(labelIndex);
        if (features.isEmpty()) throw new IllegalArgumentException(csv + ": no feature columns besides '" + labelColumn + "'");
        if (features.size() % steps != 0) {
            throw new IllegalArgumentException(csv + ": " + features.size() + " feature columns cannot be cut into --steps " + steps
                    + " equal steps");
        }
        int N = table.rows(), F = features.size();
        double[][] rows = new double[N][F];
        for (int f = 0, c = 0; c < table.header.size(); c++) {
            if (c == labelIndex) continue;
            for (int i = 0; i < N; i++) rows[i][f] = table.number(i, c);
            f++;
        }
        String[] raw = table.strings(labelColumn, "--label-column");
        for (int i = 0; i < N; i++) {
            if (raw[i].isBlank()) throw new IllegalArgumentException(csv + " line " + table.line(i) + ", column '" + labelColumn + "': the label is missing");
        }
        List<String> names = classNames(raw);
        int K = names.size();
        if (K < 2) throw new IllegalArgumentException(csv + ": column '" + labelColumn + "' has only one class (" + names.get(0) + ")");
        int[] labels = new int[N];
        java.util.Map<String, Integer> index = new java.util.HashMap<>();
        for (int k = 0; k < K; k++) index.put(names.get(k), k);
        for (int i = 0; i < N; i++) labels[i] = index.get(raw[i]);

        int[][] split = SequenceClassifier.stratifiedSplit(labels, testFraction, seed);
        double[][] trainRows = pick(rows, split[0]), testRows = pick(rows, split[1]);
        int[] trainLabels = pick(labels, split[0]), testLabels = pick(labels, split[1]);
        if (testRows.length == 0) throw new IllegalArgumentException(csv + ": --test-fraction " + testFraction + " leaves no test rows");
        System.out.printf(Locale.ROOT, "%s: %d rows, %d classes, %d features as %d steps × %d; train %d, test %d (stratified, seed %d)%n",
                csv, N, K, F, steps, F / steps, trainRows.length, testRows.length, seed);
        SequenceClassifier model;
        try (ProgressView bar = new ProgressView("classify")) {
            model = SequenceClassifier.train(trainRows, trainLabels, K, new SequenceClassifier.Config(steps, hidden, epochs, 32, 5e-3, seed), bar);
        }
        int[] pred = model.predict(testRows);
        int right = 0;
        for (int i = 0; i < pred.length; i++) if (pred[i] == testLabels[i]) right++;
        double accuracy = (double) right / pred.length;
        int majority = 0;
        int[] count = new int[K];
        for (int l : trainLabels) count[l]++;
        for (int k = 1; k < K; k++) if (count[k] > count[majority]) majority = k;
        int base = 0;
        for (int l : testLabels) if (l == majority) base++;
        System.out.printf(Locale.ROOT, "test accuracy %.4f (%d/%d); majority class '%s' would score %.4f%n", accuracy, right, pred.length,
                names.get(majority), (double) base / pred.length);
        if (K > MATRIX_CLASSES) {
            System.out.print(confusions(testLabels, pred, names));
            System.out.printf(Locale.ROOT, "accuracy=%.4f%n", accuracy);
            return 0;
        }
        int[][] m = SequenceClassifier.confusion(testLabels, pred, K);
        int w = Math.max(5, names.stream().mapToInt(String::length).max().orElse(1) + 1);
        StringBuilder sb = new StringBuilder("confusion matrix (rows: true class, columns: predicted)\n");
        sb.append(" ".repeat(w));
        for (String n : names) sb.append(String.format(Locale.ROOT, "%" + w + "s", n));
        sb.append('\n');
        for (int a = 0; a < K; a++) {
            sb.append(String.format(Locale.ROOT, "%" + w + "s", names.get(a)));
            for (int b = 0; b < K; b++) sb.append(String.format(Locale.ROOT, "%" + w + "d", m[a][b]));
            sb.append('\n');
        }
        System.out.print(sb);
        System.out.printf(Locale.ROOT, "accuracy=%.4f%n", accuracy);
        return 0;
    }

    /** Classes up to which the whole confusion matrix is printed; past it, a summary. */
    static final int MATRIX_CLASSES = 30;

    /** The summary of a confusion matrix too large to print: its size and the 10 most frequent confusions (linear in the rows). */
    static String confusions(int[] truth, int[] pred, List<String> names) {
        java.util.Map<Long, Integer> pairs = new java.util.HashMap<>();
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] != pred[i]) pairs.merge((long) truth[i] * names.size() + pred[i], 1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "confusion matrix not printed (%d classes, over %d); %d distinct confusions, the most frequent:%n", names.size(), MATRIX_CLASSES, pairs.size()));
        pairs.entrySet().stream().sorted(java.util.Map.Entry.<Long, Integer>comparingByValue().reversed()).limit(10).forEach(e ->
                sb.append(String.format(Locale.ROOT, "  %d× true '%s' predicted '%s'%n", e.getValue(),
                        names.get((int) (e.getKey() / names.size())), names.get((int) (e.getKey() % names.size())))));
        return sb.toString();
    }

    /** Distinct labels, numerically ordered when all are numbers, else alphabetically. */
    static List<String> classNames(String[] raw) {
        boolean numeric = true;
        for (String s : raw) {
            try {
                Double.parseDouble(s);
            } catch (NumberFormatException e) {
                numeric = false;
                break;
            }
        }
        Comparator<String> order = numeric ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder();
        TreeSet<String> set = new TreeSet<>(order.thenComparing(Comparator.naturalOrder()));
        for (String s : raw) set.add(s);
        return new ArrayList<>(set);
    }

    private static double[][] pick(double[][] a, int[] idx) {
        double[][] out = new double[idx.length][];
        for (int i = 0; i < idx.length; i++) out[i] = a[idx[i]];
        return out;
    }

    private static int[] pick(int[] a, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) out[i] = a[idx[i]];
        return out;
    }
}
