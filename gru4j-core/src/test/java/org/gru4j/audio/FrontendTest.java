package org.gru4j.audio;

import org.gru4j.io.Safetensors;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Features against numpy/scipy (scripts/make_speech_fixtures.py) to 1e-4, per-utterance normalisation, and
 * SpecAugment's masks.
 */
class FrontendTest {
    static final Path DIR = Path.of("src/test/resources/speech-fixtures");

    static FrontendConfig config(Map<String, String> m) {
        return new FrontendConfig(Integer.parseInt(m.get("sample_rate")), Integer.parseInt(m.get("window_length")),
                Integer.parseInt(m.get("hop_length")), Integer.parseInt(m.get("n_fft")),
                FrontendConfig.Window.valueOf(m.get("window").toUpperCase()), Double.parseDouble(m.get("preemphasis")),
                Integer.parseInt(m.get("n_mels")), Double.parseDouble(m.get("fmin")), Double.parseDouble(m.get("fmax")),
                MelScale.valueOf(m.get("scale").toUpperCase()), Boolean.parseBoolean(m.get("area_norm")),
                Double.parseDouble(m.get("power")), Integer.parseInt(m.get("n_mfcc")),
                Double.parseDouble(m.get("log_floor")));
    }

    @Test
    void matchesNumpyReference() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("features_")).sorted().toList();
        }
        assertTrue(files.size() >= 6, "fixtures missing: run scripts/make_speech_fixtures.py");
        for (Path f : files) {
            Safetensors.Contents c = Safetensors.read(f);
            FrontendConfig cfg = config(c.metadata());
            Frontend fe = new Frontend(cfg);
            float[] x = c.tensors().get("signal").data;
            float[] expect = c.tensors().get("features").data;
            float[] got = fe.compute(x);
            assertEquals(c.tensors().get("features").shape[0], fe.frames(x.length), f + " frames");
            assertEquals(expect.length, got.length, f.toString());
            double worst = 0;
            for (int i = 0; i < got.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - expect[i]) / Math.max(1, Math.abs(expect[i])));
            }
            assertTrue(worst < 1e-4, f + ": worst difference " + worst);
        }
    }

    @Test
    void melScalesRoundTripAndAgreeWithKnownValues() {
        assertEquals(1000, MelScale.HTK.toMel(1000), 0.5); // HTK's scale is ~1000 mel at 1 kHz
        assertEquals(15, MelScale.SLANEY.toMel(1000), 1e-12);
        for (MelScale s : MelScale.values()) {
            for (double f : new double[]{0, 50, 999, 1000, 4321, 8000}) {
                assertEquals(f, s.toHz(s.toMel(f)), 1e-9);
            }
        }
    }

    @Test
    void normalizeGivesZeroMeanUnitVariance() {
        Random r = new Random(3);
        int t = 50, d = 7;
        float[] x = new float[t * d];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * (1 + i % d) + 5 * (i % d));
        Frontend.normalize(x, d);
        for (int j = 0; j < d; j++) {
            double s = 0, ss = 0;
            for (int f = 0; f < t; f++) s += x[f * d + j];
            for (int f = 0; f < t; f++) ss += Math.pow(x[f * d + j] - s / t, 2);
            assertEquals(0, s / t, 1e-5);
            assertEquals(1, ss / t, 1e-3);
        }
    }

    @Test
    void specAugmentMasksBandsAndSpans() {
        int t = 100, d = 40;
        float[] x = new float[t * d];
        java.util.Arrays.fill(x, 1f);
        new SpecAugment(1, 10, 1, 30, 0.3, 0f).apply(x, d, new Random(11));
        int maskedCols = 0, maskedRows = 0;
        for (int j = 0; j < d; j++) {
            boolean all = true;
            for (int f = 0; f < t; f++) all &= x[f * d + j] == 0;
            if (all) maskedCols++;
        }
        for (int f = 0; f < t; f++) {
            boolean all = true;
            for (int j = 0; j < d; j++) all &= x[f * d + j] == 0;
            if (all) maskedRows++;
        }
        assertTrue(maskedCols <= 10 && maskedRows <= 30, maskedCols + " " + maskedRows);
        assertTrue(maskedCols + maskedRows > 0, "nothing masked with this seed");
        // outside masked rows/columns, nothing else changed
        int zeros = 0;
        for (float v : x) if (v == 0) zeros++;
        assertEquals(maskedCols * t + maskedRows * d - maskedCols * maskedRows, zeros);
    }
}
