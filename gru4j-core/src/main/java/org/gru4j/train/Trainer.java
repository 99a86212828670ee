package org.gru4j.train;

import org.gru4j.io.AtomicFile;
import org.gru4j.model.Head;
import org.gru4j.model.SequenceModel;
import org.gru4j.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training loop: seeded validation split and shuffling, mini-batches (or truncated-BPTT chunks), one
 * {@link Optimizer#update} per step (clipping, skipped non-finite steps), validation and early stopping per epoch,
 * atomic checkpoints every N steps, and progress through a callback.
 *
 * <p>Determinism: for a seed, the split, each epoch's order (a function of seed and epoch alone) and the dropout
 * generator (whose state is checkpointed) are fixed, so a run resumed from a checkpoint continues bit for bit as the
 * uninterrupted run would have.
 *
 * <p>Per step:
 * <pre>
 * h₀ ← carried state, zero in lanes that start a new series (truncated BPTT), else zero
 * logits = model(x, lengths, h₀);  (L, dL/dlogits) = loss(logits, target, mask);  backward
 * η = schedule(step);  optimizer.update(θ, ∇θ, L, η, clipping)
 * </pre>
 */
public final class Trainer {
    public final SequenceModel model;
    public final Optimizer optimizer;
    public final Loss loss;
    public final TrainConfig config;
    private final Progress progress;
    private final boolean classes;

    private final Rng dropout;
    private long step, position;
    private int epoch;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int badEpochs;
    private float[] bestParams;
    private Tensor carryH, carryC;
    private int examples = -1;                // how many examples fit was given (a resumed run must get as many)

    // reporting
    private double lastNorm = Double.NaN, lastLr = Double.NaN;
    private double lossSum;
    private int lossCount;
    private long lastReportStep, lastReportNanos;
    private long lastCheckpoint = System.nanoTime();

    /** What a run ended with: steps done in all, epochs completed, the best validation loss (∞ without validation). */
    public record Result(long steps, int epochs, double bestValidationLoss, boolean stoppedEarly) {}

    public Trainer(SequenceModel model, Optimizer optimizer, Loss loss, TrainConfig config, Progress progress) {
        this.model = model;
        this.optimizer = optimizer;
        this.loss = loss;
        this.config = config;
        this.progress = progress == null ? Progress.SILENT : progress;
        this.classes = loss instanceof CrossEntropy;
        this.dropout = new Rng(new Rng(config.seed() ^ 0x6A09E667F3BCC909L).nextLong());
        if (config.bpttChunk() > 0) {
            if (model.config.head() != Head.PER_STEP) throw new IllegalArgumentException("truncated BPTT needs a per-step head");
            if (model.config.recurrent().bidirectional()) throw new IllegalArgumentException("truncated BPTT cannot carry a bidirectional state");
        }
    }

    /** Trains on the examples until the epochs, the step limit or early stopping end it. */
    public Result fit(List<Example> examples) {
        if (examples.isEmpty()) throw new IllegalArgumentException("no training examples");
        if (this.examples >= 0 && this.examples != examples.size()) {
            throw new IllegalArgumentException("the checkpoint was written for " + this.examples + " examples, this run has "
                    + examples.size() + ": resume needs the same data");
        }
        this.examples = examples.size();
        if (config.checkpoint() != null) {
            try {
                AtomicFile.deleteLeftovers(config.checkpoint());   // what a killed earlier run was writing
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clean up beside checkpoint " + config.checkpoint() + ": " + e.getMessage(), e);
            }
        }
        if (config.maxSteps() > 0 && step >= config.maxSteps()) return new Result(step, epoch, bestLoss, false);
        List<Example> train = new ArrayList<>(), val = new ArrayList<>();
        split(examples, train, val);
        final int B = config.batchSize();
        final long perEpoch = stepsPerEpoch(train, 0);
        final long total = config.maxSteps() > 0 ? Math.min(config.maxSteps(), perEpoch * config.epochs()) : perEpoch * config.epochs();
        lastReportStep = step;
        lastReportNanos = System.nanoTime();
        boolean early = false;
        while (epoch < config.epochs()) {
            int[] order = epochOrder(epoch, train.size());
            if (config.bpttChunk() > 0) {
                Lanes lanes = new Lanes(train, order, B);
                for (long k = 0; k < position; k++) lanes.advance(config.bpttChunk());   // replay to where a checkpoint stopped
                if (position == 0) carryH = carryC = null;
                while (lanes.advance(config.bpttChunk())) {
                    trainStep(Batch.chunk(train, lanes.series, lanes.from, lanes.count, config.bpttChunk(), model.config, classes), total);
                    if (afterStep(total)) return new Result(step, epoch, bestLoss, false);
                }
                carryH = carryC = null;
            } else {
                long batches = (train.size() + B - 1) / B;
                for (long k = position; k < batches; k++) {
                    int from = (int) (k * B), n = Math.min(B, train.size() - from);
                    int[] idx = java.util.Arrays.copyOfRange(order, from, from + n);
                    trainStep(Batch.of(train, idx, model.config, classes), total);
                    if (afterStep(total)) return new Result(step, epoch, bestLoss, false);
                }
            }
            epoch++;
            position = 0;
            early = endOfEpoch(val, total);
            if (early) break;
        }
        report(total, epoch, Double.NaN, early ? null : "done");
        saveIfConfigured();
        return new Result(step, epoch, bestLoss, early);
    }

    private void trainStep(Batch batch, long total) {
        Tensor h0 = null, c0 = null;
        if (batch.reset() != null && carryH != null) {
            h0 = resetLanes(carryH, batch.reset());
            c0 = carryC == null ? null : resetLanes(carryC, batch.reset());
        }
        model.zeroGrads();
        SequenceModel.Output out = model.forward(batch.x(), batch.lengths(), h0, c0, model.config.dropout() > 0 ? dropout : null);
        Loss.Value v = loss.compute(out.logits(), batch.target(), batch.mask());
        model.backward(v.grad());
        double lr = config.schedule().lr(step);
        Optimizer.StepReport r = optimizer.update(model.params, model.grads, v.loss(), lr, config.clipping());
        if (batch.reset() != null) {
            carryH = out.hn();     // values only: the next chunk's backward stops here (truncation)
            carryC = out.cn();
        }
        step++;
        position++;
        lastNorm = r.gradNorm();
        lastLr = lr;
        if (r.applied()) {
            lossSum += v.loss();
            lossCount++;
        } else {
            report(total, epoch + 1, Double.NaN, r.message());
        }
    }

    /** Reports and checkpoints as configured; true when the step limit is reached. */
    private boolean afterStep(long total) {
        if (step % config.reportEvery() == 0) report(total, epoch + 1, Double.NaN, null);
        boolean last = config.maxSteps() > 0 && step >= config.maxSteps();
        boolean due = config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0
                || config.checkpointSeconds() > 0 && System.nanoTime() - lastCheckpoint >= config.checkpointSeconds() * 1e9;
        if (config.checkpoint() != null && due && !last) save(config.checkpoint());
        if (last) {
            if (step % config.reportEvery() != 0) report(total, epoch + 1, Double.NaN, null);
            saveIfConfigured();
        }
        return last;
    }

    /** Validation loss and early stopping; true to stop. */
    private boolean endOfEpoch(List<Example> val, long total) {
        if (val.isEmpty()) return false;
        double v = evaluate(val);
        String message = null;
        boolean stop = false;
        if (v < bestLoss) {
            bestLoss = v;
            badEpochs = 0;
            bestParams = model.params.clone();
        } else if (++badEpochs >= config.patience() && config.patience() > 0) {
            if (bestParams != null) System.arraycopy(bestParams, 0, model.params, 0, model.params.length);
            message = "early stop: no better validation loss in " + badEpochs + " epochs"
                    + (bestParams != null ? "; restored the best (" + bestLoss + ")" : " (validation loss " + v + ")");
            stop = true;
        }
        report(total, epoch, v, message);
        return stop;
    }

    /** Mean loss over the examples, whole sequences, no dropout, weighted by sequences per batch. */
    public double evaluate(List<Example> examples) {
        double sum = 0;
        int B = config.batchSize();
        for (int from = 0; from < examples.size(); from += B) {
            int n = Math.min(B, examples.size() - from);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = from + i;
            Batch b = Batch.of(examples, idx, model.config, classes);
            Tensor logits = model.forward(b.x(), b.lengths(), null, null, null).logits();
            sum += loss.compute(logits, b.target(), b.mask()).loss() * n;
        }
        return sum / examples.size();
    }

    private void report(long total, int shownEpoch, double validation, String message) {
        long now = System.nanoTime();
        double secs = (now - lastReportNanos) / 1e9, rate = secs > 0 ? (step - lastReportStep) / secs : 0;
        double eta = rate > 0 ? (total - step) / rate : Double.NaN;
        progress.report(new Progress.Event(step, total, shownEpoch, lossCount > 0 ? lossSum / lossCount : Double.NaN,
                lastNorm, lastLr, rate, eta, validation, message));
        if (message == null) {          // a message (skipped step, early stop) does not end the reporting interval
            lossSum = 0;
            lossCount = 0;
            lastReportStep = step;
            lastReportNanos = now;
        }
    }

    /** The validation split: the first ⌈fraction·n⌉ of a permutation drawn from the seed alone. */
    private void split(List<Example> all, List<Example> train, List<Example> val) {
        int n = all.size(), nVal = config.validation() > 0 ? (int) Math.ceil(config.validation() * n) : 0;
        if (nVal >= n) throw new IllegalArgumentException("a validation fraction of " + config.validation() + " leaves no training examples out of " + n);
        int[] p = nVal > 0 ? new Rng(new Rng(config.seed() ^ 0xBB67AE8584CAA73BL).nextLong()).permutation(n) : null;
        for (int i = 0; i < n; i++) (i < nVal ? val : train).add(all.get(p != null ? p[i] : i));
    }

    /** Epoch e's order: a permutation drawn from (seed, e) alone, so a resumed run draws the same. */
    private int[] epochOrder(int e, int n) {
        return new Rng(new Rng(config.seed() ^ (0x3C6EF372FE94F82BL * (e + 1))).nextLong()).permutation(n);
    }

    private long stepsPerEpoch(List<Example> train, int e) {
        if (config.bpttChunk() > 0) return Lanes.chunks(train, epochOrder(e, train.size()), config.batchSize(), config.bpttChunk());
        return (train.size() + config.batchSize() - 1) / config.batchSize();
    }

    private static Tensor resetLanes(Tensor state, boolean[] reset) {
        // state is (L·D,B,H)
        int LD = state.dim(0), B = state.dim(1), H = state.dim(2);
        Tensor s = new Tensor(state.shape, state.data.clone());
        for (int k = 0; k < LD; k++) for (int b = 0; b < B; b++) if (reset[b]) java.util.Arrays.fill(s.data, (k * B + b) * H, (k * B + b + 1) * H, 0f);
        return s;
    }

    private void saveIfConfigured() {
        if (config.checkpoint() != null) save(config.checkpoint());
    }

    /** The whole training state, as a checkpoint would hold it. */
    public Checkpoint checkpoint() {
        return new Checkpoint(model.stateDict(), optimizer.state(), optimizer.steps, step, epoch, position, dropout.state,
                bestLoss, badEpochs, bestParams, carryH, carryC, model.config.describe(), optimizer.describe(), config.seed(),
                examples);
    }

    /** Writes {@link #checkpoint()} atomically (a crash leaves the previous checkpoint whole). */
    public void save(Path file) {
        try {
            checkpoint().write(file);
            lastCheckpoint = System.nanoTime();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Continues from a checkpoint: the next {@link #fit} (on the same examples) picks up at its step. */
    public void resume(Checkpoint c) {
        if (c.seed() != config.seed()) {
            throw new IllegalArgumentException("checkpoint was trained with seed " + c.seed() + ", this run has seed " + config.seed());
        }
        if (!c.model().equals(model.config.describe())) {
            throw new IllegalArgumentException("checkpoint model is '" + c.model() + "', this run's is '" + model.config.describe() + "'");
        }
        if (!c.optimizerName().equals(optimizer.describe())) {
            throw new IllegalArgumentException("checkpoint optimizer is '" + c.optimizerName() + "', this run uses '" + optimizer.describe() + "'");
        }
        model.load(c.params());
        optimizer.load(c.optimizer(), c.optimizerSteps());
        step = c.step();
        epoch = c.epoch();
        position = c.position();
        dropout.state = c.rng();
        bestLoss = c.bestLoss();
        badEpochs = c.badEpochs();
        bestParams = c.bestParams() == null ? null : c.bestParams().clone();
        carryH = c.carryH();
        carryC = c.carryC();
        examples = c.examples();
    }
}
