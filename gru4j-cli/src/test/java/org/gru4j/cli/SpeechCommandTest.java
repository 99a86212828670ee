package org.gru4j.cli;

import org.gru4j.audio.Wav;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.gru4j.cli.RunCommandTest.gru4j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gru4j speech train|eval|recognize} in-process on a toy "speech" of tone bursts (a = 600 Hz, b = 2400 Hz) at
 * 8 kHz (so the resampler runs): no synthesiser needed. Last lines are wer=… cer=… and text=…; bad input is one line.
 */
class SpeechCommandTest {
    @TempDir
    static Path dir;
    static Path manifest, model;
    static RunCommandTest.Result trained;

    static float[] tones(String text, Random r) {
        int rate = 8000, burst = 960, gap = 480;
        float[] x = new float[gap + text.length() * (burst + gap)];
        int at = gap;
        for (char ch : text.toCharArray()) {
            double f = (ch == 'a' ? 600 : 2400) * (0.95 + 0.1 * r.nextDouble());
            for (int i = 0; i < burst; i++) x[at + i] = (float) (0.5 * Math.sin(Math.PI * i / burst) * Math.sin(2 * Math.PI * f * i / rate));
            at += burst + gap;
        }
        for (int i = 0; i < x.length; i++) x[i] += (float) (0.003 * r.nextGaussian());
        return x;
    }

    @BeforeAll
    static void train() throws IOException {
        Random r = new Random(1);
        StringBuilder csv = new StringBuilder("path,text\n");
        for (int i = 0; i < 48; i++) {
            StringBuilder t = new StringBuilder();
            for (int k = 0, n = 1 + r.nextInt(3); k < n; k++) t.append(r.nextBoolean() ? 'a' : 'b');
            Path f = dir.resolve("u" + i + ".wav");
            Wav.writePcm16(f, tones(t.toString(), r), 8000);
            csv.append(f.getFileName()).append(',').append(t).append('\n');
        }
        manifest = Files.writeString(dir.resolve("train.csv"), csv.toString());
        model = dir.resolve("toy.gru4j");
        trained = gru4j("speech", "train", "--manifest", manifest.toString(), "--model", model.toString(), "--hidden", "24",
                "--layers", "1", "--bidirectional", "--mels", "20", "--batch", "8", "--epochs", "25", "--lr", "0.02",
                "--minutes", "2");
    }

    static String last(String out) {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void trainEvalRecognize() {
        assertEquals(0, trained.code(), trained.err());
        assertTrue(Files.isRegularFile(model));
        RunCommandTest.Result e = gru4j("speech", "eval", "--model", model.toString(), "--manifest", manifest.toString());
        assertEquals(0, e.code(), e.err());
        String line = last(e.out());
        assertTrue(line.matches("wer=\\d+\\.\\d+ cer=\\d+\\.\\d+"), line);
        double cer = Double.parseDouble(line.substring(line.indexOf("cer=") + 4));
        assertTrue(cer < 0.2, line);
        RunCommandTest.Result rec = gru4j("speech", "recognize", "--model", model.toString(), "--wav", dir.resolve("u0.wav").toString());
        assertEquals(0, rec.code(), rec.err());
        assertTrue(last(rec.out()).startsWith("text="), rec.out());
    }

    @Test
    void badInputIsOneLine() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.wav"), "not audio");
        RunCommandTest.Result r = gru4j("speech", "recognize", "--model", model.toString(), "--wav", junk.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().strip().lines().count() == 1 && r.err().contains(junk.toString()) && r.err().contains("not a WAV"), r.err());
        RunCommandTest.Result s = gru4j("speech", "recognize", "--model", model.toString(), "--wav", dir.resolve("u0.wav").toString(), "--stream");
        assertEquals(1, s.code());
        assertTrue(s.err().contains("unidirectional"), s.err());
        RunCommandTest.Result m = gru4j("speech", "eval", "--model", manifest.toString(), "--manifest", manifest.toString());
        assertEquals(1, m.code());
        assertTrue(m.err().strip().lines().count() == 1, m.err());
    }
}
