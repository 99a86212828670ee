package org.gru4j.speech;

import org.gru4j.audio.FrontendConfig;

/**
 * How audio becomes the recogniser's input and output: the feature front end, frame stacking, normalisation and the
 * output alphabet.
 *
 * @param frontend  log-mel / MFCC settings (16 kHz in; other rates are resampled first)
 * @param stack     k consecutive frames concatenated into one step, k frames apart (shortens the sequence k-fold:
 *                  10 ms frames → 10·k ms steps); 1 for none
 * @param utterance per-utterance mean/variance normalisation (needs the whole utterance); false: the global
 *                  training-set mean and deviation, which a streaming recogniser can apply frame by frame
 * @param symbols   the alphabet's symbols (class i ≥ 1 is symbols[i − 1]; 0 is the blank)
 */
public record SpeechConfig(FrontendConfig frontend, int stack, boolean utterance, String symbols) {
    public SpeechConfig {
        if (stack < 1) throw new IllegalArgumentException("frame stacking must be ≥ 1, got " + stack);
        if (symbols == null || symbols.isEmpty()) throw new IllegalArgumentException("the alphabet is empty");
    }

    /** 40 log-mel bands, 3 frames stacked (30 ms steps), English characters. */
    public static SpeechConfig standard(boolean utterance) {
        return new SpeechConfig(FrontendConfig.standard(), 3, utterance, Alphabet.english().symbols());
    }

    /** Inputs per step of the recurrent stack. */
    public int input() {
        return frontend.dim() * stack;
    }

    public Alphabet alphabet() {
        return new Alphabet(symbols);
    }
}
