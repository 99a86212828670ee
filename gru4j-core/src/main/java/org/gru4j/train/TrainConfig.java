package org.gru4j.train;

import java.nio.file.Path;

/**
 * How a {@link Trainer} runs.
 *
 * @param epochs          passes over the training examples
 * @param maxSteps        stop after this many steps in all (0: no limit)
 * @param batchSize       sequences per step (with truncated BPTT: parallel lanes)
 * @param schedule        the learning rate at each step
 * @param clipping        gradient clipping (Clipping.NONE for none)
 * @param validation      fraction of the examples held out for validation (0: none), chosen by the seed
 * @param patience        stop after this many epochs without a better validation loss, restoring the best
 *                        parameters (0: never stop early)
 * @param bpttChunk       truncated backpropagation through time: steps per chunk, the state carried from chunk to chunk
 *                        and reset where a series ends (0: each sequence is one chunk)
 * @param seed            seeds the validation split, the shuffling and dropout
 * @param checkpoint      where checkpoints go (null: none)
 * @param checkpointEvery write a checkpoint every this many steps (and at the end), when checkpoint is set
 * @param reportEvery     call the progress callback every this many steps
 * @param checkpointSeconds also write a checkpoint when this much wall-clock time has passed since the last (0: no)
 */
public record TrainConfig(int epochs, long maxSteps, int batchSize, Schedule schedule, Clipping clipping,
                          double validation, int patience, int bpttChunk, long seed, Path checkpoint,
                          long checkpointEvery, int reportEvery, double checkpointSeconds) {

    public TrainConfig {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be ≥ 1, got " + epochs);
        if (maxSteps < 0) throw new IllegalArgumentException("max steps must be ≥ 0, got " + maxSteps);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
        if (schedule == null) throw new IllegalArgumentException("a learning-rate schedule is required");
        if (clipping == null) clipping = Clipping.NONE;
        if (!(validation >= 0 && validation < 1)) throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + validation);
        if (patience < 0) throw new IllegalArgumentException("patience must be ≥ 0, got " + patience);
        if (bpttChunk < 0) throw new IllegalArgumentException("BPTT chunk must be ≥ 0, got " + bpttChunk);
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint interval must be ≥ 0, got " + checkpointEvery);
        if (!(checkpointSeconds >= 0)) throw new IllegalArgumentException("checkpoint interval must be ≥ 0 s, got " + checkpointSeconds);
        if (reportEvery < 1) throw new IllegalArgumentException("report interval must be ≥ 1, got " + reportEvery);
    }

    /** Defaults: 10 epochs, batch 32, constant lr, clip at norm 1, no validation, seed 1, report every 10 steps. */
    public static TrainConfig defaults(double lr) {
        return new TrainConfig(10, 0, 32, new Schedule.Constant(lr), Clipping.byNorm(1), 0, 0, 0, 1, null, 0, 10, 0);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, maxSteps, batchSize, schedule, clipping, validation, patience, bpttChunk, seed, checkpoint, checkpointEvery, reportEvery, checkpointSeconds);
    }

    public TrainConfig withMaxSteps(long s) {
        return new TrainConfig(epochs, s, batchSize, schedule, clipping, validation, patience, bpttChunk, seed, checkpoint, checkpointEvery, reportEvery, checkpointSeconds);
    }

    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(epochs, maxSteps, b, schedule, clipping, validation, patience, bpttChunk, seed, checkpoint, checkpointEvery, reportEvery, checkpointSeconds);
    }

    public TrainConfig withSchedule(Schedule s) {
        return new TrainConfig(epochs, maxSteps, batchSize, s, clipping, validation, patience, bpttChunk, seed, checkpoint, checkpointEvery, reportEvery, checkpointSeconds);
    }

    public TrainConfig withClipping(Clipping c) {
        return new TrainConfig(epochs, maxSteps, batchSize, schedule, c, validation, patience, bpttChunk, seed, checkpoint, checkpointEvery, reportEvery, checkpointSeconds);
    }

    public TrainConfig withValidation(double fraction, int patience) {
        return new TrainConfig(epochs, maxSteps, batchSize, schedule, clipping, fraction, patience, bpttChunk, seed, checkpoint, checkpointEvery, reportEvery, checkpointSeconds);
    }

    public TrainConfig withBptt(int chunk) {
        return new TrainConfig(epochs, maxSteps, batchSize, schedule, clipping, validation, patience, chunk, seed, checkpoint, checkpointEvery, reportEvery, checkpointSeconds);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(epochs, maxSteps, batchSize, schedule, clipping, validation, patience, bpttChunk, s, checkpoint, checkpointEvery, reportEvery, checkpointSeconds);
    }

    public TrainConfig withCheckpoints(Path file, long every) {
        return new TrainConfig(epochs, maxSteps, batchSize, schedule, clipping, validation, patience, bpttChunk, seed, file, every, reportEvery, checkpointSeconds);
    }

    public TrainConfig withReportEvery(int n) {
        return new TrainConfig(epochs, maxSteps, batchSize, schedule, clipping, validation, patience, bpttChunk, seed, checkpoint, checkpointEvery, n, checkpointSeconds);
    }

    /** Also checkpoint every this many minutes of wall-clock time (needs {@link #withCheckpoints}'s file). */
    public TrainConfig withCheckpointMinutes(double minutes) {
        return new TrainConfig(epochs, maxSteps, batchSize, schedule, clipping, validation, patience, bpttChunk, seed, checkpoint, checkpointEvery, reportEvery, minutes * 60);
    }
}
