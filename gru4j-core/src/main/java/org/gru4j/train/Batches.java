package org.gru4j.train;

import org.gru4j.model.SequenceModelConfig;

import java.util.List;

/**
 * Where a {@link Trainer} gets its batches, epoch by epoch: examples shuffled into mini-batches, truncated-BPTT lanes
 * over long series (a batch whose {@link Batch#reset} is set carries the state from the batch before), or examples
 * generated afresh for each epoch. Batch k of epoch e is a function of (e, k) and the source's settings, so that a run
 * resumed at (e, k) sees what the uninterrupted run saw; the trainer asks for k = position, position + 1, … in order.
 */
public interface Batches {
    /**
     * Batches in epoch e.
     *
     * @param epoch the epoch e, from 0
     * @return the count
     */
    long count(int epoch);

    /**
     * Batch k of epoch e.
     *
     * @param epoch the epoch e, from 0
     * @param k the batch, from 0
     * @return the batch
     */
    Batch get(int epoch, long k);

    /**
     * The examples in order, whole sequences, {@code batch} at a time, no shuffling: for evaluation.
     *
     * @param classes targets are class indices (a cross-entropy loss)
     * @param examples the examples
     * @param model the model's shape
     * @param batch sequences per batch
     * @return the batches
     */
    static Batches inOrder(List<Example> examples, SequenceModelConfig model, int batch, boolean classes) {
        return new ExampleBatches(examples, model, classes, batch, 0, false, 0);
    }

    /**
     * Truncated-BPTT lanes over the series in order (series b in lane b while there are no more series than lanes),
     * chunk steps at a time, the state carried between a lane's chunks: for scoring long series with their history.
     *
     * @param series the series, in order
     * @param model the model's shape
     * @param lanes sequences B per batch
     * @param chunk steps per chunk
     * @param classes targets are class indices
     * @return the batches
     */
    public static Batches lanes(List<Example> series, SequenceModelConfig model, int lanes, int chunk, boolean classes) {
        return new ExampleBatches(series, model, classes, lanes, chunk, false, 0);
    }
}
