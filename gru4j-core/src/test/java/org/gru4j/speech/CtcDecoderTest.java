package org.gru4j.speech;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Greedy and prefix beam decoding on hand-made frame posteriors, and the error rates. */
class CtcDecoderTest {
    static final Alphabet A = Alphabet.english();

    /** Frames that are each sure (log-prob 0 vs −10) of one symbol; '_' is the blank. */
    static float[] frames(String path) {
        int c = A.classes();
        float[] x = new float[path.length() * c];
        java.util.Arrays.fill(x, -10f);
        for (int f = 0; f < path.length(); f++) {
            char ch = path.charAt(f);
            x[f * c + (ch == '_' ? 0 : A.index(ch))] = 0f;
        }
        return x;
    }

    @Test
    void greedyMergesRepeatsAndDropsBlanks() {
        CtcDecoder d = new CtcDecoder(A, 1, null);
        float[] x = frames("__oo_n_ee  _tt_w_oo__");
        assertEquals("one two", d.greedy(x, 21, A.classes()));
        assertEquals("one two", d.beamSearch(x, 21, A.classes()));
        assertEquals("oo", d.greedy(frames("o_o"), 3, A.classes())); // a blank separates a doubled letter
    }

    @Test
    void beamBeatsGreedyWhenMassIsSplit() {
        // Two frames: P(a)=0.4, P(blank)=0.6 each. Greedy says "" (p=.36); "a" collects .4·.4+.4·.6+.6·.4 = .64.
        int c = A.classes();
        float[] x = new float[2 * c];
        java.util.Arrays.fill(x, -30f);
        for (int f = 0; f < 2; f++) {
            x[f * c] = (float) Math.log(0.6);
            x[f * c + A.index('a')] = (float) Math.log(0.4);
        }
        CtcDecoder d = new CtcDecoder(A, 8, null);
        assertEquals("", d.greedy(x, 2, c));
        assertEquals("a", d.beamSearch(x, 2, c));
    }

    @Test
    void wordListKeepsOnlyListedWords() {
        // acoustics that say "nime" (one letter off); the word list turns it into "nine" or "five"… the closest
        // listed path. Make 'm' only slightly more likely than 'n' at its frame.
        int c = A.classes();
        String path = "n_i_m_e";
        float[] x = frames(path);
        int f = 4;
        x[f * c + A.index('m')] = (float) Math.log(0.55);
        x[f * c + A.index('n')] = (float) Math.log(0.45);
        CtcDecoder free = new CtcDecoder(A, 8, null);
        CtcDecoder listed = new CtcDecoder(A, 8, List.of("nine", "five", "one"));
        assertEquals("nime", free.beamSearch(x, path.length(), c));
        assertEquals("nine", listed.beamSearch(x, path.length(), c));
    }

    @Test
    void beamWithWideBeamFindsTheMostProbableLabelling() {
        // against brute force on a tiny alphabet of frames restricted to {blank, a, b}
        Random r = new Random(2);
        int c = A.classes(), t = 5;
        for (int trial = 0; trial < 20; trial++) {
            float[] x = new float[t * c];
            java.util.Arrays.fill(x, -40f);
            for (int f = 0; f < t; f++) {
                x[f * c] = (float) r.nextGaussian();
                x[f * c + A.index('a')] = (float) r.nextGaussian();
                x[f * c + A.index('b')] = (float) r.nextGaussian();
            }
            String best = null;
            double bestP = -1;
            for (String cand : allStrings(t)) {
                int[] target = A.encode(cand);
                double p = Math.exp(-Ctc.loss(x, t, 1, c, new int[][]{target}, new int[]{t}, 0, Ctc.Reduction.SUM,
                        false).loss());
                if (p > bestP) {
                    bestP = p;
                    best = cand;
                }
            }
            assertEquals(best, new CtcDecoder(A, 64, null).beamSearch(x, t, c), "trial " + trial);
        }
    }

    /** Every string over {a, b} of length ≤ n. */
    static List<String> allStrings(int n) {
        List<String> out = new java.util.ArrayList<>(List.of(""));
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).length() < n) {
                out.add(out.get(i) + "a");
                out.add(out.get(i) + "b");
            }
        }
        return out;
    }

    @Test
    void errorRates() {
        ErrorRate e = new ErrorRate();
        e.add("one two three", "one too three four"); // 1 sub + 1 ins over 3 words
        assertEquals(2.0 / 3, e.wer(), 1e-12);
        assertEquals(ErrorRate.distance(ErrorRate.chars("one two three"), ErrorRate.chars("one too three four"))
                / 13.0, e.cer(), 1e-12);
        assertEquals(3, ErrorRate.distance(ErrorRate.chars("kitten"), ErrorRate.chars("sitting")));
        assertEquals("oh one", A.normalize("  Oh,  ONE! "));
    }
}
