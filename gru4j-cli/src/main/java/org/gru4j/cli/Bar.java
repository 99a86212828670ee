package org.gru4j.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.gru4j.train.Progress;

/** A terminal progress bar on stderr fed by training {@link Progress} events (step of total). */
final class Bar implements AutoCloseable {
    private final ProgressBar bar;
    final Progress progress;

    Bar(String task) {
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(1).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err, width())).setUpdateIntervalMillis(500).build();
        progress = e -> {
            if (e.totalSteps() > 0 && bar.getMax() != e.totalSteps()) bar.maxHint(e.totalSteps());
            bar.stepTo(e.step());
        };
    }

    /**
     * The bar's width: $COLUMNS or 100. Given explicitly so that progressbar does not open a JLine terminal to ask (JLine's
     * native library makes the JVM print native-access warnings on stderr).
     */
    private static int width() {
        try {
            return Math.max(40, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100").trim()));
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    /** For work counted in items rather than training steps. */
    void step(long done, long total) {
        if (bar.getMax() != total) bar.maxHint(total);
        bar.stepTo(done);
    }

    @Override
    public void close() {
        bar.close();
    }
}
