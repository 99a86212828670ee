package org.gru4j.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.gru4j.train.Progress;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The one progress view of the CLI, on stderr, fed by training {@link Progress} events (step of total) or by counted
 * items ({@link #step}), with the training figures beside it:
 * {@code epoch 3 loss 1.6512 |g| 0.412 18.3 steps/s} (and {@code bpc} for a language model).
 * <ul>
 * <li>On a terminal: a bar, drawn from the first event on (no empty first frame), whose percentage never goes back
 *     (a total re-estimated upwards holds the bar until the steps catch up).</li>
 * <li>Off a terminal (a log, a pipe): a plain line every {@link #PLAIN_SECONDS} s and one at the end, no carriage
 *     returns. The launcher says which: it passes -Dgru4j.tty=1 when its stderr is a terminal (-Dgru4j.tty=0 otherwise);
 *     without the property the JVM's console decides.</li>
 * <li>With --quiet ({@link Quiet}, on every long command): nothing.</li>
 * </ul>
 * A run capped by wall-clock time has no step total; the view estimates one from the rate and the time left, and the
 * ETA is the smaller of the two estimates.
 */
public final class ProgressView implements Progress, AutoCloseable {
    /** Seconds between two plain lines off a terminal. */
    static final double PLAIN_SECONDS = 10;
    /** The bar's scale: thousandths of the run. */
    private static final long SCALE = 1000;

    /** {@code --quiet}: a picocli mixin for every long command; it silences every view of the process. */
    public static final class Quiet {
        public Quiet() {
            quiet = false;         // each command line starts loud (a process, or a test, may run several)
        }

        @Option(names = {"--quiet", "-q"}, description = "no progress (bar or lines)")
        void quiet(boolean q) {
            quiet = q;
        }

        /** The progress lines a command prints itself (speech training's steps), or nothing with --quiet. */
        public static java.util.function.Consumer<String> lines(java.util.function.Consumer<String> to) {
            return line -> {
                if (!quiet) to.accept(line);
            };
        }
    }

    static volatile boolean quiet;

    private final String task;
    private final boolean terminal;
    private final PrintStream err;
    private final long deadline;                 // System.nanoTime() when a time cap ends the run, or Long.MAX_VALUE
    private final boolean bitsPerChar;
    private ProgressBar bar;                     // on a terminal, from the first event on
    private volatile double rate;
    private long shown;                          // the largest thousandth shown: the bar never goes back
    private long lastStep, lastMax;
    private String extra = "";
    long lastPlain = System.nanoTime();          // package-private: a test moves it back instead of waiting
    private boolean reported, closed;
    private String lastLine;
    /** The last event's step and epoch: what the run did. */
    volatile long steps;
    volatile int epoch;

    /** A view for training steps (or items) whose total the events give. */
    ProgressView(String task) {
        this(task, 0, false);
    }

    /**
     * @param seconds     the run's wall-clock cap (0: none)
     * @param bitsPerChar show the loss in bits as well (a character model's cross-entropy)
     */
    ProgressView(String task, double seconds, boolean bitsPerChar) {
        this(task, seconds, bitsPerChar, terminal(), System.err);
    }

    ProgressView(String task, double seconds, boolean bitsPerChar, boolean terminal, PrintStream err) {
        this.task = task;
        this.terminal = terminal;
        this.err = err;
        this.deadline = seconds > 0 ? System.nanoTime() + (long) (seconds * 1e9) : Long.MAX_VALUE;
        this.bitsPerChar = bitsPerChar;
    }

    /** Whether stderr is a terminal: -Dgru4j.tty=1/0 from the launcher, else whether the JVM has a console. */
    static boolean terminal() {
        String p = System.getProperty("gru4j.tty");
        if (p != null) return p.equals("1") || p.equalsIgnoreCase("true");
        return System.console() != null;
    }

    private ProgressBar bar() {
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(SCALE).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500).hideEta().setConsumer(new ConsoleProgressBarConsumer(err, width()) {
                        @Override
                        public void accept(String line) {       // the library prints "\r" + line without flushing
                            super.accept(line);
                            err.flush();
                        }
                    })
                    .build();
        }
        return bar;
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
    public synchronized void report(Event e) {
        if (e.stepsPerSecond() > 0) rate = e.stepsPerSecond();
        steps = e.step();
        epoch = e.epoch();
        long max = e.done() ? Math.max(e.step(), 1) : e.totalSteps() > 0 ? e.totalSteps() : Long.MAX_VALUE;
        if (!e.done() && deadline != Long.MAX_VALUE && rate > 0) {
            max = Math.min(max, e.step() + (long) (rate * Math.max(0, (deadline - System.nanoTime()) / 1e9)));
        }
        if (!Double.isNaN(e.loss())) {
            extra = String.format(Locale.ROOT, "epoch %d loss %.4f%s |g| %.3g %.1f steps/s%s", e.epoch(), e.loss(),
                    bitsPerChar ? String.format(Locale.ROOT, " bpc %.3f", e.loss() / Math.log(2)) : "", e.gradNorm(),
                    e.stepsPerSecond(), e.message() != null ? " " + e.message() : "");
        }
        show(e.step(), max == Long.MAX_VALUE ? 0 : Math.max(max, e.step()), e.done());
    }

    /** Thousandths of the run shown so far. */
    synchronized long permille() {
        return shown;
    }

    /** For work counted in items rather than training steps; {@code note} (may be null) goes beside the bar. */
    synchronized void step(long done, long total, String note) {
        if (note != null) extra = note;
        show(done, total, false);
    }

    /** Step of max (0: unknown) as thousandths, never fewer than already shown. */
    private void show(long step, long max, boolean done) {
        if (quiet) return;
        lastStep = step;
        lastMax = max;
        reported = true;
        if (max > 0) shown = Math.max(shown, Math.min(SCALE, (long) Math.floor((double) SCALE * step / max)));
        if (done) shown = SCALE;
        if (terminal) {
            ProgressBar b = bar();
            b.stepTo(shown);
            Optional<Duration> eta = done ? Optional.empty() : eta(step, max);
            b.setExtraMessage(String.format(Locale.ROOT, "%s%s %s", max > 0 ? step + "/" + max : "step " + step,
                    eta.map(d -> " ETA " + seconds(d)).orElse(""), extra).trim());
        } else if ((System.nanoTime() - lastPlain) / 1e9 >= PLAIN_SECONDS) {
            plain();
        }
    }

    private static String seconds(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** One line: {@code task 45% step 450/1000 ETA 0:12 epoch 3 loss …}. */
    private void plain() {
        lastPlain = System.nanoTime();
        Optional<Duration> eta = shown >= SCALE ? Optional.empty() : eta(lastStep, lastMax);
        String line = String.format(Locale.ROOT, "%s %d%% step %s%s %s", task, shown / 10, lastMax > 0 ? lastStep + "/" + lastMax : "" + lastStep,
                eta.map(d -> " ETA " + seconds(d)).orElse(""), extra).trim();
        if (line.equals(lastLine)) return;      // the end line when the last timed line already said it
        lastLine = line;
        err.println(line);
        err.flush();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (bar != null) bar.close();
        else if (!terminal && reported && !quiet) plain();
    }
}
