package org.gru4j.apps;

import java.util.Arrays;

/**
 * Error and detection measures.
 * <pre>
 * MAE  = mean |y − ŷ|            RMSE = √ mean (y − ŷ)²
 * MASE = MAE / q,  q = 1/(n−S) Σ_{t=S}^{n−1} |y_t − y_{t−S}|  over the training part (Hyndman &amp; Koehler 2006)
 * precision = TP/(TP+FP)   recall = TP/(TP+FN)   F1 = 2PR/(P+R)
 * ROC-AUC = P(score of a random positive &gt; that of a random negative), ties counting ½ (Mann–Whitney U / (n₊n₋))
 * </pre>
 */
public final class Metrics {
    private Metrics() {}

    /**
     * Mean absolute error.
     *
     * @param y the truth
     * @param p the predictions
     * @return mean |y − p|
     */
    public static double mae(double[] y, double[] p) {
        double s = 0;
        for (int i = 0; i < y.length; i++) s += Math.abs(y[i] - p[i]);
        return s / y.length;
    }

    /**
     * Root mean squared error.
     *
     * @param y the truth
     * @param p the predictions
     * @return √mean (y − p)²
     */
    public static double rmse(double[] y, double[] p) {
        double s = 0;
        for (int i = 0; i < y.length; i++) s += (y[i] - p[i]) * (y[i] - p[i]);
        return Math.sqrt(s / y.length);
    }

    /**
     * The in-sample seasonal-naive MAE q of y[0, n) with season S: MASE's scale.
     *
     * @param y the series
     * @param n the length of its training part
     * @param season S
     * @return q
     */
    public static double naiveScale(double[] y, int n, int season) {
        if (n <= season) throw new IllegalArgumentException("MASE needs more than " + season + " training points, got " + n);
        double s = 0;
        for (int t = season; t < n; t++) s += Math.abs(y[t] - y[t - season]);
        return s / (n - season);
    }

    /**
     * Precision, recall, F1 of flags against labels, and ROC-AUC of the scores.
     *
     * @param truePositives flagged and labelled
     * @param falsePositives flagged, not labelled
     * @param falseNegatives labelled, not flagged
     * @param precision TP / (TP + FP)
     * @param recall TP / (TP + FN)
     * @param f1 their harmonic mean
     * @param auc the scores' ROC-AUC
     */
    public record Detection(int truePositives, int falsePositives, int falseNegatives, double precision, double recall,
                            double f1, double auc) {}

    /**
     * Flags and scores measured against labels.
     *
     * @param score the score of each row
     * @param flag whether it is flagged
     * @param label whether it is an anomaly
     * @return the counts and measures
     */
    public static Detection detection(double[] score, boolean[] flag, boolean[] label) {
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < label.length; i++) {
            if (flag[i] && label[i]) tp++;
            else if (flag[i]) fp++;
            else if (label[i]) fn++;
        }
        double p = tp + fp == 0 ? 0 : (double) tp / (tp + fp), r = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
        return new Detection(tp, fp, fn, p, r, f1, auc(score, label));
    }

    /**
     * ROC-AUC by ranks (average rank for ties); NaN when only one class is present.
     *
     * @param score the scores
     * @param label the labels
     * @return the AUC
     */
    public static double auc(double[] score, boolean[] label) {
        int n = score.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> Double.compare(score[a], score[b]));
        double rankSum = 0;
        long pos = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && score[idx[j + 1]] == score[idx[i]]) j++;
            double rank = (i + j) / 2.0 + 1;                  // ranks from 1, ties share the mean rank
            for (int k = i; k <= j; k++) if (label[idx[k]]) { rankSum += rank; pos++; }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) return Double.NaN;
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * The median of x (a copy is sorted).
     *
     * @param x the values
     * @return the median
     */
    public static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * Median absolute deviation from the median, unscaled.
     *
     * @param x the values
     * @return the MAD
     */
    public static double mad(double[] x) {
        double m = median(x);
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = Math.abs(x[i] - m);
        return median(d);
    }
}
