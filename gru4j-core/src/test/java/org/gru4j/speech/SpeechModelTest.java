package org.gru4j.speech;

import org.gru4j.audio.FrontendConfig;
import org.gru4j.audio.SpecAugment;
import org.gru4j.train.Init;
import org.gru4j.train.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model end to end without any TTS engine: a toy "speech" of tone bursts (a = 600 Hz, b = 2400 Hz) is learnt by
 * CTC training to a perfect greedy transcript on held-out strings; the file round-trips; streaming equals offline.
 */
class SpeechModelTest {
    static final String SYMBOLS = "ab";

    static SpeechConfig config(boolean utterance) {
        return new SpeechConfig(FrontendConfig.standard().withMels(20), 3, utterance, SYMBOLS);
    }

    /** Bursts of 120 ms per symbol with 60 ms gaps, random gain and a little noise, at 16 kHz. */
    static float[] tones(String text, Random r) {
        int burst = 1920, gap = 960;
        float[] x = new float[gap + text.length() * (burst + gap)];
        double gain = 0.2 + 0.5 * r.nextDouble();
        int at = gap;
        for (char ch : text.toCharArray()) {
            double f = ch == 'a' ? 600 : 2400;
            f *= 0.95 + 0.1 * r.nextDouble();
            for (int i = 0; i < burst; i++) {
                double env = Math.sin(Math.PI * i / burst);
                x[at + i] = (float) (gain * env * Math.sin(2 * Math.PI * f * i / 16000));
            }
            at += burst + gap;
        }
        for (int i = 0; i < x.length; i++) x[i] += (float) (0.005 * r.nextGaussian());
        return x;
    }

