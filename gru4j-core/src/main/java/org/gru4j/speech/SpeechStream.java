package org.gru4j.speech;

import org.gru4j.audio.Frontend;
import org.gru4j.model.Stepper;

import java.util.Arrays;

/**
 * Streaming recognition with a unidirectional model: audio arrives in chunks; each complete 25 ms window becomes a
 * feature frame (normalised causally, {@link SpeechModel#causal}), every k frames one stacked step goes through the
 * {@link Stepper} (state carried in its {@code RecurrentStepper}), and greedy CTC emits a character when the best class is
 * neither blank nor the previous step's class. Fed the same audio, {@link #accept} then {@link #finish} give the
 * offline greedy transcript.
 */
public final class SpeechStream {
    private final SpeechModel model;
    private final Frontend frontend;
    private final Stepper stepper;
    private final int hop, win, dim, k;
    private float[] buf = new float[16000];
    private int len;           // samples held in buf
    private long consumedBase; // absolute index of buf[0]
    private long nextFrame;    // absolute index of the next frame's first sample
    private boolean anyFrame;
    private long frames;                                  // frames normalised so far
    private final double[] sums;                          // the running sums of the causal normalisation
    private final float[] stacked;
    private int inStack;       // frames in the stack buffer
    private int prev = -1;     // the last step's best class
    private final StringBuilder text = new StringBuilder();

    /**
     * A stream of a unidirectional, causally normalised model.
     *
     * @param model the model
     * @throws IllegalArgumentException when it is bidirectional or normalises per utterance
     */
    public SpeechStream(SpeechModel model) {
        if (model.net.config.recurrent().bidirectional()) {
            throw new IllegalArgumentException("streaming needs a unidirectional model (train without --bidirectional)");
        }
        if (model.config.utterance()) {
            throw new IllegalArgumentException("streaming needs causal feature normalisation; this model normalises per utterance (train without --bidirectional)");
        }
        this.model = model;
        this.frontend = new Frontend(model.config.frontend());
        this.stepper = new Stepper(model.net);
        hop = model.config.frontend().hopLength();
        win = model.config.frontend().windowLength();
        dim = model.config.frontend().dim();
        k = model.config.stack();
        stacked = new float[k * dim];
        sums = new double[dim];
    }

    /**
     * Feeds samples at the model's rate; returns the characters recognised in this chunk (maybe empty).
     *
     * @param samples the samples
     * @return the new characters
     */
    public String accept(float[] samples) {
        if (len + samples.length > buf.length) {
            // drop what no future frame needs, keeping one sample before the next frame for pre-emphasis
            int keepFrom = (int) Math.max(0, nextFrame - 1 - consumedBase);
            if (keepFrom > 0) {
                System.arraycopy(buf, keepFrom, buf, 0, len - keepFrom);
                len -= keepFrom;
                consumedBase += keepFrom;
            }
            if (len + samples.length > buf.length) buf = Arrays.copyOf(buf, Math.max(2 * buf.length, len + samples.length));
        }
        System.arraycopy(samples, 0, buf, len, samples.length);
        len += samples.length;
        int before = text.length();
        while (nextFrame + win <= consumedBase + len) {
            frame(len);
        }
        return text.substring(before);
    }

    /**
     * Ends the utterance (a short signal still gives one frame; a partial stack is zero-padded); returns the last characters.
     *
     * @return the last characters
     */
    public String finish() {
        int before = text.length();
        if (!anyFrame) frame(len);
        if (inStack > 0) {
            Arrays.fill(stacked, inStack * dim, stacked.length, 0f);
            step();
        }
        return text.substring(before);
    }

    /**
     * The whole transcript so far.
     *
     * @return the transcript
     */
    public String text() {
        return model.alphabet.normalize(text.toString());
    }

    private void frame(int limit) {
        int start = (int) (nextFrame - consumedBase);
        frontend.frame(buf, start, limit, stacked, inStack * dim);
        for (int j = 0; j < dim; j++) {
            int i = inStack * dim + j;
            stacked[i] = model.causal(stacked[i], j, frames, sums);
        }
        frames++;
        anyFrame = true;
        nextFrame += hop;
        if (++inStack == k) step();
    }

    private void step() {
        float[] logits = stepper.step(stacked);
        int best = 0;
        for (int c = 1; c < logits.length; c++) {
            if (logits[c] > logits[best]) best = c;
        }
        if (best != prev && best != Alphabet.BLANK) text.append(model.alphabet.symbols().charAt(best - 1));
        prev = best;
        inStack = 0;
    }
}
