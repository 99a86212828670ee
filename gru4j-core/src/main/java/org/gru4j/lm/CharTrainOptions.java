package org.gru4j.lm;

import org.gru4j.nn.CellKind;

/**
 * How {@link CharModel#train} builds and trains a character model.
 *
 * @param cell          GRU, LSTM, RNN_TANH or RNN_RELU (the file records which)
 * @param hidden        hidden units H per layer
 * @param layers        stacked recurrent layers
 * @param embedding     size E of each character's embedding (the recurrent input)
 * @param seqLen        truncated BPTT: steps per chunk; the state is carried from chunk to chunk of the text
 * @param batch         parallel lanes B, each a contiguous stretch of the training text
 * @param epochs        passes over the training text at most (0: no cap)
 * @param minutes       wall-clock cap on the training loop (0: no cap); evaluation and saving come after it
 * @param lr            Adam's learning rate
 * @param clip          gradient clipping by global norm (0: none)
 * @param seed          seeds the initial weights
 * @param heldOut       fraction of the text, taken from its end, on which validation bits per character are measured
 * @param threads       replicas trained in parallel, each on its share of the lanes (0: one per available processor, each with at least 4 lanes)
 */
public record CharTrainOptions(CellKind cell, int hidden, int layers, int embedding, int seqLen, int batch, int epochs,
                               double minutes, double lr, double clip, long seed, double heldOut, int threads) {

    /**
     * Checks every field's range.
     *
     * @throws IllegalArgumentException naming the field that is out of range
     */
    public CharTrainOptions {
        if (cell == null) throw new IllegalArgumentException("a cell is required");
        positive("hidden", hidden);
        positive("layers", layers);
        positive("embedding", embedding);
        positive("seq-len", seqLen);
        positive("batch", batch);
        if (epochs < 0) throw new IllegalArgumentException("epochs must be ≥ 0 (0: no cap), got " + epochs);
        if (!(minutes >= 0) || Double.isInfinite(minutes)) throw new IllegalArgumentException("minutes must be ≥ 0 (0: no cap), got " + minutes);
        if (epochs == 0 && minutes == 0) throw new IllegalArgumentException("training needs a cap: epochs or minutes");
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
        if (!(clip >= 0)) throw new IllegalArgumentException("clip must be ≥ 0 (0: none), got " + clip);
        if (threads < 0) throw new IllegalArgumentException("threads must be ≥ 0 (0: one per processor), got " + threads);
        if (!(heldOut > 0 && heldOut < 1)) throw new IllegalArgumentException("held-out fraction must be in (0, 1), got " + heldOut);
    }

    private static void positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be ≥ 1, got " + v);
    }

    /**
     * GRU 256×1, embedding 64, seq-len 100, batch 32, Adam 2e-3, clip 1.0, 2 minutes, last 10% held out, a thread per processor.
     *
     * @return the options
     */
    public static CharTrainOptions defaults() {
        return new CharTrainOptions(CellKind.GRU, 256, 1, 64, 100, 32, 0, 2, 2e-3, 1.0, 1, 0.1, 0);
    }

    /**
     * The same with another cell.
     *
     * @param c GRU, LSTM or RNN_TANH
     * @return the options
     */
    public CharTrainOptions withCell(CellKind c) {
        return new CharTrainOptions(c, hidden, layers, embedding, seqLen, batch, epochs, minutes, lr, clip, seed, heldOut, threads);
    }

    /**
     * The same with another size.
     *
     * @param hidden hidden units H per layer
     * @param layers stacked recurrent layers
     * @param embedding the embedding's size E
     * @return the options
     */
    public CharTrainOptions withSize(int hidden, int layers, int embedding) {
        return new CharTrainOptions(cell, hidden, layers, embedding, seqLen, batch, epochs, minutes, lr, clip, seed, heldOut, threads);
    }

    /**
     * The same with another BPTT chunk.
     *
     * @param t steps per chunk
     * @return the options
     */
    public CharTrainOptions withSeqLen(int t) {
        return new CharTrainOptions(cell, hidden, layers, embedding, t, batch, epochs, minutes, lr, clip, seed, heldOut, threads);
    }

    /**
     * The same with another batch.
     *
     * @param b parallel lanes B
     * @return the options
     */
    public CharTrainOptions withBatch(int b) {
        return new CharTrainOptions(cell, hidden, layers, embedding, seqLen, b, epochs, minutes, lr, clip, seed, heldOut, threads);
    }

    /**
     * Caps: passes (0: none) and wall-clock minutes (0: none).
     *
     * @param epochs passes at most
     * @param minutes wall-clock minutes at most
     * @return the options
     */
    public CharTrainOptions withLimits(int epochs, double minutes) {
        return new CharTrainOptions(cell, hidden, layers, embedding, seqLen, batch, epochs, minutes, lr, clip, seed, heldOut, threads);
    }

    /**
     * The same with another learning rate and clipping.
     *
     * @param lr Adam's learning rate
     * @param clip the bound on the global gradient norm (0: none)
     * @return the options
     */
    public CharTrainOptions withOptimizer(double lr, double clip) {
        return new CharTrainOptions(cell, hidden, layers, embedding, seqLen, batch, epochs, minutes, lr, clip, seed, heldOut, threads);
    }

    /**
     * The same with another thread count.
     *
     * @param n replicas (0: one per processor)
     * @return the options
     */
    public CharTrainOptions withThreads(int n) {
        return new CharTrainOptions(cell, hidden, layers, embedding, seqLen, batch, epochs, minutes, lr, clip, seed, heldOut, n);
    }

    /**
     * The same with another seed.
     *
     * @param s seeds the initial weights
     * @return the options
     */
    public CharTrainOptions withSeed(long s) {
        return new CharTrainOptions(cell, hidden, layers, embedding, seqLen, batch, epochs, minutes, lr, clip, s, heldOut, threads);
    }
}
