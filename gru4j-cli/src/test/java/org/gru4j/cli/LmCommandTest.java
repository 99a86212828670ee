package org.gru4j.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.gru4j.cli.RunCommandTest.gru4j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gru4j lm train|sample} in-process: a tiny repeated text is learnt (val_bpc, the last line, far below
 * log₂ 4 = 2) and sampled back; every bad input is one line on stderr and exit code 1.
 */
class LmCommandTest {
    static final String PATTERN = "abcabd";
    static final String[] TINY = {"--hidden", "32", "--embedding", "8", "--seq-len", "20", "--batch", "8", "--epochs", "25"};

    @TempDir
    static Path dir;
    static Path text, model;
    static RunCommandTest.Result trained;

    @BeforeAll
    static void train() throws IOException {
        text = Files.writeString(dir.resolve("abc.txt"), PATTERN.repeat(600));
        model = dir.resolve("abc.safetensors");
        String[] args = new String[4 + TINY.length];
        System.arraycopy(new String[]{"lm", "train", "--text", text.toString()}, 0, args, 0, 4);
        System.arraycopy(TINY, 0, args, 4, TINY.length);
        trained = gru4j(concat(args, "--model", model.toString()));
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void trainReportsValBpcOnTheLastLineAndWritesTheModel() {
        assertEquals(0, trained.code(), trained.err());
        String[] lines = trained.out().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("val_bpc=\\d+\\.\\d+"), last);
        double bpc = Double.parseDouble(last.substring("val_bpc=".length()));
        assertTrue(bpc < 0.25, last);
        assertTrue(Files.isRegularFile(model));
        assertTrue(trained.err().contains("steps/s") && trained.err().contains("bpc"), "progress bar on stderr");
    }

    @Test
    void sampleContinuesThePattern() {
        RunCommandTest.Result r = gru4j("lm", "sample", "--model", model.toString(), "--chars", "40", "--prime", "abcab",
                "--temperature", "0.5", "--seed", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals(PATTERN.repeat(8).substring(0, 45), r.out().strip());
        RunCommandTest.Result again = gru4j("lm", "sample", "--model", model.toString(), "--chars", "40", "--seed", "9");
        assertEquals(0, again.code(), again.err());
        assertEquals(40, again.out().strip().length());
    }

    static void oneLineError(RunCommandTest.Result r, String prefix, String... contains) {
        assertEquals(1, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), err);
        assertTrue(err.startsWith(prefix), err);
        for (String c : contains) assertTrue(err.contains(c), err);
    }

    @Test
    void errorsAreOneLine() throws IOException {
        Path out = dir.resolve("x.safetensors");
        oneLineError(gru4j("lm", "train", "--text", dir.resolve("missing.txt").toString(), "--model", out.toString()),
                "train: error: ", "--text", "missing.txt", "no such file");
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        oneLineError(gru4j("lm", "train", "--text", empty.toString(), "--model", out.toString()), "train: error: ", "is empty");
        Path shortText = Files.writeString(dir.resolve("short.txt"), "abcabc");
        oneLineError(gru4j("lm", "train", "--text", shortText.toString(), "--model", out.toString()), "train: error: ", "6 characters", "--steps 100");
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[]{'a', 'b', (byte) 0xE9, 'c'});
        oneLineError(gru4j("lm", "train", "--text", latin1.toString(), "--model", out.toString()), "train: error: ", "not UTF-8", "byte offset 2");
        oneLineError(gru4j("lm", "train", "--text", text.toString(), "--model", dir.resolve("no/dir/m.safetensors").toString()),
                "train: error: ", "does not exist");
        oneLineError(gru4j("lm", "train", "--text", text.toString(), "--model", out.toString(), "--cell", "tcn"), "train: error: ", "--cell");
        assertFalse(Files.exists(out));

        oneLineError(gru4j("lm", "sample", "--model", model.toString(), "--chars", "5", "--prime", "abé"),
                "sample: error: ", "--prime", "'é' (U+00E9)");
        oneLineError(gru4j("lm", "sample", "--model", model.toString(), "--chars", "5", "--temperature", "0"),
                "sample: error: ", "--temperature must be > 0");
        oneLineError(gru4j("lm", "sample", "--model", model.toString(), "--chars", "5", "--temperature", "-1"),
                "sample: error: ", "--temperature must be > 0");
        oneLineError(gru4j("lm", "sample", "--model", dir.resolve("nope.safetensors").toString(), "--chars", "5"),
                "sample: error: ", "nope.safetensors", "no such file");
        oneLineError(gru4j("lm", "sample", "--model", text.toString(), "--chars", "5"), "sample: error: ", "abc.txt");
    }
}