    static String randomText(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) sb.append(r.nextBoolean() ? 'a' : 'b');
        return sb.toString();
    }

    static Utterance utterance(SpeechModel m, String text, Random r) {
        float[] x = tones(text, r);
        return new Utterance(m.rawFeatures(x), text, m.alphabet.encode(text), x.length / 16000.0, text);
    }

    @Test
    void learnsToneStringsWithCtcThroughTheTrainer() {
        SpeechModel m = SpeechModel.create(config(true), 24, 1, true);
        Init.PYTORCH.apply(m.net, new Rng(1));
        Random r = new Random(4);
        List<Utterance> train = new ArrayList<>();
        for (int i = 0; i < 64; i++) train.add(utterance(m, randomText(r), r));
        List<Utterance> sample = train.subList(0, 16);
        double before = meanLoss(m, sample);
        // 20 epochs of 8 batches, two data-parallel replicas
        SpeechTraining.Result res = SpeechTraining.fit(m, train,
                new SpeechTraining.Options(0, 20, 8, 0.02, 5, new SpecAugment(1, 3, 1, 3, 0.1, 0f), 3, 2), s -> {});
        assertEquals(20 * 8, res.steps());
        double after = meanLoss(m, sample);
        assertTrue(after < before / 4, "CTC loss " + before + " → " + after);
        CtcDecoder d = new CtcDecoder(m.alphabet, 1, null);
        ErrorRate er = new ErrorRate();
        for (int i = 0; i < 20; i++) {
            String text = randomText(r);
            er.add(String.join(" ", text.split("")), String.join(" ", m.transcribe(tones(text, r), d, 1).split("")));
        }
        assertTrue(er.wer() < 0.05, "symbol error rate " + er.wer());
    }

    static double meanLoss(SpeechModel m, List<Utterance> us) {
        org.gru4j.train.Batch b = new SpeechBatches(us, m, us.size(), null, 0, false).get(0, 0);
        return new CtcLoss(0).compute(m.net.forward(b.x(), b.lengths(), null, null, null).logits(), b.target(), b.mask()).loss();
    }

    @Test
    void replicasStepAsOne() {
        // one batch of 5 utterances, three Adam steps: two replicas (utterance-weighted) must land where one does
        Random r = new Random(6);
        SpeechModel probe = SpeechModel.create(config(true), 11, 2, true);
        List<Utterance> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) batch.add(utterance(probe, randomText(r), r));
        float[][] after = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            SpeechModel m = SpeechModel.create(config(true), 11, 2, true);
            Init.PYTORCH.apply(m.net, new Rng(5));
            SpeechTraining.fit(m, batch, new SpeechTraining.Options(0, 3, 5, 1e-3, 0, null, 1, threads), s -> {});
            after[threads - 1] = m.net.params.clone();
        }
        for (int i = 0; i < after[0].length; i++) assertEquals(after[0][i], after[1][i], 2e-6, "parameter " + i);
    }

    @Test
    void ctcLossUnpacksTargetsAndLengths() {
        Random r = new Random(8);
        int t = 6, b = 3, c = 4;
        float[] x = new float[t * b * c];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        int[][] labels = {{1, 2}, {}, {3, 3, 1}};
        int[] lengths = {6, 2, 6};
        boolean[] mask = new boolean[t * b];
        for (int s = 0; s < t; s++) for (int u = 0; u < b; u++) mask[s * b + u] = s < lengths[u];
        org.gru4j.tensor.Tensor logits = new org.gru4j.tensor.Tensor(new int[]{t, b, c}, x);
        var v = new CtcLoss(0).compute(logits, CtcLoss.targets(labels), mask);
        Ctc.Result direct = Ctc.loss(x, t, b, c, labels, lengths, 0, Ctc.Reduction.MEAN, true);
        assertEquals(direct.loss(), v.loss(), 0);
        assertArrayEquals(direct.grad(), v.grad().data);
    }

    @Test
    void batchesAreAFunctionOfEpochAndIndex() {
        SpeechModel m = SpeechModel.create(config(true), 5, 1, false);
        Random r = new Random(9);
        List<Utterance> us = new ArrayList<>();
        for (int i = 0; i < 10; i++) us.add(utterance(m, randomText(r), r));
        SpeechBatches a = new SpeechBatches(us, m, 4, SpecAugment.standard(), 5, true);
        SpeechBatches b = new SpeechBatches(us, m, 4, SpecAugment.standard(), 5, true);
        assertEquals(3, a.count(0));
        for (int e = 0; e < 2; e++) {
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(a.get(e, k).x().data, b.get(e, k).x().data);
                assertArrayEquals(a.get(e, k).target().data, b.get(e, k).target().data);
            }
        }
    }

    @Test
    void fileRoundTripGivesTheSameLogits(@TempDir Path dir) throws IOException {
        SpeechModel m = SpeechModel.create(config(false), 7, 2, true);
        Init.PYTORCH.apply(m.net, new Rng(3));
        Random r = new Random(1);
        List<float[]> feats = List.of(m.rawFeatures(tones("ab", r)), m.rawFeatures(tones("ba", r)));
        m.fitGlobalStats(feats);
        Path f = dir.resolve("m.gru4j");
        m.save(f);
        SpeechModel back = SpeechModel.load(f);
        assertEquals(m.config, back.config);
        assertArrayEquals(m.mean, back.mean);
        assertArrayEquals(m.std, back.std);
        float[] x = tones("abba", r);
        assertArrayEquals(m.logits(m.input(x)), back.logits(back.input(x)));
    }

    @Test
    void streamingEqualsOfflineGreedy() {
        SpeechModel m = SpeechModel.create(config(false), 9, 2, false);
        Init.PYTORCH.apply(m.net, new Rng(8));
        Random r = new Random(2);
        m.fitGlobalStats(List.of(m.rawFeatures(tones("abab", r))));
        // a random model's argmax wanders: its greedy transcript is long and a sharp test of the frame bookkeeping
        for (int trial = 0; trial < 3; trial++) {
            float[] x = tones(randomText(r) + randomText(r), r);
            CtcDecoder d = new CtcDecoder(m.alphabet, 1, null);
            String offline = m.transcribe(x, d, 1);
            SpeechStream s = new SpeechStream(m);
            int chunk = 977 + 1000 * trial; // not a multiple of the hop
            StringBuilder got = new StringBuilder();
            for (int at = 0; at < x.length; at += chunk) {
                got.append(s.accept(java.util.Arrays.copyOfRange(x, at, Math.min(x.length, at + chunk))));
            }
            got.append(s.finish());
            assertFalse(offline.isEmpty());
            assertEquals(offline, got.toString());
            assertEquals(offline, s.text());
        }
    }
}
