package org.gru4j.model;

import org.gru4j.nn.Module;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentStepper;

/**
 * Steps a model one event at a time, its state carried: for a {@link SequenceModel}, the embedding row (or the
 * features), one {@link RecurrentStepper} step through the recurrent stack, and the head on the last layer's output; for a bare
 * {@link Recurrent}, the stack's output itself.
 * <pre>
 * x = E[id] (token models) or the features;   h' = stack(x, h);   out = W·h'_last + b   (O)   or h'_last (H)
 * </pre>
 * The one event-at-a-time path: the character sampler, the Flink scorer and the speech recogniser step through it.
 * The state is {@link #stream}'s h (L,H) and, for an LSTM, c (L,H): read, set or {@link #reset} it. Agrees with the
 * model's forward over the same sequence. One thread at a time; make one per stream.
 */
public final class Stepper {
    /** The model stepped, and its recurrent state. */
    public final Module model;
    /** The stepper of the recurrent stack, whose h and c are the state. */
    public final RecurrentStepper stream;
    private final SequenceModel sequence;       // null for a bare Recurrent
    private final float[] x, out;

    /**
     * A stepper of the model, with zero state.
     *
     * @param model a {@link SequenceModel} or a unidirectional {@link Recurrent}
     * @throws IllegalArgumentException when the model cannot be stepped (another kind, or bidirectional)
     */
    public Stepper(Module model) {
        this.model = model;
        if (model instanceof SequenceModel s) {
            this.sequence = s;
            this.stream = new RecurrentStepper(s.stack);
            this.x = new float[s.config.recurrent().input()];
            this.out = new float[s.config.outputs()];
        } else if (model instanceof Recurrent r) {
            this.sequence = null;
            this.stream = new RecurrentStepper(r);
            this.x = null;
            this.out = null;
        } else {
            throw new IllegalArgumentException("cannot step " + model.describe() + " one event at a time");
        }
    }

    /**
     * Outputs per step: the head's (O), or the hidden size for a bare recurrent module.
     *
     * @return O, or H
     */
    public int outputs() {
        return sequence != null ? out.length : stream.model.config.hidden();
    }

    /**
     * Advances by one feature vector (I); returns the outputs (an array reused by the next step).
     *
     * @param features the event's features (I)
     * @return the outputs, valid until the next step
     */
    public float[] step(float[] features) {
        if (sequence != null && sequence.config.tokens()) throw new IllegalArgumentException("a token model steps by token id, not by features");
        float[] h = stream.step(features);
        if (sequence == null) return h;
        sequence.head.step(sequence.params, h, 0, out);
        return out;
    }

    /**
     * Advances by one token id (models with an embedding); returns the logits (V), an array reused by the next step.
     *
     * @param token the event's token id
     * @return the logits, valid until the next step
     */
    public float[] step(int token) {
        if (sequence == null || !sequence.config.tokens()) throw new IllegalArgumentException("only a model with an embedding steps by token id");
        Embedding e = sequence.embedding;
        if (token < 0 || token >= e.vocab) throw new IllegalArgumentException("token id " + token + " is outside 0.." + (e.vocab - 1));
        System.arraycopy(sequence.params, e.weight + token * e.dim, x, 0, e.dim);
        float[] h = stream.step(x);
        sequence.head.step(sequence.params, h, 0, out);
        return out;
    }

    /** Back to the zero state. */
    public void reset() {
        stream.reset();
    }

    /** Repacks the weights after the model's parameters changed. */
    public void refresh() {
        stream.refresh();
    }
}
