package org.gru4j.train;

import org.gru4j.kernel.Parallel;
import org.gru4j.model.Head;
import org.gru4j.model.SequenceModel;
import org.gru4j.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The training loop of gru4j — every model that trains (the apps, the language model, the long-memory experiment, the
 * speech recogniser) trains here. Batches come from a {@link Batches} source (shuffled examples, truncated-BPTT lanes
 * with carried state, examples generated per epoch); per step one {@link Optimizer#update} (clipping, skipped
 * non-finite steps); validation and early stopping per epoch; atomic checkpoints every N steps or minutes; a
 * step, time or epoch limit; progress through a callback.
 *
 * <p>Per step:
 * <pre>
 * h₀ ← carried state, zero in lanes that start a new series (truncated BPTT), else zero
 * logits = model(x, lengths, h₀);  (L, dL/dlogits) = loss(logits, target, mask);  backward
 * η = schedule(step);  optimizer.update(θ, ∇θ, L, η, clipping)
 * </pre>
 * With {@code threads} R &gt; 1 the batch's sequences are split into R contiguous shares, each run by a replica of the
 * model (the same parameters, its own gradients and activations) on its own thread:
 * <pre>
 * L = Σ_r w_r·L_r,  ∇ = Σ_r w_r·∇_r,   w_r = rows the loss counts in share r / rows it counts in the batch
 * </pre>
 * (exact for losses that average over counted rows; R = 1 is the plain step).
 *
 * <p>Determinism: for a seed, the split, each epoch's order (a function of seed and epoch alone) and the dropout
 * generator (whose state is checkpointed; with replicas, one drawn from (seed, step, replica)) are fixed, so a run
 * resumed from a checkpoint continues bit for bit as the uninterrupted run would have.
 */
public final class Trainer {
    /** The model trained. */
    public final SequenceModel model;
    /** The optimizer over its parameters. */
    public final Optimizer optimizer;
    /** The loss. */
    public final Loss loss;
    /** The run's configuration. */
    public final TrainConfig config;
    private final Progress progress;
    private final boolean classes, perStep;    // perStep: targets (T,B,…) per step, else (B,…) per sequence
    private final SequenceModel[] replicas;   // replicas[0] is the model

    private final Rng dropout;
    private long step, position;
    private int epoch;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int badEpochs;
    private float[] bestParams;
    private Tensor carryH, carryC;
    private int examples = -1;                // how many examples fit was given (a resumed run must get as many)

    // reporting and limits
    private double lastNorm = Double.NaN, lastLr = Double.NaN;
    private double lossSum;
    private int lossCount;
    private long lastReportStep, lastReportNanos, startNanos;
    private long lastCheckpoint = System.nanoTime();

    /**
     * What a run ended with: steps done in all, epochs completed, the best validation loss (∞ without validation).
     *
     * @param steps steps done in all
     * @param epochs epochs completed
     * @param bestValidationLoss the best validation loss, or ∞
     * @param stoppedEarly whether early stopping ended the run
     */
    public record Result(long steps, int epochs, double bestValidationLoss, boolean stoppedEarly) {}

    /**
     * A trainer of the model.
     *
     * @param model the model
     * @param optimizer the optimizer over its parameters
     * @param loss the loss
     * @param config the run's configuration
     * @param progress where it reports
     */
    public Trainer(SequenceModel model, Optimizer optimizer, Loss loss, TrainConfig config, Progress progress) {
        this.model = model;
        this.optimizer = optimizer;
        this.loss = loss;
        this.config = config;
        this.progress = progress == null ? Progress.SILENT : progress;
        this.classes = loss instanceof CrossEntropy;
        this.perStep = model.config.head() == Head.PER_STEP && !loss.targetsPerSequence();
        if (config.epochs() == 0 && config.maxSteps() == 0 && config.maxSeconds() == 0) {
            throw new IllegalArgumentException("training needs a cap: epochs, steps or seconds");
        }
        this.dropout = new Rng(new Rng(config.seed() ^ 0x6A09E667F3BCC909L).nextLong());
        if (config.bpttChunk() > 0) {
            if (!perStep) throw new IllegalArgumentException("truncated BPTT needs a per-step head and per-step targets");
            if (model.config.recurrent().bidirectional()) throw new IllegalArgumentException("truncated BPTT cannot carry a bidirectional state");
        }
        this.replicas = new SequenceModel[config.threads()];
        replicas[0] = model;
        for (int r = 1; r < replicas.length; r++) replicas[r] = model.replica();
    }

