package org.gru4j.audio;

/**
 * The feature front end's settings. Lengths are in samples at {@code sampleRate}; the usual speech settings
 * ({@link #standard()}) are a 25 ms window every 10 ms at 16 kHz, a 512-point FFT, pre-emphasis 0.97, a periodic Hann
 * window, 40 HTK mel bands from 20 Hz to 8 kHz over the power spectrum, natural log with a floor of 1e-10.
 *
 * @param nMfcc 0 for log-mel features; otherwise that many DCT-II (orthonormal) coefficients of the log-mel bands
 * @param power 2 for the power spectrum, 1 for the magnitude
 * @param areaNorm Slaney's equal-area filter normalisation
 * @param sampleRate the sample rate in Hz
 * @param windowLength samples per window
 * @param hopLength samples between windows
 * @param nFft FFT size, ≥ the window
 * @param window the window function
 * @param preemphasis x[n] − a·x[n−1]'s a (0: none)
 * @param nMels mel bands M
 * @param fmin the lowest band's edge in Hz
 * @param fmax the highest band's edge in Hz
 * @param scale the mel scale
 * @param logFloor the floor under the log
 */
public record FrontendConfig(int sampleRate, int windowLength, int hopLength, int nFft, Window window,
                             double preemphasis, int nMels, double fmin, double fmax, MelScale scale,
                             boolean areaNorm, double power, int nMfcc, double logFloor) {
    /** The window function, periodic. */
    public enum Window {
        /** 0.5 − 0.5·cos(2πn/N). */
        HANN,
        /** 0.54 − 0.46·cos(2πn/N). */
        HAMMING;

        /**
         * Periodic window of length n (as torch.hann_window / scipy.signal.get_window with fftbins=True).
         *
         * @param n the length
         * @return the window
         */
        public double[] values(int n) {
            double[] w = new double[n];
            double a = this == HANN ? 0.5 : 0.54;
            for (int i = 0; i < n; i++) {
                w[i] = a - (1 - a) * Math.cos(2 * Math.PI * i / n);
            }
            return w;
        }
    }

    /**
     * Checks the lengths, the rate and the band edges.
     *
     * @throws IllegalArgumentException naming what is out of range
     */
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

    /**
     * The usual speech settings (see the class comment).
     *
     * @return the settings
     */
    public static FrontendConfig standard() {
        return new FrontendConfig(16000, 400, 160, 512, Window.HANN, 0.97, 40, 20, 8000, MelScale.HTK, false, 2, 0,
                1e-10);
    }

    /**
     * The same with another number of mel bands.
     *
     * @param n mel bands M
     * @return the settings
     */
    public FrontendConfig withMels(int n) {
        return new FrontendConfig(sampleRate, windowLength, hopLength, nFft, window, preemphasis, n, fmin, fmax, scale,
                areaNorm, power, nMfcc, logFloor);
    }

    /**
     * The same with MFCCs.
     *
     * @param n coefficients (0: log-mel features)
     * @return the settings
     */
    public FrontendConfig withMfcc(int n) {
        return new FrontendConfig(sampleRate, windowLength, hopLength, nFft, window, preemphasis, nMels, fmin, fmax,
                scale, areaNorm, power, n, logFloor);
    }

    /**
     * The settings as string fields (sample_rate, window_length, hop_length, n_fft, window, preemphasis, n_mels, fmin,
     * fmax, scale, area_norm, power, n_mfcc, log_floor), each key prefixed: what a model file's metadata and the
     * fixture files hold.
     *
     * @param prefix put before each key
     * @return key → value
     */
    public java.util.Map<String, String> fields(String prefix) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(prefix + "sample_rate", Integer.toString(sampleRate));
        m.put(prefix + "window_length", Integer.toString(windowLength));
        m.put(prefix + "hop_length", Integer.toString(hopLength));
        m.put(prefix + "n_fft", Integer.toString(nFft));
        m.put(prefix + "window", window.name().toLowerCase(java.util.Locale.ROOT));
        m.put(prefix + "preemphasis", Double.toString(preemphasis));
        m.put(prefix + "n_mels", Integer.toString(nMels));
        m.put(prefix + "fmin", Double.toString(fmin));
        m.put(prefix + "fmax", Double.toString(fmax));
        m.put(prefix + "scale", scale.name().toLowerCase(java.util.Locale.ROOT));
        m.put(prefix + "area_norm", Boolean.toString(areaNorm));
        m.put(prefix + "power", Double.toString(power));
        m.put(prefix + "n_mfcc", Integer.toString(nMfcc));
        m.put(prefix + "log_floor", Double.toString(logFloor));
        return m;
    }

    /**
     * Reads {@link #fields} back; a missing or malformed field throws IllegalArgumentException naming it.
     *
     * @param m the fields
     * @param prefix put before each key
     * @return the settings
     */
    public static FrontendConfig of(java.util.Map<String, String> m, String prefix) {
        java.util.function.Function<String, String> get = k -> {
            String v = m.get(prefix + k);
            if (v == null) throw new IllegalArgumentException("field '" + prefix + k + "' is missing");
            return v;
        };
        try {
            return new FrontendConfig(Integer.parseInt(get.apply("sample_rate")), Integer.parseInt(get.apply("window_length")),
                    Integer.parseInt(get.apply("hop_length")), Integer.parseInt(get.apply("n_fft")),
                    Window.valueOf(get.apply("window").toUpperCase(java.util.Locale.ROOT)),
                    Double.parseDouble(get.apply("preemphasis")), Integer.parseInt(get.apply("n_mels")),
                    Double.parseDouble(get.apply("fmin")), Double.parseDouble(get.apply("fmax")),
                    MelScale.valueOf(get.apply("scale").toUpperCase(java.util.Locale.ROOT)),
                    Boolean.parseBoolean(get.apply("area_norm")), Double.parseDouble(get.apply("power")),
                    Integer.parseInt(get.apply("n_mfcc")), Double.parseDouble(get.apply("log_floor")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("front-end field: " + e.getMessage());
        }
    }

    /**
     * Features per frame.
     *
     * @return D: the MFCCs, or the mel bands
     */
    public int dim() {
        return nMfcc > 0 ? nMfcc : nMels;
    }
}
