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
 * (φ/L, φ = n·M mod L), so the taps of each phase are computed once ({@link #MAX_PHASES} at most; beyond that they
 * are computed per output sample, which is slower but the same filter). The sampled kernel sums to 1 at DC; the
 * cutoff sits at {@code ROLLOFF} of the lower Nyquist frequency; with Z = 48 and β = 8 the passband (to ~0.87 of that
 * Nyquist) is flat to ~1e-4 and everything above the lower Nyquist is attenuated by ~80 dB. Samples outside the
 * signal are zero.
 */
public final class Resampler {
    static final double ROLLOFF = 0.92;
    static final int ZEROS = 48;
    static final double BETA = 8.0;
    static final int MAX_PHASES = 4096;

    public final int from, to;
    private final int up, down; // L, M
    private final double fc;    // cutoff, cycles per input sample
    private final int half;     // taps on each side of t_n: k from ⌊t_n⌋ − half + 1 to ⌊t_n⌋ + half
    private final float[] table; // (L, 2·half) or null when L > MAX_PHASES

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
        if (up <= MAX_PHASES && up != down) {
            table = new float[up * 2 * half];
            for (int phase = 0; phase < up; phase++) {
                taps((double) phase / up, table, phase * 2 * half);
            }
        } else {
            table = null;
        }
    }

    /** Resamples {@code x} from {@code from} Hz to {@code to} Hz. */
    public static float[] resample(float[] x, int from, int to) {
        return new Resampler(from, to).apply(x);
    }

    /** x is (n) at {@code from} Hz; the result is (⌈n·L/M⌉) at {@code to} Hz. */
    public float[] apply(float[] x) {
        if (up == down) {
            return x.clone();
        }
        int n = (int) ((x.length * (long) up + down - 1) / down);
        float[] y = new float[n];
        float[] scratch = table == null ? new float[2 * half] : null;
        int width = 2 * half;
        for (int i = 0; i < n; i++) {
            long num = (long) i * down;
            int base = (int) (num / up);
            int phase = (int) (num % up);
            float[] w;
            int off;
            if (table != null) {
                w = table;
                off = phase * width;
            } else {
                taps((double) phase / up, scratch, 0);
                w = scratch;
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
