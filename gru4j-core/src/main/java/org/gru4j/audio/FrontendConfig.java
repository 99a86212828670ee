package org.gru4j.audio;

/**
 * The feature front end's settings. Lengths are in samples at {@code sampleRate}; the usual speech settings
 * ({@link #standard()}) are a 25 ms window every 10 ms at 16 kHz, a 512-point FFT, pre-emphasis 0.97, a periodic Hann
 * window, 40 HTK mel bands from 20 Hz to 8 kHz over the power spectrum, natural log with a floor of 1e-10.
 *
 * @param nMfcc 0 for log-mel features; otherwise that many DCT-II (orthonormal) coefficients of the log-mel bands
 * @param power 2 for the power spectrum, 1 for the magnitude
 * @param areaNorm Slaney's equal-area filter normalisation
 */
public record FrontendConfig(int sampleRate, int windowLength, int hopLength, int nFft, Window window,
                             double preemphasis, int nMels, double fmin, double fmax, MelScale scale,
                             boolean areaNorm, double power, int nMfcc, double logFloor) {
    public enum Window {
        HANN, HAMMING;

        /** Periodic window of length n (as torch.hann_window / scipy.signal.get_window with fftbins=True). */
        public double[] values(int n) {
            double[] w = new double[n];
            double a = this == HANN ? 0.5 : 0.54;
            for (int i = 0; i < n; i++) {
                w[i] = a - (1 - a) * Math.cos(2 * Math.PI * i / n);
            }
            return w;
        }
    }

    public FrontendConfig {
        if (sampleRate <= 0 || windowLength <= 0 || hopLength <= 0 || windowLength > nFft) {
            throw new IllegalArgumentException("front end: need 0 < window (" + windowLength + ") ≤ nFft (" + nFft
                    + "), hop " + hopLength + " > 0, rate " + sampleRate + " > 0");
        }
        if (nMels <= 0 || fmin < 0 || fmax <= fmin || fmax > sampleRate / 2.0 + 1e-9) {
            throw new IllegalArgumentException("front end: need nMels > 0 and 0 ≤ fmin < fmax ≤ rate/2, got " + nMels
                    + " bands " + fmin + "–" + fmax + " Hz at " + sampleRate + " Hz");
        }
        if (nMfcc < 0 || nMfcc > nMels) {
            throw new IllegalArgumentException("front end: nMfcc must be in 0.." + nMels + ", got " + nMfcc);
        }
    }

    public static FrontendConfig standard() {
        return new FrontendConfig(16000, 400, 160, 512, Window.HANN, 0.97, 40, 20, 8000, MelScale.HTK, false, 2, 0,
                1e-10);
    }

    public FrontendConfig withMels(int n) {
        return new FrontendConfig(sampleRate, windowLength, hopLength, nFft, window, preemphasis, n, fmin, fmax, scale,
                areaNorm, power, nMfcc, logFloor);
    }

    public FrontendConfig withMfcc(int n) {
        return new FrontendConfig(sampleRate, windowLength, hopLength, nFft, window, preemphasis, nMels, fmin, fmax,
                scale, areaNorm, power, n, logFloor);
    }

    /** Features per frame. */
    public int dim() {
        return nMfcc > 0 ? nMfcc : nMels;
    }
}
