package org.gru4j.train;

import org.gru4j.model.Head;
import org.gru4j.model.SequenceModel;
import org.gru4j.tensor.Tensor;

/**
 * A model measured on batches, without dropout: the one evaluator of validation losses, test accuracies and bits per
 * character. Batches run in order (epoch 0 of the source); a batch with {@link Batch#reset} set starts from the state
 * the previous batch ended in (zero in its reset lanes), as in training with truncated BPTT, so a long text is scored
 * with its whole history.
 * <pre>
 * loss        = Σ_b L_b·s_b / Σ_b s_b      L_b the loss's own mean over batch b, s_b its sequences
 * lossPerRow  = Σ_b L_b·r_b / Σ_b r_b      r_b the rows the loss counted (mask, ignore index): the mean over all rows
 * accuracy    = Σ_b right_b / Σ_b r_b      class targets: counted rows whose arg-max logit is the target (else NaN)
 * </pre>
 *
 * @param loss the mean loss weighted by sequences
 * @param lossPerRow the mean loss over all counted rows
 * @param accuracy the share of counted rows classified right, or NaN
 * @param rows the rows counted
 * @param sequences the sequences measured
 */
public record Evaluation(double loss, double lossPerRow, double accuracy, long rows, long sequences) {

    /**
     * Measures the model on every batch of epoch 0, without dropout.
     *
     * @param model the model
     * @param loss the loss
     * @param batches the batches
     * @return the measures
     */
    public static Evaluation of(SequenceModel model, Loss loss, Batches batches) {
        final boolean classes = loss instanceof CrossEntropy;
        final boolean perStep = model.config.head() == Head.PER_STEP && !loss.targetsPerSequence();   // targets (T,B,…), else (B,…)
        final int ignore = ignoreIndex(loss);
        double bySequence = 0, byRow = 0;
        long rows = 0, sequences = 0, right = 0;
        Tensor h = null, c = null;
        for (long k = 0, n = batches.count(0); k < n; k++) {
            Batch b = batches.get(0, k);
            Tensor h0 = null, c0 = null;
            if (b.reset() != null && h != null) {
                h0 = Trainer.resetLanes(h, b.reset());
                c0 = c == null ? null : Trainer.resetLanes(c, b.reset());
            }
            SequenceModel.Output out = model.forward(b.x(), b.lengths(), h0, c0, null);
            double L = loss.compute(out.logits(), b.target(), b.mask()).loss();
            long r = counted(b, perStep, ignore);
            bySequence += L * b.sequences();
            byRow += L * r;
            sequences += b.sequences();
            rows += r;
            if (classes) right += right(out.logits(), b, perStep, ignore);
            h = out.hn();
            c = out.cn();
        }
        return new Evaluation(sequences == 0 ? Double.NaN : bySequence / sequences, rows == 0 ? Double.NaN : byRow / rows,
                classes && rows > 0 ? (double) right / rows : Double.NaN, rows, sequences);
    }

    /** The class a loss leaves out (cross-entropy's ignore index), or Integer.MIN_VALUE when it leaves none out. */
    static int ignoreIndex(Loss loss) {
        return loss instanceof CrossEntropy ce ? ce.ignoreIndex() : Integer.MIN_VALUE;
    }

    /** Rows of the batch's targets that a loss counts: not masked out, not the ignore index. */
    static long counted(Batch b, boolean perStep, int ignore) {
        int N = perStep ? b.x().dim(0) * b.sequences() : b.sequences(), per = b.target().size() / N;
        long n = 0;
        for (int row = 0; row < N; row++) {
            if (b.mask() != null && perStep && !b.mask()[row]) continue;
            if (ignore != Integer.MIN_VALUE && per == 1 && (int) b.target().data[row] == ignore) continue;
            n++;
        }
        return n;
    }

    private static long right(Tensor logits, Batch b, boolean perStep, int ignore) {
        final int C = logits.dim(-1), N = logits.size() / C;
        long n = 0;
        for (int row = 0; row < N; row++) {
            int y = (int) b.target().data[row];
            if (y == ignore || (b.mask() != null && perStep && !b.mask()[row])) continue;
            int best = 0;
            for (int k = 1; k < C; k++) if (logits.data[row * C + k] > logits.data[row * C + best]) best = k;
            if (best == y) n++;
        }
        return n;
    }
}
