package org.gru4j.speech;

import org.gru4j.audio.SpecAugment;
import org.gru4j.audio.Wav;
import org.gru4j.train.Adam;
import org.gru4j.train.Clipping;
import org.gru4j.train.Optimizer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Loading a manifest into utterances, a time-bounded CTC training run, and evaluation (WER/CER).
 *
 * <p>Training: utterances sorted by length are cut into mini-batches of similar lengths (little padding), whose
 * order is shuffled each epoch (seeded); each step is {@link CtcStep#run} then one Adam update with the gradient
 * norm clipped. The learning rate warms up linearly over the first 100 steps and decays linearly to a tenth over the
 * last 40% of the time budget. Runs until the epochs or the minutes are used up.
 */
public final class SpeechTraining {
    /**
     * @param minutes   wall-clock budget for training (≤ 0: no limit)
     * @param epochs    passes over the data at most
     * @param batchSize utterances per step
     * @param lr        peak Adam learning rate
     * @param clipNorm  gradient-norm clipping (0: none)
     * @param augment   SpecAugment masks while training, or null
     * @param threads   data-parallel replicas, each on a share of the batch
     */
    public record Options(double minutes, int epochs, int batchSize, double lr, double clipNorm, SpecAugment augment,
                          long seed, int threads) {
        public static Options defaults(double minutes) {
            return new Options(minutes, 1000, 16, 2e-3, 5, SpecAugment.standard(), 1, 2);
        }
    }

    /** What a run did: steps, epochs begun, audio seconds processed, wall seconds spent, the last reported loss. */
    public record Result(long steps, int epochs, double audioSeconds, double wallSeconds, double loss) {}

    private SpeechTraining() {
    }

    /** Reads every manifest entry (resampled to the model's rate) into raw features, on {@code threads} threads. */
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

    public static Result fit(SpeechModel model, List<Utterance> train, Options o, Consumer<String> progress) {
        if (train.isEmpty()) throw new IllegalArgumentException("no training utterances");
        List<Utterance> sorted = new ArrayList<>(train);
        sorted.sort((a, b) -> Integer.compare(a.features().length, b.features().length));
        List<List<Utterance>> batches = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i += o.batchSize()) {
            batches.add(sorted.subList(i, Math.min(sorted.size(), i + o.batchSize())));
        }
        Optimizer adam = Adam.adam(model.net.parameterCount());
        Clipping clip = o.clipNorm() > 0 ? Clipping.byNorm(o.clipNorm()) : Clipping.NONE;
        SpeechModel[] replicas = new SpeechModel[Math.max(1, o.threads())];
        replicas[0] = model;
        for (int r = 1; r < replicas.length; r++) replicas[r] = model.replica();
        long start = System.nanoTime();
        double budget = o.minutes() > 0 ? o.minutes() * 60 : Double.POSITIVE_INFINITY;
        long steps = 0;
        double audio = 0, lossSum = 0, lastLoss = Double.NaN;
        int lossCount = 0, epoch = 0;
        long lastReport = start;
        outer:
        for (epoch = 1; epoch <= o.epochs(); epoch++) {
            List<List<Utterance>> order = new ArrayList<>(batches);
            Collections.shuffle(order, new Random(o.seed() * 31 + epoch));
            for (List<Utterance> batch : order) {
                double elapsed = (System.nanoTime() - start) / 1e9;
                if (elapsed >= budget) break outer;
                double frac = elapsed / budget;
                double lr = o.lr() * Math.min(1, (steps + 1) / 100.0) * (frac < 0.6 ? 1 : 1 - 0.9 * (frac - 0.6) / 0.4);
                double loss = CtcStep.run(replicas, batch, o.augment(), o.seed() * 1_000_003L + steps);
                Optimizer.StepReport rep = adam.update(model.net.params, model.net.grads, loss, lr, clip);
                steps++;
                for (Utterance u : batch) audio += u.seconds();
                if (Double.isFinite(loss)) {
                    lossSum += loss;
                    lossCount++;
                }
                long now = System.nanoTime();
                if (now - lastReport > 10e9 || rep.message() != null) {
                    double wall = (now - start) / 1e9;
                    lastLoss = lossSum / Math.max(1, lossCount);
                    progress.accept(String.format(java.util.Locale.ROOT,
                            "step %d epoch %d loss %.4f |g| %.3g lr %.2e %.0f audio-s/s %.0fs%s", steps, epoch, lastLoss,
                            rep.gradNorm(), lr, audio / wall, wall, rep.message() == null ? "" : " — " + rep.message()));
                    lossSum = 0;
                    lossCount = 0;
                    lastReport = now;
                }
            }
        }
        if (lossCount > 0) lastLoss = lossSum / lossCount;
        return new Result(steps, Math.min(epoch, o.epochs()), audio, (System.nanoTime() - start) / 1e9, lastLoss);
    }

    /** Decodes every utterance; {@code perUtterance} gets (reference, hypothesis). */
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
