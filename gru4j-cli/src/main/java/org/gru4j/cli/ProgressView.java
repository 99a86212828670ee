package org.gru4j.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.gru4j.train.Progress;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The one progress view of the CLI: a bar on stderr fed by training {@link Progress} events (step of total) or by
 * counted items ({@link #step}), with the training figures beside it:
 * {@code epoch 3 loss 1.6512 |g| 0.412 18.3 steps/s} (and {@code bpc} for a language model).
 * A run capped by wall-clock time has no step total; the view estimates one from the rate and the time left, and the
 * ETA is the smaller of the two estimates.
 */
final class ProgressView implements Progress, AutoCloseable {
    private final ProgressBar bar;
    private final long deadline;                 // System.nanoTime() when a time cap ends the run, or Long.MAX_VALUE
    private final boolean bitsPerChar;
    private volatile double rate;
    /** The last event's step and epoch: what the run did. */
    volatile long steps;
    volatile int epoch;

    /** A bar for training steps (or items) whose total the events give. */
    ProgressView(String task) {
        this(task, 0, false);
    }

    /**
     * @param seconds     the run's wall-clock cap (0: none)
     * @param bitsPerChar show the loss in bits as well (a character model's cross-entropy)
     */
    ProgressView(String task, double seconds, boolean bitsPerChar) {
        this.deadline = seconds > 0 ? System.nanoTime() + (long) (seconds * 1e9) : Long.MAX_VALUE;
        this.bitsPerChar = bitsPerChar;
        this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(1).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).setConsumer(new ConsoleProgressBarConsumer(System.err, width()) {
                    @Override
                    public void accept(String line) {       // the library prints "\r" + line without flushing
                        super.accept(line);
                        System.err.flush();
                    }
                })
                .setEtaFunction(s -> eta(s.getCurrent(), s.getMax()))
                .build();
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

    private Optional<Duration> eta(long step, long max) {
        double left = Double.POSITIVE_INFINITY;
        if (rate > 0 && max > step) left = (max - step) / rate;
        if (deadline != Long.MAX_VALUE) left = Math.min(left, Math.max(0, (deadline - System.nanoTime()) / 1e9));
        return Double.isFinite(left) ? Optional.of(Duration.ofMillis((long) (left * 1000))) : Optional.empty();
    }

    @Override
    public void report(Event e) {
        if (e.stepsPerSecond() > 0) rate = e.stepsPerSecond();
        steps = e.step();
        epoch = e.epoch();
        if (e.done()) {                       // the closing report: no new steps
            bar.stepTo(e.step());
            return;
        }
        long max = e.totalSteps() > 0 ? e.totalSteps() : Long.MAX_VALUE;
        if (deadline != Long.MAX_VALUE && rate > 0) {
            max = Math.min(max, e.step() + (long) (rate * Math.max(0, (deadline - System.nanoTime()) / 1e9)));
        }
        if (max != Long.MAX_VALUE && bar.getMax() != max) bar.maxHint(Math.max(max, e.step()));
        bar.stepTo(e.step());
        if (!Double.isNaN(e.loss())) {
            bar.setExtraMessage(String.format(Locale.ROOT, "epoch %d loss %.4f%s |g| %.3g %.1f steps/s%s", e.epoch(), e.loss(),
                    bitsPerChar ? String.format(Locale.ROOT, " bpc %.3f", e.loss() / Math.log(2)) : "", e.gradNorm(),
                    e.stepsPerSecond(), e.message() != null ? " " + e.message() : ""));
        }
    }

    /** For work counted in items rather than training steps; {@code note} (may be null) goes beside the bar. */
    void step(long done, long total, String note) {
        if (bar.getMax() != total) bar.maxHint(total);
        bar.stepTo(done);
        if (note != null) bar.setExtraMessage(note);
    }

    @Override
    public void close() {
        bar.close();
    }
}
