package org.gru4j.train;

/**
 * How a {@link Trainer} runs.
 *
 * @param epochs            passes over the training data (0: no cap — then maxSteps or maxSeconds ends the run)
 * @param maxSteps          stop after this many steps in all (0: no limit)
 * @param maxSeconds        stop after the step during which this much wall-clock time of {@link Trainer#fit} has passed
 *                          (0: no limit)
 * @param batchSize         sequences per step (with truncated BPTT: parallel lanes)
 * @param schedule          the learning rate at each step
 * @param clipping          gradient clipping (Clipping.NONE for none)
 * @param validation        fraction of the examples held out for validation (0: none), chosen by the seed
 * @param patience          stop after this many epochs without a better validation loss, restoring the best
 *                          parameters (0: never stop early)
 * @param bpttChunk         truncated backpropagation through time: steps per chunk, the state carried from chunk to
 *                          chunk and reset where a series ends (0: each sequence is one chunk)
 * @param shuffle           draw each epoch's order of the examples from (seed, epoch); false keeps their order
 * @param threads           data-parallel replicas of the model, each running a contiguous share of the batch's
 *                          sequences on its own thread, their gradients summed into one step (1: none)
 * @param seed              seeds the validation split, the shuffling and dropout
 * @param checkpoints       where checkpoints go (null: none)
 * @param checkpointEvery   write a checkpoint every this many steps (and at the end), when checkpoints is set
 * @param checkpointSeconds also write a checkpoint when this much wall-clock time has passed since the last (0: no)
 * @param reportEvery       call the progress callback every this many steps
 */
public record TrainConfig(int epochs, long maxSteps, double maxSeconds, int batchSize, Schedule schedule, Clipping clipping, double validation, int patience, int bpttChunk, boolean shuffle, int threads, long seed, Checkpoints checkpoints, long checkpointEvery, double checkpointSeconds, int reportEvery) {

