package org.gru4j.audio;

/**
 * Radix-2 FFT of a real signal, in double: X[k] = Σ_n x[n] e^{−2πi·kn/N} for k = 0..N/2.
 *
 * <p>The N real samples are packed as N/2 complex values z[m] = x[2m] + i·x[2m+1], transformed by an iterative
 * decimation-in-time complex FFT of size N/2, then untangled:
 * <pre>
 *   E[k] = (Z[k] + conj(Z[N/2−k])) / 2          (even samples' spectrum)
 *   O[k] = (Z[k] − conj(Z[N/2−k])) / (2i)       (odd samples' spectrum)
 *   X[k] = E[k] + e^{−2πi·k/N} · O[k]
 * </pre>
 * Twiddles and the bit-reversal permutation are computed once per size; {@link #power} reuses its work arrays, so an
 * instance is for one thread.
 */
public final class Fft {
    /** The transform size N. */
    public final int n;
    private final int half;
    private final int[] reverse;   // bit reversal over half
    private final double[] cos, sin; // e^{−2πi·k/N} for k < N/2
    private final double[] re, im;

    /**
     * A transform of size N, its twiddles computed.
     *
     * @param n N, a power of two ≥ 2
     * @throws IllegalArgumentException when it is not
     */
    public Fft(int n) {
        if (n < 2 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT size must be a power of two ≥ 2, got " + n);
        }
        this.n = n;
        half = n / 2;
        reverse = new int[half];
        int bits = Integer.numberOfTrailingZeros(half);
        for (int i = 0; i < half; i++) {
            reverse[i] = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
        }
        cos = new double[half];
        sin = new double[half];
        for (int k = 0; k < half; k++) {
            double a = -2 * Math.PI * k / n;
            cos[k] = Math.cos(a);
            sin[k] = Math.sin(a);
        }
        re = new double[half];
        im = new double[half];
    }

    /**
     * x is (N) real; outRe, outIm are (N/2+1): the non-negative-frequency half of the spectrum.
     *
     * @param x the signal (N)
     * @param outRe receives the real parts (N/2+1)
     * @param outIm receives the imaginary parts (N/2+1)
     */
    public void forward(double[] x, double[] outRe, double[] outIm) {
        for (int m = 0; m < half; m++) {
            re[reverse[m]] = x[2 * m];
            im[reverse[m]] = x[2 * m + 1];
        }
        // butterflies of the size-N/2 complex FFT; the twiddle for span s at j is e^{−2πi·j/(2s)} = cos/sin[j·N/(2s)]
        for (int span = 1; span < half; span <<= 1) {
            int stride = half / span; // index step into the size-N tables: N/(2·span)
            for (int start = 0; start < half; start += 2 * span) {
                for (int j = 0; j < span; j++) {
                    double wr = cos[j * stride], wi = sin[j * stride];
                    int a = start + j, b = a + span;
                    double tr = wr * re[b] - wi * im[b];
                    double ti = wr * im[b] + wi * re[b];
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
        for (int k = 0; k <= half; k++) {
            int k1 = k % half, k2 = (half - k) % half;
            double zr = re[k1], zi = im[k1];
            double cr = re[k2], ci = -im[k2]; // conj(Z[N/2−k])
            double er = (zr + cr) / 2, ei = (zi + ci) / 2;
            // (Z − conj) / (2i): (a + bi)/(2i) = (b − ai)/2
            double dr = zr - cr, di = zi - ci;
            double or = di / 2, oi = -dr / 2;
            double wr = k < half ? cos[k] : -1, wi = k < half ? sin[k] : 0;
            outRe[k] = er + wr * or - wi * oi;
            outIm[k] = ei + wr * oi + wi * or;
        }
    }

    /**
     * x is (N) real; out is (N/2+1): |X[k]|^exponent (exponent 2 = power, 1 = magnitude).
     *
     * @param x the signal (N)
     * @param out receives the powers (N/2+1)
     * @param workRe work space (N/2+1)
     * @param workIm work space (N/2+1)
     * @param exponent 2 for power, 1 for magnitude
     */
    public void power(double[] x, double[] out, double[] workRe, double[] workIm, double exponent) {
        forward(x, workRe, workIm);
        for (int k = 0; k <= half; k++) {
            double p = workRe[k] * workRe[k] + workIm[k] * workIm[k];
            out[k] = exponent == 2 ? p : exponent == 1 ? Math.sqrt(p) : Math.pow(p, exponent / 2);
        }
    }
}
