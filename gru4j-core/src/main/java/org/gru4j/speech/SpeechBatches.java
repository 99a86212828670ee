package org.gru4j.speech;

import org.gru4j.audio.SpecAugment;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Batch;
import org.gru4j.train.Batches;
import org.gru4j.train.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * Utterances as the {@link org.gru4j.train.Trainer}'s batch source: sorted by length and cut into mini-batches of
 * similar lengths (little padding), the batches' order drawn afresh each epoch from (seed, epoch). Batch k of epoch e
 * copies each utterance's raw features, masks them with SpecAugment (generator seeded by (seed, e, k)), normalises,
 * stacks, and pads them to (T, B, I) with lengths and a mask; the targets are {@link CtcLoss#targets}.
 */
public final class SpeechBatches implements Batches {
    private final SpeechModel model;
    private final List<List<Utterance>> batches = new ArrayList<>();
    private final SpecAugment augment;
    private final long seed;
    private final boolean shuffle;
    /** Audio seconds in all the batches (one epoch). */
    public final double seconds;

    /**
     * The batches of utterances.
     *
     * @param utterances the utterances
     * @param model the model whose input they become
     * @param batchSize utterances per batch
     * @param augment SpecAugment, or null
     * @param seed the order's and the masks' seed
     * @param shuffle sort by length and draw the batches' order each epoch; false keeps the utterances' order
     * @throws IllegalArgumentException when there are no utterances
     */
    public SpeechBatches(List<Utterance> utterances, SpeechModel model, int batchSize, SpecAugment augment, long seed,
                         boolean shuffle) {
        if (utterances.isEmpty()) throw new IllegalArgumentException("no utterances");
        this.model = model;
        this.augment = augment;
        this.seed = seed;
        this.shuffle = shuffle;
        List<Utterance> sorted = new ArrayList<>(utterances);
        if (shuffle) sorted.sort((a, b) -> Integer.compare(a.features().length, b.features().length));
        double s = 0;
        for (int i = 0; i < sorted.size(); i += batchSize) {
            batches.add(sorted.subList(i, Math.min(sorted.size(), i + batchSize)));
        }
        for (Utterance u : sorted) s += u.seconds();
        seconds = s;
    }

    @Override
    public long count(int epoch) {
        return batches.size();
    }

    @Override
    public Batch get(int epoch, long k) {
        int index = (int) k;
        if (shuffle) {
            int[] order = new Rng(new Rng(seed * 0x9E3779B97F4A7C15L + epoch).nextLong()).permutation(batches.size());
            index = order[(int) k];
        }
        Rng rng = new Rng(seed ^ (0xBF58476D1CE4E5B9L * (epoch + 1)) ^ (0x94D049BB133111EBL * (k + 1)));
        return batch(batches.get(index), rng);
    }

    private Batch batch(List<Utterance> us, Rng rng) {
        int f = model.config.frontend().dim(), in = model.config.input(), b = us.size(), t = 0;
        float[][] inputs = new float[b][];
        int[] lengths = new int[b];
        int[][] labels = new int[b][];
        for (int u = 0; u < b; u++) {
            float[] x = us.get(u).features().clone();
            if (augment != null) augment.apply(x, f, rng);
            model.normalize(x);
            inputs[u] = SpeechModel.stack(x, f, model.config.stack());
            lengths[u] = inputs[u].length / in;
            labels[u] = us.get(u).labels();
            t = Math.max(t, lengths[u]);
        }
        // x is (T, B, I), zero past each length
        Tensor x = Tensor.zeros(t, b, in);
        boolean[] mask = new boolean[t * b];
        for (int u = 0; u < b; u++) {
            for (int s = 0; s < lengths[u]; s++) {
                System.arraycopy(inputs[u], s * in, x.data, (s * b + u) * in, in);
                mask[s * b + u] = true;
            }
        }
        return new Batch(x, CtcLoss.targets(labels), lengths, mask, null);
    }
}
