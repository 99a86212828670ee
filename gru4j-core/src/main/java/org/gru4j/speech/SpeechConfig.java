package org.gru4j.speech;

import org.gru4j.audio.FrontendConfig;

/**
 * How audio becomes the recogniser's input and output: the feature front end, frame stacking, normalisation and the
 * output alphabet.
 *
 * @param frontend  log-mel / MFCC settings (16 kHz in; other rates are resampled first)
 * @param stack     k consecutive frames concatenated into one step, k frames apart (shortens the sequence k-fold:
 *                  10 ms frames → 10·k ms steps); 1 for none
 * @param utterance per-utterance mean/variance normalisation (needs the whole utterance); false: causal — a running
 *                  mean started from the training-set mean, and the training-set deviation, which a streaming
 *                  recogniser applies frame by frame ({@link SpeechModel#causal})
 * @param symbols   the alphabet's symbols (class i ≥ 1 is symbols[i − 1]; 0 is the blank)
 */
public record SpeechConfig(FrontendConfig frontend, int stack, boolean utterance, String symbols) {
    /**
     * Checks the stacking and the alphabet.
     *
     * @throws IllegalArgumentException when stack &lt; 1 or there are no symbols
     */
    public SpeechConfig {
        if (stack < 1) throw new IllegalArgumentException("frame stacking must be ≥ 1, got " + stack);
        if (symbols == null || symbols.isEmpty()) throw new IllegalArgumentException("the alphabet is empty");
    }

    /**
     * 40 log-mel bands, 3 frames stacked (30 ms steps), English characters.
     *
     * @param utterance per-utterance normalisation (false: causal)
     * @return the settings
     */
    public static SpeechConfig standard(boolean utterance) {
        return new SpeechConfig(FrontendConfig.standard(), 3, utterance, Alphabet.english().symbols());
    }

    /**
     * Inputs per step of the recurrent stack.
     *
     * @return k·F
     */
    public int input() {
        return frontend.dim() * stack;
    }

    /**
     * The output classes.
     *
     * @return the alphabet of the symbols
     */
    public Alphabet alphabet() {
        return new Alphabet(symbols);
    }
}
