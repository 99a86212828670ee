package org.gru4j.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packed step product against a double triple loop, its split invariance, and its agreement with Gemm.mm. */
class StepGemmTest {
    static float[] rand(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }

    /** C[b, g·Hp + j] = bias + Σ_k A[b,k] W[g·H + j, k], in double: the slow reference. */
    static double ref(float[] a, int aOff, int lda, float[] params, int wOff, int biasOff, int G, int H, int K, int b, int g, int j) {
        double s = biasOff < 0 ? 0 : params[biasOff + g * H + j];
        for (int k = 0; k < K; k++) s += (double) a[aOff + b * lda + k] * params[wOff + (g * H + j) * K + k];
        return s;
    }

    @Test
    void matchesDoubleReferenceAcrossShapes() {
        Random rnd = new Random(11);
        int[] hiddens = {1, 5, 16, 17, 31, 37, 64, 100};
        int[] depths = {1, 3, 16, 64, 129, 300};
        int[] rows = {1, 2, 7, 8, 9, 17, 32};
        for (int trial = 0; trial < 120; trial++) {
            int G = new int[]{1, 3, 4}[rnd.nextInt(3)], H = hiddens[rnd.nextInt(hiddens.length)], K = depths[rnd.nextInt(depths.length)];
            int B = rows[rnd.nextInt(rows.length)], lda = K + rnd.nextInt(3), aOff = rnd.nextInt(4);
            boolean bias = rnd.nextBoolean();
            int wOff = 2, biasOff = bias ? 2 + G * H * K : -1;
            float[] params = rand(rnd, 2 + G * H * K + G * H);
            StepGemm s = new StepGemm(G, H, K);
            s.pack(params, wOff, biasOff);
            float[] a = rand(rnd, aOff + B * lda), c = new float[B * s.ldc];
            s.times(0, B, 0, s.panels, a, aOff, lda, c, 0);
            for (int b = 0; b < B; b++) {
                for (int g = 0; g < G; g++) {
                    for (int j = 0; j < s.padded; j++) {
                        float got = c[b * s.ldc + g * s.padded + j];
                        if (j >= H) {
                            assertEquals(0f, got, "padding past H is zero");
                            continue;
                        }
                        double want = ref(a, aOff, lda, params, wOff, biasOff, G, H, K, b, g, j);
                        assertEquals(want, got, 1e-5 * (1 + Math.sqrt(K)), "G=" + G + " H=" + H + " K=" + K + " B=" + B + " b=" + b + " g=" + g + " j=" + j);
                    }
                }
            }
        }
    }

    @Test
    void anySplitOfRowsAndPanelsGivesTheSameBits() {
        Random rnd = new Random(12);
        for (int G : new int[]{1, 3, 4}) {
            int H = 70, K = 150, B = 21;
            float[] params = rand(rnd, G * H * K + G * H);
            StepGemm s = new StepGemm(G, H, K);
            s.pack(params, 0, G * H * K);
            float[] a = rand(rnd, B * K), whole = new float[B * s.ldc], parts = new float[B * s.ldc];
            s.times(0, B, 0, s.panels, a, 0, K, whole, 0);
            // rows one by one and in odd blocks, panels one by one
            for (int b0 = 0; b0 < B; ) {
                int b1 = Math.min(B, b0 + 1 + rnd.nextInt(10));
                for (int p = 0; p < s.panels; p++) s.times(b0, b1, p, p + 1, a, 0, K, parts, 0);
                b0 = b1;
            }
            assertArrayEquals(whole, parts, "G=" + G);
        }
    }

    /** Same operands, same order of operations: the step product and Gemm.mm (bias, then A·Wᵀ) agree to the bit (either kernel). */
    @Test
    void agreesWithGemmToTheBit() {
        Random rnd = new Random(13);
        for (int[] shape : new int[][]{{3, 256, 64, 32}, {4, 33, 200, 9}, {1, 48, 17, 1}, {3, 512, 32, 1}}) {
            int G = shape[0], H = shape[1], K = shape[2], B = shape[3];
            float[] params = rand(rnd, G * H * K + G * H);
            StepGemm s = new StepGemm(G, H, K);
            s.pack(params, 0, G * H * K);
            float[] a = rand(rnd, B * K), c = new float[B * s.ldc];
            s.times(0, B, 0, s.panels, a, 0, K, c, 0);
            float[] wT = new float[K * G * H], want = new float[B * G * H];
            Gemm.transpose(G * H, K, params, 0, K, wT, 0);
            for (int b = 0; b < B; b++) System.arraycopy(params, G * H * K, want, b * G * H, G * H);
            Gemm.mm(B, G * H, K, a, 0, K, 1, wT, 0, G * H, want, 0, G * H, true);
            for (int b = 0; b < B; b++) {
                for (int g = 0; g < G; g++) {
                    for (int j = 0; j < H; j++) {
                        assertEquals(want[b * G * H + g * H + j], c[b * s.ldc + g * s.padded + j], "G=" + G + " H=" + H + " b=" + b);
                    }
                }
            }
        }
    }
}
