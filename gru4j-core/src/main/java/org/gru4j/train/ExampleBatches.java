package org.gru4j.train;

import org.gru4j.model.SequenceModelConfig;

import java.util.Arrays;
import java.util.List;

/**
 * A list of examples as batches: epoch e's order is a permutation drawn from (seed, e) alone (or the list's order),
 * cut into mini-batches of whole sequences, or — with a BPTT chunk K — dealt to B lanes that run through their series
 * K steps at a time ({@link Lanes}), the state carried between a lane's chunks and reset where its series ends.
 */
final class ExampleBatches implements Batches {
    private final List<Example> examples;
    private final SequenceModelConfig model;
    private final boolean classes, shuffle;
    private final int batch, chunk;
    private final long seed;
    // truncated BPTT: the lanes of the epoch being read, and the chunk they will give next
    private Lanes lanes;
    private int lanesEpoch = -1;
    private long lanesNext;

    ExampleBatches(List<Example> examples, SequenceModelConfig model, boolean classes, int batch, int chunk, boolean shuffle,
                   long seed) {
        if (examples.isEmpty()) throw new IllegalArgumentException("no examples");
        this.examples = examples;
        this.model = model;
        this.classes = classes;
        this.batch = batch;
        this.chunk = chunk;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    /** Epoch e's order: a permutation drawn from (seed, e) alone, so a resumed run draws the same. */
    int[] order(int epoch) {
        int n = examples.size();
        if (!shuffle) {
            int[] id = new int[n];
            for (int i = 0; i < n; i++) id[i] = i;
            return id;
        }
        return new Rng(new Rng(seed ^ (0x3C6EF372FE94F82BL * (epoch + 1))).nextLong()).permutation(n);
    }

    @Override
    public long count(int epoch) {
        if (chunk > 0) return Lanes.chunks(examples, order(epoch), batch, chunk);
        return (examples.size() + batch - 1) / batch;
    }

    @Override
    public Batch get(int epoch, long k) {
        if (chunk == 0) {
            int[] order = order(epoch);
            int from = (int) (k * batch), n = Math.min(batch, examples.size() - from);
            return Batch.of(examples, Arrays.copyOfRange(order, from, from + n), model, classes);
        }
        if (epoch != lanesEpoch || k < lanesNext) {         // a new epoch, or a resume: replay to chunk k
            lanes = new Lanes(examples, order(epoch), batch);
            lanesEpoch = epoch;
            lanesNext = 0;
        }
        for (; lanesNext < k; lanesNext++) lanes.advance(chunk);
        if (!lanes.advance(chunk)) throw new IllegalArgumentException("epoch " + epoch + " has no chunk " + k);
        lanesNext++;
        return Batch.chunk(examples, lanes.series, lanes.from, lanes.count, chunk, model, classes);
    }
}
