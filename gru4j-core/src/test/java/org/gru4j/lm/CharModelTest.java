package org.gru4j.lm;

import org.gru4j.io.ModelFormatException;
import org.gru4j.io.Safetensors;
import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.train.Init;
import org.gru4j.train.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The character model: it learns a pattern (bits per character far below log₂ V, and samples continue the pattern),
 * its batched, state-carrying evaluation equals a character-by-character reference, files round-trip, and bad
 * inputs are named.
 */
class CharModelTest {
    /** Period 6: after "ab" comes 'c' or 'd' depending on what came three characters earlier. */
    static final String PATTERN = "abcabd";
    static final CharTrainOptions TINY = CharTrainOptions.defaults().withSize(32, 1, 8).withSeqLen(20).withBatch(8).withLimits(25, 1);
    static CharModel trained;

    @TempDir
    Path tmp;

    @BeforeAll
    static void train() {
        trained = CharModel.train(PATTERN.repeat(600), TINY);
    }

    @Test
    void learnsThePattern() {
        // log₂ 4 = 2 bits for a uniform guess; the pattern is deterministic given 3 characters of context
        assertTrue(trained.validationBpc < 0.25, "val bpc " + trained.validationBpc);
        String s = trained.sample("abcab", 60, 0.5, 7);
        String expected = PATTERN.repeat(12).substring(0, 65);
        assertEquals(expected, s);
    }

    @Test
    void batchedEvaluationEqualsStepByStepReference() {
        // an untrained 2-layer LSTM, uneven stretches and several chunks per stretch
        String text = "the cat sat on the mat; the rat ran at the cat. " .repeat(3);
        CharVocabulary v = CharVocabulary.of(text);
        SequenceModel net = new SequenceModel(SequenceModelConfig.nextToken(CellKind.LSTM, v.size(), 5, 7, 2));
        Init.PYTORCH.apply(net, new Rng(3));
        CharModel m = new CharModel(v, net, 11, Double.NaN);
        for (int lanes : new int[]{1, 3, 4}) {
            assertEquals(referenceBpc(m, text, lanes), m.bitsPerChar(text, lanes), 1e-4, "lanes " + lanes);
        }
    }

    /** Each stretch alone, one character at a time through the sampler's single steps, softmax in double. */
    static double referenceBpc(CharModel m, String text, int lanes) {
        int[] ids = m.vocabulary.encode(text, "text");
        int pairs = ids.length - 1, S = Math.min(lanes, Math.max(1, pairs / m.seqLen)), q = pairs / S, r = pairs % S;
        double bits = 0;
        for (int b = 0, start = 0; b < S; b++) {
            int len = q + (b < r ? 1 : 0);
            CharSampler s = m.sampler(0);
            for (int t = 0; t < len; t++) {
                float[] z = s.feed(ids[start + t]);
                double sum = 0;
                for (float zi : z) sum += Math.exp(zi);
                bits -= Math.log(Math.exp(z[ids[start + t + 1]]) / sum) / Math.log(2);
            }
            start += len;
        }
        return bits / pairs;
    }

    @Test
    void fileRoundTrips() throws Exception {
        Path f = tmp.resolve("lm.safetensors");
        trained.save(f);
        CharModel back = CharModel.load(f);
        assertEquals(trained.vocabulary.asStrings(), back.vocabulary.asStrings());
        assertArrayEquals(trained.network.params, back.network.params);
        assertEquals(trained.network.config, back.network.config);
        assertEquals(trained.seqLen, back.seqLen);
        assertEquals(trained.validationBpc, back.validationBpc);
        assertEquals(trained.sample("ab", 40, 1.3, 5), back.sample("ab", 40, 1.3, 5));
        Map<String, String> meta = Safetensors.read(f).metadata();
        assertEquals("[\"a\",\"b\",\"c\",\"d\"]", meta.get("vocab"));
        assertEquals("gru", meta.get("cell"));
        assertTrue(Safetensors.read(f).tensors().containsKey("rnn.weight_hh_l0"));
    }

    @Test
    void aFileThatIsNotACharModelIsNamed() throws Exception {
        Path f = tmp.resolve("other.safetensors");
        Safetensors.write(f, trained.network.stateDict(), Map.of("format", "pt"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> CharModel.load(f));
        assertTrue(e.getMessage().startsWith(f + ": not a gru4j character model"), e.getMessage());
    }

    @Test
    void samplingIsSeededAndTemperatureShapesIt() {
        assertEquals(trained.sample("", 50, 1.0, 11), trained.sample("", 50, 1.0, 11));
        assertEquals(50, trained.sample("", 50, 1.0, 11).length());
        // a hot sampler wanders off the pattern, a cold one does not
        String hot = trained.sample("abcab", 300, 50, 1), cold = trained.sample("abcab", 300, 0.2, 1);
        assertEquals(PATTERN.repeat(60).substring(0, 305), cold);
        assertTrue(!hot.equals(cold), hot);
    }

    @Test
    void badInputsAreNamed() {
        assertEquals("the text is empty", assertThrows(IllegalArgumentException.class, () -> CharModel.train("", TINY)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CharModel.train("abc".repeat(10), TINY)).getMessage()
                .startsWith("the text has 30 characters: too short for seq-len 20"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> trained.sample("abx", 5, 1, 1)).getMessage()
                .contains("'x' (U+0078) at position 2"));
        assertEquals("temperature must be > 0, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> trained.sample("ab", 5, 0, 1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> trained.sample("ab", 5, Double.NaN, 1));
    }

    @Test
    void theWallClockCapStopsTraining() {
        long t0 = System.nanoTime();
        CharModel m = CharModel.train(PATTERN.repeat(2000), TINY.withLimits(0, 0.5 / 60));   // half a second, no epoch cap
        double secs = (System.nanoTime() - t0) / 1e9;
        assertTrue(secs < 5, "took " + secs + " s");
        assertTrue(Double.isFinite(m.validationBpc));
    }

    @Test
    void writesNothingWhenTheDirectoryIsMissing() {
        Path f = tmp.resolve("no/such/dir/lm.safetensors");
        assertThrows(java.io.IOException.class, () -> trained.save(f));
        assertTrue(!Files.exists(f));
    }
}