    /**
     * Checks every field's range.
     *
     * @throws IllegalArgumentException naming the field that is out of range
     */
    public TrainConfig {
        if (epochs < 0) throw new IllegalArgumentException("epochs must be ≥ 0 (0: no cap), got " + epochs);
        if (maxSteps < 0) throw new IllegalArgumentException("max steps must be ≥ 0, got " + maxSteps);
        if (!(maxSeconds >= 0) || Double.isInfinite(maxSeconds)) throw new IllegalArgumentException("max seconds must be ≥ 0, got " + maxSeconds);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
        if (schedule == null) throw new IllegalArgumentException("a learning-rate schedule is required");
        if (clipping == null) clipping = Clipping.NONE;
        if (!(validation >= 0 && validation < 1)) throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + validation);
        if (patience < 0) throw new IllegalArgumentException("patience must be ≥ 0, got " + patience);
        if (bpttChunk < 0) throw new IllegalArgumentException("BPTT chunk must be ≥ 0, got " + bpttChunk);
        if (threads < 1) throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint interval must be ≥ 0, got " + checkpointEvery);
        if (!(checkpointSeconds >= 0)) throw new IllegalArgumentException("checkpoint interval must be ≥ 0 s, got " + checkpointSeconds);
        if (reportEvery < 1) throw new IllegalArgumentException("report interval must be ≥ 1, got " + reportEvery);
    }

    /**
     * Defaults: 10 epochs, batch 32, constant lr, clip at norm 1, no validation, shuffled, one thread, seed 1, report every 10 steps.
     *
     * @param lr the learning rate
     * @return the configuration
     */
    public static TrainConfig defaults(double lr) {
        return new TrainConfig(10, 0, 0, 32, new Schedule.Constant(lr), Clipping.byNorm(1), 0, 0, 0, true, 1, 1, null, 0, 0, 10);
    }

    /**
     * Passes over the data at most (0: no cap; then steps or seconds must end the run).
     *
     * @param e epochs, ≥ 0
     * @return the configuration
     */
    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, maxSteps, maxSeconds, batchSize, schedule, clipping, validation, patience, bpttChunk, shuffle, threads, seed, checkpoints, checkpointEvery, checkpointSeconds, reportEvery);
    }

    /**
     * Stop after this many steps (0: no limit).
     *
     * @param s steps, ≥ 0
     * @return the configuration
     */
    public TrainConfig withMaxSteps(long s) {
        return new TrainConfig(epochs, s, maxSeconds, batchSize, schedule, clipping, validation, patience, bpttChunk, shuffle, threads, seed, checkpoints, checkpointEvery, checkpointSeconds, reportEvery);
    }

    /**
     * Stop after the step during which this much wall-clock time has passed (0: no limit).
     *
     * @param s seconds, ≥ 0
     * @return the configuration
     */
    public TrainConfig withMaxSeconds(double s) {
        return new TrainConfig(epochs, maxSteps, s, batchSize, schedule, clipping, validation, patience, bpttChunk, shuffle, threads, seed, checkpoints, checkpointEvery, checkpointSeconds, reportEvery);
    }

    /**
     * Sequences per batch.
     *
     * @param b sequences, ≥ 1
     * @return the configuration
     */
    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(epochs, maxSteps, maxSeconds, b, schedule, clipping, validation, patience, bpttChunk, shuffle, threads, seed, checkpoints, checkpointEvery, checkpointSeconds, reportEvery);
    }

    /**
     * The learning rate schedule.
     *
     * @param s the schedule
     * @return the configuration
     */
    public TrainConfig withSchedule(Schedule s) {
        return new TrainConfig(epochs, maxSteps, maxSeconds, batchSize, s, clipping, validation, patience, bpttChunk, shuffle, threads, seed, checkpoints, checkpointEvery, checkpointSeconds, reportEvery);
    }

    /**
     * The gradient clipping.
     *
     * @param c the clipping
     * @return the configuration
     */
    public TrainConfig withClipping(Clipping c) {
        return new TrainConfig(epochs, maxSteps, maxSeconds, batchSize, schedule, c, validation, patience, bpttChunk, shuffle, threads, seed, checkpoints, checkpointEvery, checkpointSeconds, reportEvery);
    }

    /**
     * Holds out a fraction of the examples for validation (chosen by the seed) and stops early on it.
     *
     * @param fraction the share held out, in [0, 1)
     * @param patience epochs without improvement before stopping (0: never stop early)
     * @return the configuration
     */
    public TrainConfig withValidation(double fraction, int patience) {
        return new TrainConfig(epochs, maxSteps, maxSeconds, batchSize, schedule, clipping, fraction, patience, bpttChunk, shuffle, threads, seed, checkpoints, checkpointEvery, checkpointSeconds, reportEvery);
    }

    /**
     * Truncated backpropagation through time in chunks of this many steps (0: whole sequences).
     *
     * @param chunk steps per chunk
     * @return the configuration
     */
    public TrainConfig withBptt(int chunk) {
        return new TrainConfig(epochs, maxSteps, maxSeconds, batchSize, schedule, clipping, validation, patience, chunk, shuffle, threads, seed, checkpoints, checkpointEvery, checkpointSeconds, reportEvery);
    }

    /**
     * Whether each epoch shuffles the examples.
     *
     * @param s true to shuffle
     * @return the configuration
     */
    public TrainConfig withShuffle(boolean s) {
        return new TrainConfig(epochs, maxSteps, maxSeconds, batchSize, schedule, clipping, validation, patience, bpttChunk, s, threads, seed, checkpoints, checkpointEvery, checkpointSeconds, reportEvery);
    }

    /**
     * Data-parallel replicas, each on its share of the batch's sequences (1: none).
     *
     * @param n replicas, ≥ 1
     * @return the configuration
     */
    public TrainConfig withThreads(int n) {
        return new TrainConfig(epochs, maxSteps, maxSeconds, batchSize, schedule, clipping, validation, patience, bpttChunk, shuffle, n, seed, checkpoints, checkpointEvery, checkpointSeconds, reportEvery);
    }

    /**
     * The seed of the validation split, the shuffling and dropout.
     *
     * @param s the seed
     * @return the configuration
     */
    public TrainConfig withSeed(long s) {
        return new TrainConfig(epochs, maxSteps, maxSeconds, batchSize, schedule, clipping, validation, patience, bpttChunk, shuffle, threads, s, checkpoints, checkpointEvery, checkpointSeconds, reportEvery);
    }

    /**
     * Checkpoints every this many steps and at the end (org.gru4j.io.CheckpointFile.to(path) writes them to a file).
     *
     * @param sink where checkpoints go
     * @param every steps between checkpoints
     * @return the configuration
     */
    public TrainConfig withCheckpoints(Checkpoints sink, long every) {
        return new TrainConfig(epochs, maxSteps, maxSeconds, batchSize, schedule, clipping, validation, patience, bpttChunk, shuffle, threads, seed, sink, every, checkpointSeconds, reportEvery);
    }

    /**
     * Reports progress every this many steps.
     *
     * @param n steps
     * @return the configuration
     */
    public TrainConfig withReportEvery(int n) {
        return new TrainConfig(epochs, maxSteps, maxSeconds, batchSize, schedule, clipping, validation, patience, bpttChunk, shuffle, threads, seed, checkpoints, checkpointEvery, checkpointSeconds, n);
    }

    /**
     * Also checkpoint every this many minutes of wall-clock time (needs {@link #withCheckpoints}'s sink).
     *
     * @param minutes minutes between checkpoints
     * @return the configuration
     */
    public TrainConfig withCheckpointMinutes(double minutes) {
        return new TrainConfig(epochs, maxSteps, maxSeconds, batchSize, schedule, clipping, validation, patience, bpttChunk, shuffle, threads, seed, checkpoints, checkpointEvery, minutes * 60, reportEvery);
    }
}
