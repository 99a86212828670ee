package org.gru4j.audio;

/**
 * The two mel scales in use.
 * <pre>
 *   HTK:    m = 2595 · log10(1 + f/700)
 *   SLANEY: m = f / (200/3)                                  for f &lt; 1000 Hz  (the Auditory Toolbox's scale,
 *           m = 15 + ln(f/1000) / (ln(6.4)/27)                for f ≥ 1000 Hz   librosa's default)
 * </pre>
 */
public enum MelScale {
    /** mel = 2595·log10(1 + f/700) (HTK, torchaudio's default). */
    HTK,
    /** Slaney's: linear below 1 kHz, logarithmic above (librosa's default). */
    SLANEY;

    private static final double F_SP = 200.0 / 3, MIN_LOG_HZ = 1000, MIN_LOG_MEL = MIN_LOG_HZ / F_SP,
            LOG_STEP = Math.log(6.4) / 27;

    /**
     * Hz to mel.
     *
     * @param hz a frequency in Hz
     * @return it in mel
     */
    public double toMel(double hz) {
        if (this == HTK) {
            return 2595 * Math.log10(1 + hz / 700);
        }
        return hz < MIN_LOG_HZ ? hz / F_SP : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP;
    }

    /**
     * Mel to Hz.
     *
     * @param mel a frequency in mel
     * @return it in Hz
     */
    public double toHz(double mel) {
        if (this == HTK) {
            return 700 * (Math.pow(10, mel / 2595) - 1);
        }
        return mel < MIN_LOG_MEL ? mel * F_SP : MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL));
    }

    /**
     * Triangular filters over the FFT bins, as librosa.filters.mel / torchaudio.functional.melscale_fbanks build
     * them: n+2 points equally spaced in mel from fmin to fmax; filter m rises linearly (in Hz) from point m to m+1
     * and falls to m+2; with {@code areaNorm} each is scaled by 2/(f_{m+2} − f_m) (Slaney's equal-area norm).
     * The result is (nMels, nFft/2+1).
     *
     * @param nMels filters M
     * @param nFft FFT size
     * @param sampleRate the sample rate in Hz
     * @param fmin the lowest edge in Hz
     * @param fmax the highest edge in Hz
     * @param areaNorm Slaney's equal-area norm
     * @return the filters (M, nFft/2+1)
     */
    public double[][] filterbank(int nMels, int nFft, int sampleRate, double fmin, double fmax, boolean areaNorm) {
        int bins = nFft / 2 + 1;
        double[] hz = new double[nMels + 2];
        double lo = toMel(fmin), hi = toMel(fmax);
        for (int i = 0; i < hz.length; i++) {
            hz[i] = toHz(lo + (hi - lo) * i / (nMels + 1));
        }
        double[][] w = new double[nMels][bins];
        for (int m = 0; m < nMels; m++) {
            double scale = areaNorm ? 2 / (hz[m + 2] - hz[m]) : 1;
            for (int k = 0; k < bins; k++) {
                double f = (double) k * sampleRate / nFft;
                double rise = (f - hz[m]) / (hz[m + 1] - hz[m]);
                double fall = (hz[m + 2] - f) / (hz[m + 2] - hz[m + 1]);
                w[m][k] = Math.max(0, Math.min(rise, fall)) * scale;
            }
        }
        return w;
    }
}
