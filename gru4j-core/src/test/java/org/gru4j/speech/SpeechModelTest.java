package org.gru4j.speech;

import org.gru4j.audio.FrontendConfig;
import org.gru4j.audio.SpecAugment;
import org.gru4j.train.Adam;
import org.gru4j.train.Clipping;
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
    void learnsToneStringsWithCtc() {
        SpeechModel m = SpeechModel.create(config(true), 24, 1, true);
        Rng rng = new Rng(1);
        Init.PYTORCH.apply(m.net, rng);
        Random r = new Random(4);
        List<Utterance> train = new ArrayList<>();
        for (int i = 0; i < 64; i++) train.add(utterance(m, randomText(r), r));
        Adam adam = Adam.adam(m.net.parameterCount());
        double first = 0, last = 0;
        for (int step = 0; step < 160; step++) {
            List<Utterance> batch = new ArrayList<>();
            for (int i = 0; i < 8; i++) batch.add(train.get(r.nextInt(train.size())));
            double loss = CtcStep.run(m, batch, step > 60 ? new SpecAugment(1, 3, 1, 3, 0.1, 0f) : null, rng);
            if (step == 0) first = loss;
            last = loss;
            adam.update(m.net.params, m.net.grads, loss, 0.02, Clipping.byNorm(5));
        }
        assertTrue(last < first / 4, "CTC loss " + first + " → " + last);
        CtcDecoder d = new CtcDecoder(m.alphabet, 1, null);
        ErrorRate er = new ErrorRate();
        for (int i = 0; i < 20; i++) {
            String text = randomText(r);
            er.add(String.join(" ", text.split("")), String.join(" ", m.transcribe(tones(text, r), d, 1).split("")));
        }
        assertTrue(er.wer() < 0.05, "symbol error rate " + er.wer());
    }

    @Test
    void dataParallelStepEqualsOneStep() {
        SpeechModel m = SpeechModel.create(config(true), 11, 2, true);
        Init.PYTORCH.apply(m.net, new Rng(5));
        Random r = new Random(6);
        List<Utterance> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) batch.add(utterance(m, randomText(r), r));
        double one = CtcStep.run(m, batch, null, new Rng(1));
        float[] g = m.net.grads.clone();
        SpeechModel[] replicas = {m, m.replica(), m.replica()};
        double three = CtcStep.run(replicas, batch, null, 1);
        assertEquals(one, three, 1e-5 * one);
        double scale = 0;
        for (float v : g) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < g.length; i++) assertEquals(g[i], m.net.grads[i], 1e-5 * scale, "grad " + i);
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
