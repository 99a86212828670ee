package org.gru4j.onnx.vad;

import org.gru4j.audio.Resampler;
import org.gru4j.audio.Wav;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Silero VAD in gru4j against ONNX Runtime Java on real speech: per-chunk probabilities within 1e-4 on every
 * variant and rate, and the time per chunk side by side.
 *
 * <p>Speech: Allison Smith's spoken digits (data/speech-digits, 8 kHz recordings from Debian's
 * asterisk-core-sounds-en-wav; see its SOURCE.md), the eleven words joined with 0.4 s pauses; at 16 kHz the same
 * resampled by {@link Resampler}. When present, also alsa-utils' /usr/share/sounds/alsa/Front_Center.wav (a
 * recorded voice, 48 kHz, resampled to 16 and 8 kHz) and asterisk's demo-instruct.wav (8 kHz, ~30 s of speech).
 */
class SileroVadTest {
    static final Path SHIPPED = Path.of("src", "test", "resources", "silero-vad", "silero_vad_16k_op15.onnx");
    static final Path DIGITS = Path.of("..", "data", "speech-digits");

    /** name, samples, rate */
    record Recording(String name, float[] samples, int rate) {}

    static List<Recording> recordings(boolean need8k) throws Exception {
        List<Recording> out = new ArrayList<>();
        List<float[]> parts = new ArrayList<>();
        try (Stream<Path> s = Files.list(DIGITS)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".wav")).sorted().toList()) {
                Wav.Audio a = Wav.read(p);
                assertEquals(8000, a.sampleRate(), p.toString());
                parts.add(a.samples());
                parts.add(new float[3200]);
            }
        }
        float[] digits8 = concat(parts);
        if (need8k) out.add(new Recording("digits@8k", digits8, 8000));
        out.add(new Recording("digits@16k", Resampler.resample(digits8, 8000, 16000), 16000));
        Path alsa = Path.of("/usr/share/sounds/alsa/Front_Center.wav");
        if (Files.isReadable(alsa)) {
            Wav.Audio a = Wav.read(alsa);
            out.add(new Recording("alsa-front-center@16k", Resampler.resample(a.samples(), a.sampleRate(), 16000), 16000));
            if (need8k) out.add(new Recording("alsa-front-center@8k", Resampler.resample(a.samples(), a.sampleRate(), 8000), 8000));
        }
        Path demo = Path.of("/usr/share/asterisk/sounds/en_US_f_Allison/demo-instruct.wav");
        if (Files.isReadable(demo)) {
            Wav.Audio a = Wav.read(demo);
            if (need8k) out.add(new Recording("asterisk-demo-instruct@8k", a.samples(), a.sampleRate()));
            out.add(new Recording("asterisk-demo-instruct@16k", Resampler.resample(a.samples(), a.sampleRate(), 16000), 16000));
        }
        return out;
    }

    static float[] concat(List<float[]> parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] o = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, o, at, p.length);
            at += p.length;
        }
        return o;
    }

    static long median(long[] t) {
        long[] s = t.clone();
        Arrays.sort(s);
        return s.length == 0 ? 0 : s[s.length / 2];
    }

    /** Compares one model on every recording; returns the largest difference. Prints one line per recording. */
    static double compare(Path model, boolean eightK) throws Exception {
        SileroVad ours = new SileroVad(model);
        double worst = 0;
        try (OrtVad ort = new OrtVad(model)) {
            for (Recording r : recordings(eightK && ours.runs8k)) {
                // a warm-up pass for both, then the measured one
                ours.run(r.samples(), r.rate());
                ort.run(r.samples(), r.rate());
                SileroVad.Probabilities a = ours.run(r.samples(), r.rate()), b = ort.run(r.samples(), r.rate());
                double d = 0;
                for (int k = 0; k < a.probs().length; k++) d = Math.max(d, Math.abs(a.probs()[k] - b.probs()[k]));
                worst = Math.max(worst, d);
                long us = median(a.nanos()) / 1000, ortUs = median(b.nanos()) / 1000;
                int speech = SpeechSegments.find(a.probs(), a.window(), r.rate(), r.samples().length, SpeechSegments.Params.defaults(0.5)).size();
                System.out.printf("silero %-28s %-28s %5d chunks  max|Δp| %.2e  segments %2d  gru4j %4d µs/chunk  ORT %4d µs/chunk  (gru4j/ORT %.2f)%n",
                        model.getFileName(), r.name(), a.probs().length, d, speech, us, ortUs, (double) us / Math.max(1, ortUs));
                assertTrue(d <= 1e-4, model.getFileName() + " on " + r.name() + ": probabilities differ by " + d);
            }
        }
        return worst;
    }

    @Test
    void shippedModelMatchesOnnxRuntimeOnRealSpeech() throws Exception {
        compare(SHIPPED, false);
        SileroVad vad = new SileroVad(SHIPPED);
        Recording digits = recordings(false).get(0);
        SileroVad.Probabilities p = vad.run(digits.samples(), digits.rate());
        List<SpeechSegments.Segment> s = SpeechSegments.find(p.probs(), p.window(), digits.rate(), digits.samples().length,
                SpeechSegments.Params.defaults(0.5));
        // eleven words 0.4 s apart: one segment each (a word may merge with a neighbour only if its pause is missed)
        assertTrue(s.size() >= 9 && s.size() <= 11, "segments: " + s);
    }

    @Test
    void everyPublishedVariantMatchesOnnxRuntime() throws Exception {
        String dir = System.getProperty("gru4j.silero.dir", System.getenv("GRU4J_SILERO_DIR"));
        Assumptions.assumeTrue(dir != null && Files.isDirectory(Path.of(dir)),
                "skipped: no Silero VAD models (set -Dgru4j.silero.dir or GRU4J_SILERO_DIR to a directory holding silero_vad*.onnx)");
        List<Path> models;
        try (Stream<Path> s = Files.walk(Path.of(dir))) {
            models = s.filter(p -> p.getFileName().toString().matches("silero_vad.*\\.onnx")).sorted().toList();
        }
        Assumptions.assumeTrue(!models.isEmpty(), "skipped: no silero_vad*.onnx under " + dir);
        double worst = 0;
        for (Path m : models) worst = Math.max(worst, compare(m, true));
        System.out.printf("silero: %d model files, largest |Δp| vs ONNX Runtime %.2e%n", models.size(), worst);
    }

    @Test
    void aModelThatIsNoVadIsRefusedNamingItsInputs() {
        Path relu = Path.of("src", "test", "resources", "onnx-fixtures", "ops", "u_relu.onnx");
        Exception e = assertThrows(IllegalArgumentException.class, () -> new SileroVad(relu));
        assertTrue(e.getMessage().contains("not a Silero VAD model") && e.getMessage().contains("[x]"), e.getMessage());
    }
}
