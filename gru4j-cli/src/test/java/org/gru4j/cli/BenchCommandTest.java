package org.gru4j.cli;

import org.gru4j.kernel.Parallel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench command's contract: its last line is median_ms=<number>; bad flags fail with one clear message. */
class BenchCommandTest {

    @Test
    void lastLineIsTheMedianForEveryMode() {
        int threads = Parallel.threads();
        try {
            for (String[] args : new String[][]{
                    {"--cell", "gru", "--mode", "infer", "--batch", "2", "--steps", "3", "--input", "5", "--hidden", "7", "--layers", "2", "--bidirectional"},
                    {"--cell", "lstm", "--mode", "train", "--batch", "2", "--steps", "3", "--input", "5", "--hidden", "7", "--threads", "1"},
                    {"--cell", "rnn", "--mode", "stream", "--input", "5", "--hidden", "7"}}) {
                String[] full = concat(new String[]{"bench", "--seconds", "0.05", "--warmup", "0"}, args);
                Result r = run(full);
                assertEquals(0, r.code, r.err);
                String[] lines = r.out.strip().split("\n");
                String last = lines[lines.length - 1];
                assertTrue(last.matches("median_ms=[0-9]+\\.[0-9]+"), "last line: " + last);
                assertTrue(Double.parseDouble(last.substring("median_ms=".length())) > 0, last);
                assertTrue(r.out.contains("GFLOP/s") && r.out.contains("heap: peak"), r.out);
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void badFlagsFailNamingTheFlag() {
        Result r = run("bench", "--mode", "fly");
        assertEquals(1, r.code);
        assertTrue(r.err.contains("bench: error: --mode must be infer, train or stream"), r.err);
        r = run("bench", "--mode", "stream", "--bidirectional");
        assertEquals(1, r.code);
        assertTrue(r.err.contains("--mode stream cannot be --bidirectional"), r.err);
        r = run("bench", "--hidden", "0");
        assertEquals(1, r.code);
        assertTrue(r.err.contains("--hidden must be ≥ 1"), r.err);
    }

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
