package org.gru4j.model;

import org.gru4j.nn.CellKind;
import org.gru4j.nn.RecurrentConfig;

/**
 * The shape of a {@link SequenceModel}: [embedding] → recurrent stack (dropout between layers) → linear head.
 *
 * @param vocab     token vocabulary V for an embedding input, or 0 when the input is raw features
 * @param recurrent the recurrent stack; with an embedding its input size is the embedding size
 * @param dropout   probability of zeroing each output of a recurrent layer that feeds another (PyTorch's
 *                  nn.GRU(dropout=p)); 0 for none. Only while training.
 * @param head      where the head reads the stack
 * @param outputs   outputs O of the head (classes, targets or vocabulary)
 */
public record SequenceModelConfig(int vocab, RecurrentConfig recurrent, double dropout, Head head, int outputs) {

    /**
     * Checks the fields: vocab ≥ 0, a recurrent config and a head, dropout in [0, 1), outputs ≥ 1.
     *
     * @throws IllegalArgumentException naming the field that is out of range
     */
    public SequenceModelConfig {
        if (vocab < 0) throw new IllegalArgumentException("vocab must be ≥ 0 (0: raw features), got " + vocab);
        if (recurrent == null) throw new IllegalArgumentException("recurrent config is required");
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        if (head == null) throw new IllegalArgumentException("head is required");
        if (outputs < 1) throw new IllegalArgumentException("outputs must be ≥ 1, got " + outputs);
    }

    /**
     * Features (T,B,I) → a prediction at every step (T,B,O): forecasting, tagging.
     *
     * @param cell the cell kind
     * @param features input features I
     * @param hidden hidden size H
     * @param layers stacked layers L
     * @param outputs outputs O per step
     * @return the configuration
     */
    public static SequenceModelConfig seqToSeq(CellKind cell, int features, int hidden, int layers, int outputs) {
        return new SequenceModelConfig(0, RecurrentConfig.pytorch(cell, features, hidden, layers, false, true), 0, Head.PER_STEP, outputs);
    }

    /**
     * Features (T,B,I) → one prediction per sequence (B,O): classification, regression of a whole sequence.
     *
     * @param cell the cell kind
     * @param features input features I
     * @param hidden hidden size H
     * @param layers stacked layers L
     * @param outputs outputs O per sequence
     * @return the configuration
     */
    public static SequenceModelConfig seqToOne(CellKind cell, int features, int hidden, int layers, int outputs) {
        return new SequenceModelConfig(0, RecurrentConfig.pytorch(cell, features, hidden, layers, false, true), 0, Head.LAST_STEP, outputs);
    }

    /**
     * Tokens (T,B) → logits over the next token at every step (T,B,V): a character or word language model.
     *
     * @param cell the cell kind
     * @param vocab tokens V
     * @param embedding the embedding's size, the stack's input
     * @param hidden hidden size H
     * @param layers stacked layers L
     * @return the configuration
     */
    public static SequenceModelConfig nextToken(CellKind cell, int vocab, int embedding, int hidden, int layers) {
        return new SequenceModelConfig(vocab, RecurrentConfig.pytorch(cell, embedding, hidden, layers, false, true), 0, Head.PER_STEP, vocab);
    }

    /**
     * The same with another dropout between layers.
     *
     * @param p the probability of zeroing each output of a layer that feeds another, in [0, 1)
     * @return the configuration
     */
    public SequenceModelConfig withDropout(double p) {
        return new SequenceModelConfig(vocab, recurrent, p, head, outputs);
    }

    /**
     * Whether the input is token ids (an embedding) rather than features.
     *
     * @return true for a token model
     */
    public boolean tokens() {
        return vocab > 0;
    }

    /**
     * The configuration in one line, e.g. {@code gru input=8 hidden=16 layers=2 → linear 1 per_step}.
     *
     * @return the description
     */
    public String describe() {
        return (tokens() ? "embedding " + vocab + "×" + recurrent.input() + " → " : "") + recurrent.describe()
                + (dropout > 0 ? " dropout=" + dropout : "") + " → linear " + outputs + " " + head.name().toLowerCase(java.util.Locale.ROOT);
    }
}
