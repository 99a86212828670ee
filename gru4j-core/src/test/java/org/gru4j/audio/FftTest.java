package org.gru4j.audio;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The real FFT against the O(N²) DFT sum, in double, for every power of two from 2 to 1024. */
class FftTest {
    @Test
    void matchesNaiveDft() {
        Random r = new Random(7);
        for (int n = 2; n <= 1024; n *= 2) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) x[i] = r.nextGaussian();
            double[] re = new double[n / 2 + 1], im = new double[n / 2 + 1];
            new Fft(n).forward(x, re, im);
            for (int k = 0; k <= n / 2; k++) {
                double sr = 0, si = 0;
                for (int j = 0; j < n; j++) {
                    double a = -2 * Math.PI * ((long) k * j % n) / n;
                    sr += x[j] * Math.cos(a);
                    si += x[j] * Math.sin(a);
                }
                assertEquals(sr, re[k], 1e-9 * n, "n=" + n + " k=" + k + " re");
                assertEquals(si, im[k], 1e-9 * n, "n=" + n + " k=" + k + " im");
            }
        }
    }

    @Test
    void powerAndMagnitude() {
        double[] x = new double[16];
        for (int i = 0; i < 16; i++) x[i] = Math.cos(2 * Math.PI * 3 * i / 16);
        double[] p = new double[9], m = new double[9], a = new double[9], b = new double[9];
        Fft f = new Fft(16);
        f.power(x, p, a, b, 2);
        f.power(x, m, a, b, 1);
        assertEquals(64, p[3], 1e-9); // (N/2)²
        assertEquals(8, m[3], 1e-9);
        assertEquals(0, m[2], 1e-9);
    }

    @Test
    void rejectsNonPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new Fft(400));
    }
}