    /**
     * Trains on the examples until the epochs, the step or time limit or early stopping end it: the validation split
     * is drawn from the seed, the rest shuffled into mini-batches (or truncated-BPTT lanes) each epoch.
     *
     * @param examples the examples
     * @return what the run ended with
     */
    public Result fit(List<Example> examples) {
        if (examples.isEmpty()) throw new IllegalArgumentException("no training examples");
        if (this.examples >= 0 && this.examples != examples.size()) {
            throw new IllegalArgumentException("the checkpoint was written for " + this.examples + " examples, this run has "
                    + examples.size() + ": resume needs the same data");
        }
        this.examples = examples.size();
        List<Example> train = new ArrayList<>(), val = new ArrayList<>();
        split(examples, train, val);
        Batches batches = new ExampleBatches(train, model.config, classes, config.batchSize(), config.bpttChunk(), config.shuffle(), config.seed());
        return fit(batches, val.isEmpty() ? null : Batches.inOrder(val, model.config, config.batchSize(), classes), config.epochs());
    }

    /**
     * Trains on the source for the configured epochs (or until a limit), validating on {@code validation} (may be null).
     *
     * @param train the training batches
     * @param validation the validation batches, or null
     * @return what the run ended with
     */
    public Result fit(Batches train, Batches validation) {
        return fit(train, validation, config.epochs());
    }

    /**
     * Trains until {@code untilEpoch} epochs are complete (0: no cap), or a limit or early stopping ends the run. A
     * later call continues where this one stopped, so runs that take turns epoch by epoch share one trainer each.
     *
     * @param train the training batches
     * @param validation the validation batches, or null
     * @param untilEpoch the epochs to complete, or 0
     * @return what the run ended with
     */
    public Result fit(Batches train, Batches validation, int untilEpoch) {
        if (config.maxSteps() > 0 && step >= config.maxSteps()) return new Result(step, epoch, bestLoss, false);
        final long perEpoch = train.count(0);
        final long total = config.epochs() == 0 ? config.maxSteps()
                : config.maxSteps() > 0 ? Math.min(config.maxSteps(), perEpoch * config.epochs()) : perEpoch * config.epochs();
        startNanos = lastReportNanos = System.nanoTime();
        lastReportStep = step;
        boolean early = false;
        while (untilEpoch == 0 || epoch < untilEpoch) {
            if (position == 0) carryH = carryC = null;
            for (long k = position, n = train.count(epoch); k < n; k++) {
                trainStep(train.get(epoch, k), total);
                if (afterStep(total)) return new Result(step, epoch, bestLoss, false);
            }
            carryH = carryC = null;
            epoch++;
            position = 0;
            early = validation != null && endOfEpoch(validation, total);
            if (early) break;
        }
        report(total, epoch, Double.NaN, null, true);
        if (config.checkpoints() != null) save();
        return new Result(step, epoch, bestLoss, early);
    }

    private void trainStep(Batch batch, long total) {
        Tensor h0 = null, c0 = null;
        if (batch.reset() != null && carryH != null) {
            h0 = resetLanes(carryH, batch.reset());
            c0 = carryC == null ? null : resetLanes(carryC, batch.reset());
        }
        double L;
        Tensor hn, cn;
        final int B = batch.sequences(), R = Math.min(replicas.length, B);
        if (R == 1) {
            model.zeroGrads();
            SequenceModel.Output out = model.forward(batch.x(), batch.lengths(), h0, c0, model.config.dropout() > 0 ? dropout : null);
            Loss.Value v = loss.compute(out.logits(), batch.target(), batch.mask());
            model.backward(v.grad());
            L = v.loss();
            hn = out.hn();
            cn = out.cn();
        } else {
            // replica r runs sequences from[r] … from[r+1]−1
            final int[] from = new int[R + 1];
            for (int r = 0; r <= R; r++) from[r] = (int) ((long) B * r / R);
            final double[] losses = new double[R];
            final long[] rows = new long[R];
            final SequenceModel.Output[] outs = new SequenceModel.Output[R];
            final Tensor fh = h0, fc = c0;
            final int ignore = Evaluation.ignoreIndex(loss);
            Parallel.run(R, r -> {
                SequenceModel m = replicas[r];
                Batch share = batch.lanes(from[r], from[r + 1], perStep);
                m.zeroGrads();
                Rng drop = model.config.dropout() > 0 ? new Rng(dropout.state ^ (0x9E3779B97F4A7C15L * (step + 1)) ^ (0xBF58476D1CE4E5B9L * (r + 1))) : null;
                outs[r] = m.forward(share.x(), share.lengths(), fh == null ? null : Batch.slice(fh, 1, from[r], from[r + 1]),
                        fc == null ? null : Batch.slice(fc, 1, from[r], from[r + 1]), drop);
                Loss.Value v = loss.compute(outs[r].logits(), share.target(), share.mask());
                m.backward(v.grad());
                losses[r] = v.loss();
                rows[r] = Evaluation.counted(share, perStep, ignore);
            });
            long all = 0;
            for (long n : rows) all += n;
            // L = Σ w_r·L_r and ∇ = Σ w_r·∇_r, into the model's (replica 0's) gradient
            L = 0;
            float[] g = model.grads;
            for (int r = 0; r < R; r++) {
                double w = all > 0 ? (double) rows[r] / all : (double) (from[r + 1] - from[r]) / B;
                L += w * losses[r];
                float wf = (float) w;
                float[] gr = replicas[r].grads;
                if (r == 0) for (int i = 0; i < g.length; i++) g[i] *= wf;
                else for (int i = 0; i < g.length; i++) g[i] += wf * gr[i];
            }
            hn = concatLanes(outs, true);
            cn = outs[0].cn() == null ? null : concatLanes(outs, false);
        }
        double lr = config.schedule().lr(step);
        Optimizer.StepReport r = optimizer.update(model.params, model.grads, L, lr, config.clipping());
        if (batch.reset() != null) {
            carryH = hn;     // values only: the next chunk's backward stops here (truncation)
            carryC = cn;
        }
        step++;
        position++;
        lastNorm = r.gradNorm();
        lastLr = lr;
        if (r.applied()) {
            lossSum += L;
            lossCount++;
        } else {
            report(total, epoch + 1, Double.NaN, r.message(), false);
        }
    }

