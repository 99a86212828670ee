package org.gru4j.speech;

import org.gru4j.audio.Wav;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The corpus rules without a synthesiser; one small build when espeak-ng is installed. */
class DigitCorpusTest {
    @Test
    void digitStringsAreOneToSevenDigitWords() {
        Random r = new Random(1);
        Set<Integer> lengths = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            String[] w = DigitCorpus.digits(r).split(" ");
            lengths.add(w.length);
            for (String x : w) assertTrue(DigitCorpus.WORDS.contains(x), x);
        }
        assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7), lengths);
    }

    @Test
    void heldOutVoicesNeverTrain() {
        List<DigitCorpus.Speaker> all = DigitCorpus.speakers();
        Assumptions.assumeFalse(all.isEmpty(), "no synthesiser installed");
        Set<String> trainVariants = new HashSet<>();
        for (DigitCorpus.Speaker s : all) {
            if (!s.test() && s.engine().equals("espeak-ng")) trainVariants.add(s.voice().substring(s.voice().indexOf('+') + 1));
        }
        for (String v : DigitCorpus.TEST_VARIANTS) assertFalse(trainVariants.contains(v), v);
        for (DigitCorpus.Speaker s : all) {
            if (s.voice().startsWith(DigitCorpus.TEST_ACCENT + "+") || s.voice().equals(DigitCorpus.FLITE_TEST)) {
                assertTrue(s.test(), s.id());
            }
        }
    }

    @Test
    void variationKeepsTheSignalInRange() {
        float[] x = new float[8000];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.05) * 3; // over full scale on purpose
        float[] y = DigitCorpus.vary(x, new Random(3));
        assertTrue(y.length >= x.length + 1600);
        for (float v : y) assertTrue(v >= -1 && v <= 1);
    }

    @Test
    void realTestSplicesRecordings(@TempDir Path dir) throws IOException {
        Path rec = dir.resolve("rec");
        Files.createDirectories(rec);
        Random r = new Random(2);
        for (String w : List.of("one", "two", "oh")) {
            float[] x = new float[4000];
            for (int i = 1000; i < 3000; i++) x[i] = (float) (0.5 * Math.sin(i * (0.1 + w.length() * 0.01)));
            Wav.writePcm16(rec.resolve("spk-" + w + ".wav"), x, 8000);
        }
        Files.writeString(rec.resolve("notes-readme.wav.txt"), "ignored");
        Path out = dir.resolve("out");
        int n = DigitCorpus.realTest(rec, out, 5, 1);
        assertEquals(3 + 5, n);
        Manifest m = Manifest.read(out.resolve("real.csv"));
        assertEquals(8, m.entries().size());
        for (Manifest.Entry e : m.entries()) {
            Wav.Audio a = Wav.read(e.wav());
            assertEquals(16000, a.sampleRate());
            for (String w : e.text().split(" ")) assertTrue(List.of("one", "two", "oh").contains(w), e.text());
        }
        assertEquals(0, DigitCorpus.realTest(dir.resolve("absent"), out, 5, 1));
    }

    @Test
    void buildsASmallCorpusWhenEspeakIsInstalled(@TempDir Path dir) throws IOException {
        Assumptions.assumeTrue(DigitCorpus.onPath("espeak-ng"), "espeak-ng not installed");
        List<DigitCorpus.Item> items = DigitCorpus.build(dir, 6, 3, 7, 2, s -> {});
        assertEquals(9, items.size());
        Manifest train = Manifest.read(dir.resolve("train.csv")), test = Manifest.read(dir.resolve("test.csv"));
        assertEquals(6, train.entries().size());
        assertEquals(3, test.entries().size());
        for (DigitCorpus.Item it : items) {
            Wav.Audio a = Wav.read(it.wav());
            assertEquals(16000, a.sampleRate());
            assertTrue(a.seconds() > 0.3, it.wav() + " " + a.seconds());
            assertEquals(it.test(), it.speaker().test());
        }
    }
}
