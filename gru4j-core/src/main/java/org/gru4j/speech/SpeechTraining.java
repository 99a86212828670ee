package org.gru4j.speech;

import org.gru4j.audio.SpecAugment;
import org.gru4j.audio.Wav;
import org.gru4j.train.Adam;
import org.gru4j.train.Clipping;
import org.gru4j.train.Optimizer;
import org.gru4j.train.Progress;
import org.gru4j.train.Schedule;
import org.gru4j.train.TrainConfig;
import org.gru4j.train.Trainer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/** Loading a manifest into utterances, CTC training through the {@link Trainer}, and evaluation (WER/CER). */
public final class SpeechTraining {
    /**
     * How a speech model is trained.
     *
     * @param minutes   wall-clock budget for training (≤ 0: no limit)
     * @param epochs    passes over the data at most
     * @param batchSize utterances per step
     * @param lr        peak Adam learning rate
     * @param clipNorm  gradient-norm clipping (0: none)
     * @param augment   SpecAugment masks while training, or null
     * @param threads   data-parallel replicas, each on a share of the batch
     * @param seed the order's, the masks' and dropout's seed
     */
    public record Options(double minutes, int epochs, int batchSize, double lr, double clipNorm, SpecAugment augment,
                          long seed, int threads) {
        /**
         * The defaults for a time budget: at most 1000 epochs, batch 16, lr 2e-3, clipping at 5, SpecAugment, seed 1, 2
         * threads.
         *
         * @param minutes the budget
         * @return the options
         */
        public static Options defaults(double minutes) {
            return new Options(minutes, 1000, 16, 2e-3, 5, SpecAugment.standard(), 1, 2);
        }
    }

    /**
     * What a run did: steps, epochs begun, audio seconds processed, wall seconds spent, the last reported loss.
     *
     * @param steps steps done
     * @param epochs epochs begun
     * @param audioSeconds audio seconds processed
     * @param wallSeconds wall seconds spent
     * @param loss the last reported loss
     */
    public record Result(long steps, int epochs, double audioSeconds, double wallSeconds, double loss) {}

    private SpeechTraining() {
    }

