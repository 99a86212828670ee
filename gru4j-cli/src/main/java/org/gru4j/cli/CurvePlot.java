package org.gru4j.cli;

import org.gru4j.apps.LongMemory;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One PNG per task and length: the test metric after each epoch, one line per cell, the baseline dashed. */
final class CurvePlot {
    private CurvePlot() {}

    static Path write(Path file, String task, int T, List<LongMemory.Row> rows) throws IOException {
        System.setProperty("java.awt.headless", "true");
        boolean adding = task.equals("adding");
        XYChart chart = new XYChartBuilder().width(800).height(560)
                .title(adding ? "Adding problem, T = " + T : "Copy memory, delay T = " + T)
                .xAxisTitle("epoch").yAxisTitle(adding ? "test MSE (log scale)" : "test accuracy on recalled symbols").build();
        chart.getStyler().setYAxisLogarithmic(adding);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        if (!adding) {
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(1.0);
        }
        int epochs = rows.get(0).curve().length;
        double[] x = new double[epochs];
        for (int e = 0; e < epochs; e++) x[e] = e + 1;
        for (LongMemory.Row r : rows) {
            double[] y = r.curve().clone();
            if (adding) for (int i = 0; i < y.length; i++) y[i] = Math.max(y[i], 1e-6);     // a log axis needs > 0
            chart.addSeries(r.cell() + " (" + r.parameters() + " params)", x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        double[] base = new double[epochs];
        java.util.Arrays.fill(base, rows.get(0).baseline());
        XYSeries b = chart.addSeries(adding ? "baseline: predict 1" : "chance", x, base);
        b.setMarker(SeriesMarkers.NONE);
        b.setLineStyle(SeriesLines.DASH_DASH);
        b.setLineColor(java.awt.Color.GRAY);
        if (adding) {
            double[] solved = new double[epochs];
            java.util.Arrays.fill(solved, LongMemory.ADDING_SOLVED);
            XYSeries s = chart.addSeries("solved: MSE " + LongMemory.ADDING_SOLVED, x, solved);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineStyle(SeriesLines.DOT_DOT);
            s.setLineColor(java.awt.Color.LIGHT_GRAY);
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
        }
        return file;
    }
}