    /** The replicas' final states (L·D, B_r, H) side by side along B. */
    private static Tensor concatLanes(SequenceModel.Output[] outs, boolean h) {
        Tensor first = h ? outs[0].hn() : outs[0].cn();
        int LD = first.dim(0), H = first.dim(2), B = 0;
        for (SequenceModel.Output o : outs) B += o.hn().dim(1);
        Tensor all = Tensor.zeros(LD, B, H);
        int at = 0;
        for (SequenceModel.Output o : outs) {
            Tensor s = h ? o.hn() : o.cn();
            int b = s.dim(1);
            for (int k = 0; k < LD; k++) System.arraycopy(s.data, k * b * H, all.data, (k * B + at) * H, b * H);
            at += b;
        }
        return all;
    }

    /** Reports and checkpoints as configured; true when the step or time limit is reached. */
    private boolean afterStep(long total) {
        boolean last = config.maxSteps() > 0 && step >= config.maxSteps()
                || config.maxSeconds() > 0 && System.nanoTime() - startNanos >= config.maxSeconds() * 1e9;
        if (last || step % config.reportEvery() == 0) report(total, epoch + 1, Double.NaN, null, last);
        boolean due = config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0
                || config.checkpointSeconds() > 0 && System.nanoTime() - lastCheckpoint >= config.checkpointSeconds() * 1e9;
        if (config.checkpoints() != null && due && !last) save();
        if (last && config.checkpoints() != null) save();
        return last;
    }

    /** Validation loss and early stopping; true to stop. */
    private boolean endOfEpoch(Batches val, long total) {
        double v = Evaluation.of(model, loss, val).loss();
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
        report(total, epoch, v, message, false);
        return stop;
    }

    /**
     * Mean loss over the examples, whole sequences, no dropout, weighted by sequences per batch.
     *
     * @param examples the examples
     * @return the mean loss
     */
    public double evaluate(List<Example> examples) {
        return Evaluation.of(model, loss, Batches.inOrder(examples, model.config, config.batchSize(), classes)).loss();
    }

    private void report(long total, int shownEpoch, double validation, String message, boolean done) {
        long now = System.nanoTime();
        double secs = (now - lastReportNanos) / 1e9, rate = secs > 0 ? (step - lastReportStep) / secs : 0;
        double eta = rate > 0 && total > 0 ? (total - step) / rate : Double.NaN;
        progress.report(new Progress.Event(step, total, shownEpoch, lossCount > 0 ? lossSum / lossCount : Double.NaN,
                lastNorm, lastLr, rate, eta, validation, message, done));
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

    /** A copy of the state (L·D,B,H) with the lanes that start a new series set to zero. */
    static Tensor resetLanes(Tensor state, boolean[] reset) {
        int LD = state.dim(0), B = state.dim(1), H = state.dim(2);
        Tensor s = new Tensor(state.shape, state.data.clone());
        for (int k = 0; k < LD; k++) for (int b = 0; b < B; b++) if (reset[b]) java.util.Arrays.fill(s.data, (k * B + b) * H, (k * B + b + 1) * H, 0f);
        return s;
    }

    /**
     * The whole training state, as a checkpoint would hold it.
     *
     * @return the checkpoint
     */
    public Checkpoint checkpoint() {
        return new Checkpoint(model.stateDict(), optimizer.state(), optimizer.steps, step, epoch, position, dropout.state,
                bestLoss, badEpochs, bestParams, carryH, carryC, model.config.describe(), optimizer.describe(), config.seed(),
                examples);
    }

    /** Hands {@link #checkpoint()} to the configured {@link Checkpoints}. */
    private void save() {
        try {
            config.checkpoints().write(checkpoint());
            lastCheckpoint = System.nanoTime();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint: " + e.getMessage(), e);
        }
    }

    /**
     * Continues from a checkpoint: the next {@link #fit} (on the same data) picks up at its step.
     *
     * @param c the checkpoint
     */
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
