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
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(500).build();
        progress = e -> {
            if (e.totalSteps() > 0 && bar.getMax() != e.totalSteps()) bar.maxHint(e.totalSteps());
            bar.stepTo(e.step());
        };
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
