package org.gru4j.audio;

/**
 * Log-mel filterbank and MFCC features of one utterance.
 * <pre>
 *   y[n]     = x[n] − a·x[n−1]  (y[0] = x[0])                          pre-emphasis over the whole signal
 *   frame t  = y[t·hop … t·hop + win) · w,  zero-padded to nFft          t = 0 … 1 + ⌊(n − win)/hop⌋ − 1
 *   S[t,k]   = |FFT(frame t)[k]|^power                                  k = 0 … nFft/2
 *   L[t,m]   = ln(max(Σ_k F[m,k]·S[t,k], floor))                        F: {@link MelScale#filterbank}
 *   C[t,j]   = Σ_m L[t,m] · c_j cos(π j (2m+1) / (2M)),  c_0 = √(1/M), c_j = √(2/M)   DCT-II, orthonormal
 * </pre>
 * Framing is Kaldi's (no centre padding; a signal shorter than one window gives one zero-padded frame); the
 * filterbank and the DCT are librosa's / torchaudio's (librosa.filters.mel, scipy.fft.dct(norm="ortho")); the log
 * is natural, not dB. One instance holds its work arrays: one thread at a time.
 */
public final class Frontend {
    /** The settings. */
    public final FrontendConfig config;
    private final Fft fft;
    private final double[] window;
    private final double[][] filters; // (M, nFft/2+1)
    private final int[] first, last;  // non-zero bin range per filter
    private final double[][] dct;     // (nMfcc, M)
    private final double[] frame, spec, workRe, workIm, mel;

    /**
     * A front end of these settings, its window, filters and DCT computed.
     *
     * @param config the settings
     */
    public Frontend(FrontendConfig config) {
        this.config = config;
        fft = new Fft(config.nFft());
        window = config.window().values(config.windowLength());
        filters = config.scale().filterbank(config.nMels(), config.nFft(), config.sampleRate(), config.fmin(),
                config.fmax(), config.areaNorm());
        first = new int[filters.length];
        last = new int[filters.length];
        for (int m = 0; m < filters.length; m++) {
            int a = 0, b = filters[m].length - 1;
            while (a < b && filters[m][a] == 0) a++;
            while (b > a && filters[m][b] == 0) b--;
            first[m] = a;
            last[m] = b;
        }
        int nm = config.nMels();
        dct = new double[config.nMfcc()][nm];
        for (int j = 0; j < config.nMfcc(); j++) {
            double c = Math.sqrt((j == 0 ? 1.0 : 2.0) / nm);
            for (int m = 0; m < nm; m++) {
                dct[j][m] = c * Math.cos(Math.PI * j * (2 * m + 1) / (2.0 * nm));
            }
        }
        int bins = config.nFft() / 2 + 1;
        frame = new double[config.nFft()];
        spec = new double[bins];
        workRe = new double[bins];
        workIm = new double[bins];
        mel = new double[nm];
    }

    /**
     * Frames produced from n samples.
     *
     * @param n samples
     * @return the frames T
     */
    public int frames(int n) {
        return n < config.windowLength() ? 1 : 1 + (n - config.windowLength()) / config.hopLength();
    }

    /**
     * x is (n) samples at the configured rate; the result is (T, D) row-major, T = {@link #frames}, D = dim.
     *
     * @param x the samples
     * @return the features (T, D)
     */
    public float[] compute(float[] x) {
        int t = frames(x.length), d = config.dim();
        float[] out = new float[t * d];
        for (int f = 0; f < t; f++) {
            frame(x, f * config.hopLength(), x.length, out, f * d);
        }
        return out;
    }

    /**
     * One frame's features (D) into out[off…]: the window starting at x[start], samples at or past {@code limit}
     * taken as zero; pre-emphasis uses x[start − 1], so start = 0 must be the signal's first sample (a streaming
     * caller keeps one sample before each frame it has yet to compute).
     *
     * @param x the samples
     * @param start the window's first sample
     * @param limit the first sample taken as zero
     * @param out receives the features
     * @param off where in out
     */
    public void frame(float[] x, int start, int limit, float[] out, int off) {
        int win = config.windowLength(), d = config.dim();
        double a = config.preemphasis();
        java.util.Arrays.fill(frame, 0);
        for (int i = 0; i < win && start + i < limit; i++) {
            int n = start + i;
            double y = n == 0 ? x[0] : x[n] - a * x[n - 1];
            frame[i] = y * window[i];
        }
        fft.power(frame, spec, workRe, workIm, config.power());
        for (int m = 0; m < mel.length; m++) {
            double s = 0;
            double[] w = filters[m];
            for (int k = first[m]; k <= last[m]; k++) {
                s += w[k] * spec[k];
            }
            mel[m] = Math.log(Math.max(s, config.logFloor()));
        }
        if (config.nMfcc() == 0) {
            for (int m = 0; m < d; m++) {
                out[off + m] = (float) mel[m];
            }
        } else {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int m = 0; m < mel.length; m++) {
                    s += dct[j][m] * mel[m];
                }
                out[off + j] = (float) s;
            }
        }
    }

    /**
     * Per-utterance mean and variance normalisation, in place: each feature column of x (T, D) gets zero mean and
     * unit variance over the T frames, x ← (x − μ) / √(σ² + 1e-5).
     *
     * @param x the features (T, D), normalised in place
     * @param d D
     */
    public static void normalize(float[] x, int d) {
        int t = x.length / d;
        for (int j = 0; j < d; j++) {
            double s = 0, ss = 0;
            for (int f = 0; f < t; f++) {
                s += x[f * d + j];
            }
            double mu = s / t;
            for (int f = 0; f < t; f++) {
                double v = x[f * d + j] - mu;
                ss += v * v;
            }
            double inv = 1 / Math.sqrt(ss / t + 1e-5);
            for (int f = 0; f < t; f++) {
                x[f * d + j] = (float) ((x[f * d + j] - mu) * inv);
            }
        }
    }
}