    /**
     * Reads every manifest entry (resampled to the model's rate) into raw features, on {@code threads} threads.
     *
     * @param manifest the utterances
     * @param model the model whose rate and front end apply
     * @param threads readers side by side
     * @return the utterances with their features
     * @throws IOException when an audio file cannot be read
     */
    public static List<Utterance> load(Manifest manifest, SpeechModel model, int threads) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<Utterance>> fs = new ArrayList<>();
            for (Manifest.Entry e : manifest.entries()) {
                fs.add(pool.submit(() -> {
                    Wav.Audio a = Wav.read(e.wav());
                    float[] x = model.prepare(a);
                    String text = model.alphabet.normalize(e.text());
                    org.gru4j.audio.Frontend fe = new org.gru4j.audio.Frontend(model.config.frontend());
                    return new Utterance(fe.compute(x), text, model.alphabet.encode(text), a.seconds(), e.wav().toString());
                }));
            }
            List<Utterance> out = new ArrayList<>();
            for (Future<Utterance> f : fs) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException ex) {
                    Throwable c = ex.getCause();
                    if (c instanceof IOException io) throw io;
                    throw new IOException(c.getMessage(), c);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Trains through the {@link Trainer} ({@link SpeechBatches} as the source, {@link CtcLoss}, Adam, clipping,
     * data-parallel replicas). With a time budget: 70% of it at the peak rate after a 100-step warm-up, then a second
     * trainer on the same model and optimizer (Adam's moments carry on) anneals the rate by a cosine to a twentieth
     * over the steps the remaining 30% should hold at the measured rate. Without one: warm-up (a tenth of the steps, at most
     * 100), then a cosine over the rest of the epochs' steps.
     *
     * @param model the model, trained in place
     * @param train the training utterances
     * @param o the options
     * @param progress takes progress lines
     * @return what the run did
     */
    public static Result fit(SpeechModel model, List<Utterance> train, Options o, Consumer<String> progress) {
        if (train.isEmpty()) throw new IllegalArgumentException("no training utterances");
        SpeechBatches batches = new SpeechBatches(train, model, o.batchSize(), o.augment(), o.seed(), true);
        Optimizer adam = Adam.adam(model.net.parameterCount());
        Clipping clip = o.clipNorm() > 0 ? Clipping.byNorm(o.clipNorm()) : Clipping.NONE;
        long perEpoch = batches.count(0);
        double audioPerStep = batches.seconds / perEpoch;
        TrainConfig base = TrainConfig.defaults(o.lr()).withBatchSize(o.batchSize()).withClipping(clip)
                .withThreads(Math.max(1, o.threads())).withSeed(o.seed()).withReportEvery(25);
        long start = System.nanoTime();
        long[] offset = {0, 0}; // steps and epochs of the first trainer, when a second continues
        Progress view = e -> {
            double wall = (System.nanoTime() - start) / 1e9;
            if (e.message() != null || e.step() % 100 == 0 || e.done()) {
                // the trainer's own total and ETA count the epoch cap, not the time budget: leave them out
                progress.accept(String.format(java.util.Locale.ROOT,
                        "step %d epoch %d loss %.4f |g| %.3g lr %.2e %.1f steps/s %.0f audio-s/s %.0fs%s", offset[0] + e.step(),
                        offset[1] + e.epoch(), e.loss(), e.gradNorm(), e.lr(), e.stepsPerSecond(), e.stepsPerSecond() * audioPerStep,
                        wall, e.message() == null ? "" : " — " + e.message()));
            }
        };
        CtcLoss loss = new CtcLoss(Alphabet.BLANK);
        long steps;
        int epochs;
        double[] lastLoss = {Double.NaN};
        Progress tracked = e -> {
            if (Double.isFinite(e.loss())) lastLoss[0] = e.loss();
            view.report(e);
        };
        if (o.minutes() <= 0) {
            long total = perEpoch * o.epochs();
            long warm = Math.min(100, Math.max(1, total / 10));
            TrainConfig c = base.withEpochs(o.epochs()).withSchedule(new Schedule.Warmup(warm,
                    new Schedule.Cosine(o.lr(), Math.max(1, total - warm), o.lr() / 20)));
            Trainer.Result r = new Trainer(model.net, adam, loss, c, tracked).fit(batches, null);
            steps = r.steps();
            epochs = r.epochs();
        } else {
            double budget = o.minutes() * 60;
            TrainConfig c1 = base.withEpochs(o.epochs()).withMaxSeconds(0.7 * budget)
                    .withSchedule(new Schedule.Warmup(100, new Schedule.Constant(o.lr())));
            Trainer.Result r1 = new Trainer(model.net, adam, loss, c1, tracked).fit(batches, null);
            double spent = (System.nanoTime() - start) / 1e9;
            steps = r1.steps();
            epochs = r1.epochs();
            double left = budget - spent;
            if (left > 1 && epochs < o.epochs()) {
                offset[0] = steps;
                offset[1] = epochs;
                long expected = Math.max(1, (long) (r1.steps() / spent * left));
                SpeechBatches more = new SpeechBatches(train, model, o.batchSize(), o.augment(), o.seed() + 1, true);
                TrainConfig c2 = base.withEpochs(o.epochs() - epochs).withMaxSeconds(left)
                        .withSchedule(new Schedule.Cosine(o.lr(), expected, o.lr() / 20));
                Trainer.Result r2 = new Trainer(model.net, adam, loss, c2, tracked).fit(more, null);
                steps += r2.steps();
                epochs += r2.epochs();
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        return new Result(steps, epochs, steps * audioPerStep, wall, lastLoss[0]);
    }

    /**
     * Decodes every utterance; {@code perUtterance} gets (reference, hypothesis).
     *
     * @param model the model
     * @param test the test utterances
     * @param decoder the decoder
     * @param beam the beam width
     * @param perUtterance takes each utterance and its transcript, or null
     * @return the error rates
     */
    public static ErrorRate evaluate(SpeechModel model, List<Utterance> test, CtcDecoder decoder, int beam,
                                     java.util.function.BiConsumer<Utterance, String> perUtterance) {
        ErrorRate er = new ErrorRate();
        int f = model.config.frontend().dim(), c = model.alphabet.classes();
        for (Utterance u : test) {
            float[] x = u.features().clone();
            model.normalize(x);
            float[] logits = model.logits(SpeechModel.stack(x, f, model.config.stack()));
            int t = logits.length / c;
            String hyp = beam <= 1 ? decoder.greedy(logits, t, c) : decoder.beamSearch(logits, t, c);
            er.add(u.text(), hyp);
            if (perUtterance != null) perUtterance.accept(u, hyp);
        }
        return er;
    }
}
