package org.gru4j.audio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stepped sine sweep through each conversion: tones in the passband come out as the same tone sampled at the new
 * rate (amplitude and phase), tones above the output Nyquist frequency (which would alias) come out ≥ 75 dB down.
 */
class ResamplerTest {
    static final int[][] RATES = {{44100, 16000}, {48000, 16000}, {8000, 16000}, {22050, 16000}, {16000, 11025},
            {11025, 16000}, {16000, 16001}};

    static float[] tone(double f, int rate, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(2 * Math.PI * f * i / rate + 0.3);
        }
        return x;
    }

    /** Largest |y − expected| over the middle half (the ends see the zero padding). */
    static double middleError(float[] y, float[] expected) {
        double e = 0;
        for (int i = y.length / 4; i < 3 * y.length / 4; i++) {
            e = Math.max(e, Math.abs(y[i] - expected[i]));
        }
        return e;
    }

    static double middleRms(float[] y) {
        double s = 0;
        int n = 0;
        for (int i = y.length / 4; i < 3 * y.length / 4; i++, n++) {
            s += y[i] * y[i];
        }
        return Math.sqrt(s / n);
    }

    @Test
    void passbandToneIsPreserved() {
        for (int[] r : RATES) {
            int from = r[0], to = r[1];
            double nyq = 0.5 * Math.min(from, to);
            Resampler rs = new Resampler(from, to);
            int n = from / 4;
            for (double frac = 0.02; frac <= 0.85; frac += 0.083) {
                double f = frac * nyq;
                float[] y = rs.apply(tone(f, from, n));
                float[] expect = tone(f, to, y.length);
                assertEquals((int) Math.ceil(n * (double) to / from), y.length);
                double err = middleError(y, expect);
                assertTrue(err < 1e-3, from + "→" + to + " tone " + f + " Hz: max error " + err);
            }
        }
    }

    @Test
    void toneAboveOutputNyquistIsRejected() {
        for (int[] r : RATES) {
            int from = r[0], to = r[1];
            if (to >= from) {
                continue; // upsampling: there is no band above the output Nyquist inside the input
            }
            Resampler rs = new Resampler(from, to);
            for (double frac = 1.0; frac < 0.98 * from / (double) to; frac += 0.05) {
                double f = frac * 0.5 * to;
                double rms = middleRms(rs.apply(tone(f, from, from / 4)));
                double db = 20 * Math.log10(rms / Math.sqrt(0.5));
                assertTrue(db < -75, from + "→" + to + " tone " + f + " Hz: only " + db + " dB down");
            }
        }
    }

    @Test
    void upsamplingLeavesNoImages() {
        // 8 kHz → 16 kHz: a 3 kHz tone must not leave an image at 5 kHz; the residual against the exact tone is tiny
        float[] y = Resampler.resample(tone(3000, 8000, 4000), 8000, 16000);
        assertTrue(middleError(y, tone(3000, 16000, y.length)) < 1e-3);
    }

    @Test
    void dcGainIsOneAndSameRateIsIdentity() {
        float[] ones = new float[20000];
        java.util.Arrays.fill(ones, 1f);
        float[] y = Resampler.resample(ones, 44100, 16000);
        assertEquals(1.0, y[y.length / 2], 1e-4);
        float[] x = tone(440, 16000, 100);
        assertTrue(java.util.Arrays.equals(x, Resampler.resample(x, 16000, 16000)));
    }
}
