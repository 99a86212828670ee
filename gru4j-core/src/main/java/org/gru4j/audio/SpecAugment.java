package org.gru4j.audio;

import java.util.random.RandomGenerator;

/**
 * SpecAugment-style masking for training (Park et al. 2019, without time warping): on features x (T, D),
 * {@code freqMasks} bands of f ~ U[0, F] consecutive channels and {@code timeMasks} spans of t ~ U[0, min(W, p·T)]
 * consecutive frames are set to {@code value} (0 = the mean after per-utterance normalisation).
 *
 * @param freqMasks bands masked
 * @param maxFreq F, the widest band
 * @param timeMasks spans masked
 * @param maxTime W, the longest span
 * @param maxTimeFraction p, the longest span as a share of T
 * @param value what masked features are set to
 */
public record SpecAugment(int freqMasks, int maxFreq, int timeMasks, int maxTime, double maxTimeFraction,
                          float value) {
    /**
     * Two bands of up to 8 channels and two spans of up to 20 frames (a tenth of T at most), set to 0.
     *
     * @return the settings
     */
    public static SpecAugment standard() {
        return new SpecAugment(2, 8, 2, 20, 0.1, 0f);
    }

    /**
     * Masks x (T, D) in place.
     *
     * @param x the features (T, D)
     * @param d D
     * @param rng the generator
     */
    public void apply(float[] x, int d, RandomGenerator rng) {
        int t = x.length / d;
        for (int i = 0; i < freqMasks; i++) {
            int width = rng.nextInt(Math.min(maxFreq, d) + 1);
            int start = rng.nextInt(d - width + 1);
            for (int f = 0; f < t; f++) {
                for (int j = start; j < start + width; j++) {
                    x[f * d + j] = value;
                }
            }
        }
        int limit = (int) Math.min(maxTime, Math.floor(maxTimeFraction * t));
        for (int i = 0; i < timeMasks; i++) {
            int width = rng.nextInt(limit + 1);
            int start = rng.nextInt(t - width + 1);
            java.util.Arrays.fill(x, start * d, (start + width) * d, value);
        }
    }
}
