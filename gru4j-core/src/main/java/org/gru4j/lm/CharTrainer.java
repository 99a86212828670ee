package org.gru4j.lm;

import org.gru4j.model.SequenceModel;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Clipping;
import org.gru4j.train.CrossEntropy;
import org.gru4j.train.Loss;
import org.gru4j.train.Optimizer;
import org.gru4j.train.Progress;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The training loop of a {@link CharModel}: truncated BPTT over B lanes, data-parallel over R replicas of the network
 * (R threads, each running a contiguous group of lanes), one optimizer step on the summed gradient.
 * <pre>
 * lane b reads x[b·len + t], target x[b·len + t + 1], t = 0 … len−1, in chunks of K steps; state carried chunk to chunk
 * replica r:  L_r = mean over its T·B_r (step, lane) rows of −log p(target);  ∇_r = ∂L_r/∂θ   (from the same θ)
 * L = Σ_r (B_r/B)·L_r  (= the mean over all T·B rows);  ∇ = Σ_r (B_r/B)·∇_r;  clip ∇ by global norm;  Adam step
 * </pre>
 * With R = 1 this is exactly org.gru4j.train.Trainer's truncated-BPTT step; R > 1 changes only the summation order.
 * It stops after the epochs, or after the step during which the wall-clock deadline passes.
 */
final class CharTrainer {
    private final SequenceModel[] replicas;     // replicas[0] holds the parameters the optimizer updates
    private final int[] laneFrom;               // replica r runs lanes laneFrom[r] … laneFrom[r+1]−1
    private final Optimizer optimizer;
    private final Clipping clipping;
    private final double lr;
    private final Loss loss = new CrossEntropy(CrossEntropy.IGNORE_INDEX);

    CharTrainer(SequenceModel[] replicas, int lanes, Optimizer optimizer, Clipping clipping, double lr) {
        this.replicas = replicas;
        this.optimizer = optimizer;
        this.clipping = clipping;
        this.lr = lr;
        int R = replicas.length;
        laneFrom = new int[R + 1];
        for (int r = 0; r <= R; r++) laneFrom[r] = (int) ((long) lanes * r / R);
        for (int r = 1; r < R; r++) System.arraycopy(replicas[0].params, 0, replicas[r].params, 0, replicas[0].params.length);
    }

    /** What a run did. */
    record Result(long steps, int epochs) {}

    /**
     * @param ids      the training text as ids; lane b covers pairs b·len … b·len+len−1
     * @param len      steps per lane per epoch
     * @param epochs   passes at most (0: no cap)
     * @param deadline System.nanoTime() after which training stops (Long.MAX_VALUE: none)
     */
    Result run(int[] ids, int len, int K, int epochs, long deadline, Progress progress) {
        final int R = replicas.length, B = laneFrom[R];
        final long perEpoch = (len + K - 1) / K;
        final long total = epochs > 0 ? perEpoch * epochs : Long.MAX_VALUE;
        ExecutorService pool = R > 1 ? Executors.newFixedThreadPool(R - 1, run -> {
            Thread t = new Thread(run, "gru4j-lm-replica");
            t.setDaemon(true);
            return t;
        }) : null;
        long step = 0;
        int epoch = 0;
        double lossSum = 0, norm = Double.NaN;
        int lossCount = 0;
        long lastStep = 0, lastNanos = System.nanoTime();
        try {
            boolean stop = false;
            while (!stop && (epochs == 0 || epoch < epochs)) {
                Tensor[] h = new Tensor[R], c = new Tensor[R];            // each epoch starts from zero states
                for (int t0 = 0; t0 < len; t0 += K) {
                    final int T = Math.min(K, len - t0), from = t0;
                    List<Future<Double>> futures = new ArrayList<>();
                    double[] losses = new double[R];
                    for (int r = 1; r < R; r++) {
                        final int rr = r;
                        futures.add(pool.submit(() -> replicaStep(rr, ids, len, from, T, h, c)));
                    }
                    losses[0] = replicaStep(0, ids, len, from, T, h, c);
                    for (int r = 1; r < R; r++) losses[r] = futures.get(r - 1).get();
                    // L = Σ (B_r/B)·L_r and ∇ = Σ (B_r/B)·∇_r, into replica 0's gradient
                    double L = 0;
                    float[] g = replicas[0].grads;
                    for (int r = 0; r < R; r++) {
                        double w = (double) (laneFrom[r + 1] - laneFrom[r]) / B;
                        L += w * losses[r];
                        float wf = (float) w;
                        float[] gr = replicas[r].grads;
                        if (r == 0) for (int i = 0; i < g.length; i++) g[i] *= wf;
                        else for (int i = 0; i < g.length; i++) g[i] += wf * gr[i];
                    }
                    Optimizer.StepReport rep = optimizer.update(replicas[0].params, g, L, lr, clipping);
                    for (int r = 1; r < R; r++) System.arraycopy(replicas[0].params, 0, replicas[r].params, 0, g.length);
                    step++;
                    norm = rep.gradNorm();
                    if (rep.applied()) {
                        lossSum += L;
                        lossCount++;
                    }
                    boolean late = System.nanoTime() - deadline >= 0;
                    boolean last = late || (epochs > 0 && step >= total);
                    if (step % 5 == 0 || last || !rep.applied()) {
                        long now = System.nanoTime();
                        double rate = (step - lastStep) / ((now - lastNanos) / 1e9);
                        double eta = total == Long.MAX_VALUE ? Double.NaN : (total - step) / rate;
                        progress.report(new Progress.Event(step, total == Long.MAX_VALUE ? 0 : total, epoch + 1,
                                lossCount > 0 ? lossSum / lossCount : Double.NaN, norm, lr, rate, eta, Double.NaN, rep.message()));
                        lossSum = 0;
                        lossCount = 0;
                        lastStep = step;
                        lastNanos = now;
                    }
                    if (late) {
                        stop = true;
                        break;
                    }
                }
                if (!stop) epoch++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("training was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } finally {
            if (pool != null) pool.shutdownNow();
        }
        return new Result(step, epoch);
    }

    /** Replica r's lanes for steps from … from+T−1: forward, loss, backward; returns its mean loss. */
    private double replicaStep(int r, int[] ids, int len, int from, int T, Tensor[] h, Tensor[] c) {
        SequenceModel m = replicas[r];
        final int b0 = laneFrom[r], Br = laneFrom[r + 1] - b0;
        Tensor x = Tensor.zeros(T, Br), y = Tensor.zeros(T, Br);         // x, y are (T,B_r) ids
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < Br; b++) {
                int at = (b0 + b) * len + from + t;
                x.data[t * Br + b] = ids[at];
                y.data[t * Br + b] = ids[at + 1];
            }
        }
        m.zeroGrads();
        SequenceModel.Output out = m.forward(x, null, h[r], c[r], null);
        Loss.Value v = loss.compute(out.logits(), y, null);
        m.backward(v.grad());
        h[r] = out.hn();       // values only: the next chunk's backward stops here (truncation)
        c[r] = out.cn();
        return v.loss();
    }
}
