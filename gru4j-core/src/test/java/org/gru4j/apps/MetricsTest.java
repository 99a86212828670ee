package org.gru4j.apps;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metrics against slow definitions; gaps; the seasonal-naive forecast; the stratified split. */
class MetricsTest {

    /** AUC by ranks equals the pairwise definition P(s₊ &gt; s₋) + ½ P(s₊ = s₋), ties included. */
    @Test
    void aucMatchesPairCounting() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 20; trial++) {
            int n = 5 + r.nextInt(60);
            double[] s = new double[n];
            boolean[] y = new boolean[n];
            for (int i = 0; i < n; i++) {
                s[i] = r.nextInt(8);            // many ties
                y[i] = r.nextDouble() < 0.3;
            }
            y[0] = true;
            y[1] = false;
            double num = 0, den = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (!y[i] || y[j]) continue;
                    den++;
                    num += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
            }
            assertEquals(num / den, Metrics.auc(s, y), 1e-12);
        }
        assertTrue(Double.isNaN(Metrics.auc(new double[]{1, 2}, new boolean[]{true, true})));
    }

    @Test
    void detectionCounts() {
        Metrics.Detection d = Metrics.detection(new double[]{0.9, 0.8, 0.1, 0.7}, new boolean[]{true, true, false, false},
                new boolean[]{true, false, false, true});
        assertEquals(1, d.truePositives());
        assertEquals(1, d.falsePositives());
        assertEquals(1, d.falseNegatives());
        assertEquals(0.5, d.f1(), 1e-12);
        assertEquals(0.75, d.auc(), 1e-12);
    }

    /** MASE's scale: the in-sample seasonal-naive MAE, by hand. */
    @Test
    void naiveScaleAndSeasonalNaive() {
        double[] y = {1, 2, 4, 7, 11, 16};
        assertEquals((3 + 5 + 7 + 9) / 4.0, Metrics.naiveScale(y, 6, 2), 1e-12);
        assertEquals((1 + 2 + 3 + 4 + 5) / 5.0, Metrics.naiveScale(y, 6, 1), 1e-12);
        assertArrayEquals(new double[]{11, 16, 11, 16, 11}, Forecaster.seasonalNaive(y, 2, 5));
        assertArrayEquals(new double[]{16, 16, 16}, Forecaster.seasonalNaive(y, 1, 3));
        assertEquals(Math.sqrt(2.5), Metrics.rmse(new double[]{0, 0}, new double[]{1, 2}), 1e-12);
        assertEquals(1.5, Metrics.mae(new double[]{0, 0}, new double[]{1, -2}), 1e-12);
    }

    @Test
    void gapsInterpolatedAndCarried() {
        double n = Double.NaN;
        double[] x = {n, n, 1, n, n, 4, 5, n};
        assertEquals(5, Gaps.interpolate(x, "x"));
        assertArrayEquals(new double[]{1, 1, 1, 2, 3, 4, 5, 5}, x, 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gaps.interpolate(new double[]{n, n}, "column 'a'"));
        assertTrue(e.getMessage().contains("column 'a'"), e.getMessage());
    }

    /** Each class contributes its share to the test set; the same seed gives the same split, another seed another. */
    @Test
    void stratifiedSplitKeepsClassShares() {
        int[] labels = new int[100];
        for (int i = 0; i < 100; i++) labels[i] = i < 80 ? 0 : i < 95 ? 1 : 2;
        int[][] s = SequenceClassifier.stratifiedSplit(labels, 0.2, 7);
        int[] perClass = new int[3];
        for (int i : s[1]) perClass[labels[i]]++;
        assertArrayEquals(new int[]{16, 3, 1}, perClass);
        assertEquals(100, s[0].length + s[1].length);
        assertArrayEquals(s[1], SequenceClassifier.stratifiedSplit(labels, 0.2, 7)[1]);
        assertTrue(!java.util.Arrays.equals(s[1], SequenceClassifier.stratifiedSplit(labels, 0.2, 8)[1]));
    }
}
