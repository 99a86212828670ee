package org.gru4j.audio;

/**
 * Band-limited sample-rate conversion by a Kaiser-windowed sinc, run as a polyphase filter for the rational ratio
 * {@code to/from = L/M} (reduced by their gcd).
 *
 * <p>Output sample n sits at input time t_n = n·M/L (in input samples) and is
 * <pre>
 *   y[n] = Σ_k x[k] · g(t_n − k),   g(t) = 2·f_c · sinc(2·f_c·t) · kaiser(t / (Z / (2·f_c)))
 *   f_c  = ROLLOFF · ½ · min(1, L/M)        (cycles per input sample)
 * </pre>
 * with Z zero crossings of the sinc on each side. The fractional offset t_n − ⌊t_n⌋ takes only L values
 * (φ/L, φ = n·M mod L), so the taps of each phase are computed once; beyond {@link #MAX_PHASES} phases the taps
 * at φ/L are interpolated linearly between the nearest two of MAX_PHASES + 1 equally spaced phases (an error of
 * order (1/MAX_PHASES)² of the kernel's curvature, far below the stopband). The sampled kernel sums to 1 at DC; the
 * cutoff sits at {@code ROLLOFF} of the lower Nyquist frequency; with Z = 48 and β = 8 the passband (to ~0.87 of that
 * Nyquist) is flat to ~1e-4 and everything above the lower Nyquist is attenuated by ~80 dB. Samples outside the
 * signal are zero.
 */
public final class Resampler {
    static final double ROLLOFF = 0.92;
    static final int ZEROS = 48;
    static final double BETA = 8.0;
    static final int MAX_PHASES = 4096;

    /** The sample rates, in Hz. */
    public final int from, to;
    private final int up, down; // L, M
    private final double fc;    // cutoff, cycles per input sample
    private final int half;     // taps on each side of t_n: k from ⌊t_n⌋ − half + 1 to ⌊t_n⌋ + half
    private final int phases;    // rows of the table in use: L, or MAX_PHASES (interpolated) when L is larger
    private final float[] table; // (phases [+1], 2·half)

    /**
     * A resampler between two rates, its taps computed.
     *
     * @param from the input rate in Hz
     * @param to the output rate in Hz
     * @throws IllegalArgumentException when a rate is not positive
     */
    public Resampler(int from, int to) {
        if (from <= 0 || to <= 0) {
            throw new IllegalArgumentException("sample rates must be positive, got " + from + " → " + to);
        }
        this.from = from;
        this.to = to;
        int g = gcd(from, to);
        up = to / g;
        down = from / g;
        fc = ROLLOFF * 0.5 * Math.min(1.0, (double) up / down);
        half = (int) Math.ceil(ZEROS / (2 * fc)) + 1;
        // exact phases when there are few; otherwise MAX_PHASES + 1 of them, interpolated linearly
        phases = up <= MAX_PHASES ? up : MAX_PHASES;
        int rows = up <= MAX_PHASES ? up : MAX_PHASES + 1;
        table = new float[rows * 2 * half];
        if (up != down) {
            for (int phase = 0; phase < rows; phase++) {
                taps((double) phase / phases, table, phase * 2 * half);
            }
        }
    }

    /**
     * Resamples {@code x} from {@code from} Hz to {@code to} Hz.
     *
     * @param x the samples
     * @param from their rate in Hz
     * @param to the rate wanted
     * @return the resampled samples
     */
    public static float[] resample(float[] x, int from, int to) {
        return new Resampler(from, to).apply(x);
    }

    /**
     * x is (n) at {@code from} Hz; the result is (⌈n·L/M⌉) at {@code to} Hz.
     *
     * @param x the samples
     * @return the resampled samples
     */
    public float[] apply(float[] x) {
        if (up == down) {
            return x.clone();
        }
        int n = (int) ((x.length * (long) up + down - 1) / down);
        float[] y = new float[n];
        int width = 2 * half;
        boolean exact = phases == up;
        float[] mixed = exact ? null : new float[width];
        for (int i = 0; i < n; i++) {
            long num = (long) i * down;
            int base = (int) (num / up);
            int phase = (int) (num % up);
            float[] w;
            int off;
            if (exact) {
                w = table;
                off = phase * width;
            } else {
                // g at offset φ/L from rows p and p+1 of the MAX_PHASES grid, linearly
                double pos = (double) phase * phases / up;
                int p = (int) pos;
                float f = (float) (pos - p);
                for (int j = 0; j < width; j++) {
                    mixed[j] = table[p * width + j] + f * (table[(p + 1) * width + j] - table[p * width + j]);
                }
                w = mixed;
                off = 0;
            }
            // tap j multiplies x[base − half + 1 + j]
            int k0 = base - half + 1;
            int jStart = Math.max(0, -k0), jEnd = Math.min(width, x.length - k0);
            double acc = 0;
            for (int j = jStart; j < jEnd; j++) {
                acc += w[off + j] * x[k0 + j];
            }
            y[i] = (float) acc;
        }
        return y;
    }

    /** Taps for fractional offset {@code frac} ∈ [0,1): out[j] = g(frac + half − 1 − j). */
    private void taps(double frac, float[] out, int off) {
        double radius = ZEROS / (2 * fc);
        double i0beta = besselI0(BETA);
        for (int j = 0; j < 2 * half; j++) {
            double t = frac + half - 1 - j;
            double u = t / radius;
            if (Math.abs(u) >= 1) {
                out[off + j] = 0;
                continue;
            }
            double window = besselI0(BETA * Math.sqrt(1 - u * u)) / i0beta;
            out[off + j] = (float) (2 * fc * sinc(2 * fc * t) * window);
        }
    }

    static double sinc(double x) {
        if (Math.abs(x) < 1e-12) {
            return 1;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** Modified Bessel function of the first kind, order 0: Σ ((x/2)^k / k!)². */
    static double besselI0(double x) {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 200; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
