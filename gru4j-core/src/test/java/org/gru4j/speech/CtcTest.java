package org.gru4j.speech;

import org.gru4j.io.Safetensors;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CTC loss and gradient against torch.nn.functional.ctc_loss fixtures (1e-5 relative), against a brute-force sum
 * over every alignment for tiny cases, and against central finite differences.
 */
class CtcTest {
    static final Path DIR = Path.of("src/test/resources/speech-fixtures");

    @Test
    void matchesPytorch() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("ctc_")).sorted().toList();
        }
        assertTrue(files.size() >= 7, "fixtures missing: run scripts/make_speech_fixtures.py");
        for (Path f : files) {
            Safetensors.Contents c = Safetensors.read(f);
            Tensor logits = c.tensors().get("logits");
            int t = logits.shape[0], b = logits.shape[1], cl = logits.shape[2];
            float[] flat = c.tensors().get("targets").data;
            float[] tl = c.tensors().get("target_lengths").data;
            int[] il = toInts(c.tensors().get("input_lengths").data);
            int[][] targets = new int[b][];
            int at = 0;
            for (int u = 0; u < b; u++) {
                targets[u] = new int[(int) tl[u]];
                for (int i = 0; i < targets[u].length; i++) targets[u][i] = (int) flat[at++];
            }
            int blank = Integer.parseInt(c.metadata().get("blank"));
            Ctc.Reduction red = Ctc.Reduction.valueOf(c.metadata().get("reduction").toUpperCase());
            Ctc.Result r = Ctc.loss(logits.data, t, b, cl, targets, il, blank, red, false);
            double expect = c.tensors().get("loss").data[0];
            assertEquals(expect, r.loss(), 1e-5 * Math.abs(expect), f + " loss");
            float[] per = c.tensors().get("per_utterance").data;
            for (int u = 0; u < b; u++) {
                assertEquals(per[u], r.perUtterance()[u], 1e-5 * Math.abs(per[u]) + 1e-6, f + " utterance " + u);
            }
            float[] g = c.tensors().get("grad").data;
            double maxG = 0;
            for (float v : g) maxG = Math.max(maxG, Math.abs(v));
            for (int i = 0; i < g.length; i++) {
                assertEquals(g[i], r.grad()[i], 1e-5 * maxG, f + " grad " + i);
            }
        }
    }

    static int[] toInts(float[] x) {
        int[] r = new int[x.length];
        for (int i = 0; i < x.length; i++) r[i] = (int) x[i];
        return r;
    }

    /** p(l|u) as the sum over all C^T frame labellings that collapse (merge repeats, drop blanks) to l. */
    static double bruteForce(double[][] logY, int[] target, int blank) {
        int t = logY.length, c = logY[0].length;
        int[] path = new int[t];
        double total = 0;
        long count = (long) Math.pow(c, t);
        for (long code = 0; code < count; code++) {
            long v = code;
            for (int f = 0; f < t; f++) {
                path[f] = (int) (v % c);
                v /= c;
            }
            List<Integer> out = new ArrayList<>();
            int prev = -1;
            for (int p : path) {
                if (p != prev && p != blank) out.add(p);
                prev = p;
            }
            if (out.size() != target.length) continue;
            boolean same = true;
            for (int i = 0; i < target.length; i++) same &= out.get(i) == target[i];
            if (!same) continue;
            double lp = 0;
            for (int f = 0; f < t; f++) lp += logY[f][path[f]];
            total += Math.exp(lp);
        }
        return total;
    }

    @Test
    void matchesBruteForceOverAlignments() {
        Random r = new Random(5);
        int[][] targets = {{}, {1}, {2, 2}, {1, 2, 1}, {3, 3, 3}, {1, 3}};
        for (int[] target : targets) {
            for (int blank : new int[]{0, 3}) {
                if (contains(target, blank)) continue;
                int t = 6, c = 4;
                float[] logits = new float[t * c];
                for (int i = 0; i < logits.length; i++) logits[i] = (float) r.nextGaussian();
                double[][] logY = new double[t][c];
                for (int f = 0; f < t; f++) {
                    double s = 0;
                    for (int k = 0; k < c; k++) s += Math.exp(logits[f * c + k]);
                    for (int k = 0; k < c; k++) logY[f][k] = logits[f * c + k] - Math.log(s);
                }
                double p = bruteForce(logY, target, blank);
                Ctc.Result res = Ctc.loss(logits, t, 1, c, new int[][]{target}, new int[]{t}, blank, Ctc.Reduction.SUM,
                        false);
                if (p == 0) {
                    assertTrue(Double.isInfinite(res.loss()));
                } else {
                    assertEquals(-Math.log(p), res.loss(), 1e-9 * Math.abs(Math.log(p)) + 1e-12,
                            java.util.Arrays.toString(target) + " blank " + blank);
                }
            }
        }
    }

    static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Random r = new Random(9);
        int t = 8, b = 3, c = 5;
        int[][] targets = {{1, 1, 2}, {4}, {}};
        int[] il = {8, 6, 3};
        float[] x = new float[t * b * c];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        for (Ctc.Reduction red : Ctc.Reduction.values()) {
            Ctc.Result res = Ctc.loss(x, t, b, c, targets, il, 0, red, false);
            for (int i = 0; i < x.length; i++) {
                float keep = x[i];
                double h = 1e-2;
                x[i] = (float) (keep + h);
                double up = Ctc.loss(x, t, b, c, targets, il, 0, red, false).loss();
                x[i] = (float) (keep - h);
                double down = Ctc.loss(x, t, b, c, targets, il, 0, red, false).loss();
                x[i] = keep;
                double fd = (up - down) / (2 * h);
                assertEquals(fd, res.grad()[i], 2e-4, red + " logit " + i);
            }
        }
    }

    @Test
    void infeasibleUtteranceIsInfiniteOrZeroed() {
        // two equal labels need 3 frames (a blank between them); give 2
        float[] x = new float[2 * 2 * 3];
        int[][] targets = {{1, 1}, {2}};
        Ctc.Result plain = Ctc.loss(x, 2, 2, 3, targets, new int[]{2, 2}, 0, Ctc.Reduction.MEAN, false);
        assertTrue(Double.isInfinite(plain.loss()));
        Ctc.Result zeroed = Ctc.loss(x, 2, 2, 3, targets, new int[]{2, 2}, 0, Ctc.Reduction.MEAN, true);
        assertTrue(Double.isFinite(zeroed.loss()) && zeroed.loss() > 0);
        for (int f = 0; f < 2; f++) {
            for (int k = 0; k < 3; k++) assertEquals(0f, zeroed.grad()[(f * 2) * 3 + k]);
        }
    }
}
