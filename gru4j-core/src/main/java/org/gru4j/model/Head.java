package org.gru4j.model;

/** Where a {@link SequenceModel}'s linear head reads the recurrent stack. */
public enum Head {
    /** At every step: logits (T,B,O) from y (T,B,D·H). Sequence-to-sequence and next-token models. */
    PER_STEP,
    /**
     * Once per sequence: logits (B,O) from the last layer's final states h_n, directions concatenated (B,D·H). The
     * forward direction's final state is its state at the sequence's last valid step; the reverse direction's is its
     * state after reading the whole sequence back to step 0. Sequence-to-one models.
     */
    LAST_STEP
}
