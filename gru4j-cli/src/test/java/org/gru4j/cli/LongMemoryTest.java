package org.gru4j.cli;

import org.gru4j.apps.AddingProblem;
import org.gru4j.apps.CopyMemory;
import org.gru4j.apps.LongMemory;
import org.gru4j.train.CrossEntropy;
import org.gru4j.train.Example;
import org.gru4j.train.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The long-memory data generators, and {@code gru4j experiment long-memory} on a tiny budget, in-process. */
class LongMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void addingProblemHasTwoMarkersOnePerHalfAndTheirSumAsTarget() {
        for (int T : new int[]{2, 3, 7, 50}) {
            List<Example> ex = AddingProblem.examples(200, T, new Rng(T));
            double sumSq = 0;
            int firstAtZero = 0;
            for (Example e : ex) {
                assertArrayEquals(new int[]{T, 2}, e.input().shape);
                assertArrayEquals(new int[]{1}, e.target().shape);
                float[] x = e.input().data;
                int markers = 0, first = -1, second = -1;
                double sum = 0;
                for (int t = 0; t < T; t++) {
                    float u = x[t * 2], m = x[t * 2 + 1];
                    assertTrue(u >= 0 && u < 1, "number " + u + " in [0,1)");
                    assertTrue(m == 0f || m == 1f, "marker is 0 or 1");
                    if (m == 1f) {
                        markers++;
                        sum += u;
                        if (first < 0) first = t; else second = t;
                    }
                }
                assertEquals(2, markers, "exactly two marked steps");
                assertTrue(first < T / 2 && second >= T / 2, "one marker in each half: " + first + ", " + second + " of " + T);
                assertEquals(sum, e.target().data[0], 1e-6);
                sumSq += (e.target().data[0] - 1.0) * (e.target().data[0] - 1.0);
                if (first == 0) firstAtZero++;
            }
            if (T == 50) {
                // predicting 1 gives MSE ≈ Var(u₁ + u₂) = 1/6; the first marker is spread over the first half
                assertEquals(AddingProblem.BASELINE_MSE, sumSq / ex.size(), 0.04);
                assertTrue(firstAtZero < 40, "marker positions vary");
            }
        }
    }

    @Test
    void addingProblemIsAFunctionOfTheSeed() {
        List<Example> a = AddingProblem.examples(5, 9, new Rng(3)), b = AddingProblem.examples(5, 9, new Rng(3)),
                c = AddingProblem.examples(5, 9, new Rng(4));
        for (int i = 0; i < 5; i++) assertArrayEquals(a.get(i).input().data, b.get(i).input().data);
        assertNotEquals(a.get(0).target().data[0], c.get(0).target().data[0]);
    }

    @Test
    void copyMemoryLayout() {
        int T = 6, S = 3, K = 4, F = K + 2, steps = T + 2 * S;
        for (Example e : CopyMemory.examples(100, T, S, K, new Rng(7))) {
            assertArrayEquals(new int[]{steps, F}, e.input().shape);
            assertArrayEquals(new int[]{steps}, e.target().shape);
            float[] x = e.input().data, y = e.target().data;
            int[] code = new int[steps];
            for (int t = 0; t < steps; t++) {
                int ones = 0;
                for (int f = 0; f < F; f++) {
                    if (x[t * F + f] == 1f) {
                        ones++;
                        code[t] = f;
                    } else {
                        assertEquals(0f, x[t * F + f]);
                    }
                }
                assertEquals(1, ones, "one-hot at step " + t);
            }
            for (int s = 0; s < S; s++) {
                assertTrue(code[s] < K, "symbol first");
                assertEquals(code[s], (int) y[S + T + s], "recall step " + s + " wants symbol " + s);
            }
            for (int t = S; t < S + T - 1; t++) assertEquals(K, code[t], "blank during the delay");
            assertEquals(K + 1, code[S + T - 1], "go marker at the delay's last step");
            for (int t = S + T; t < steps; t++) assertEquals(K, code[t], "blank input while recalling");
            for (int t = 0; t < S + T; t++) assertEquals(CrossEntropy.IGNORE_INDEX, (int) y[t], "no target before recall");
        }
    }

    @Test
    void quickPathOnATinyBudgetWritesTableAndPlotsAndALastLine() throws Exception {
        Path out = tmp.resolve("lm");
        RunCommandTest.Result r = RunCommandTest.gru4j("experiment", "long-memory", "--quick", "--lengths", "6", "--hidden", "8",
                "--epochs", "2", "--steps", "3", "--batch", "4", "--test", "10", "--seed", "5", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("gru_mse=\\S+ lstm_mse=\\S+ rnn_mse=\\S+"), last);
        for (String kv : last.split(" ")) {
            double v = Double.parseDouble(kv.substring(kv.indexOf('=') + 1));
            assertTrue(v >= 0 && Double.isFinite(v), kv);
        }
        assertTrue(r.out().contains("| gru | adding | 6 |"), r.out());
        assertTrue(r.out().contains("| rnn | copy | 6 |"), r.out());
        for (String f : new String[]{"adding-T6.png", "copy-T6.png"}) {
            byte[] png = Files.readAllBytes(out.resolve(f));
            assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', f + " is a PNG");
        }
        List<String> csv = Files.readAllLines(out.resolve("long-memory.csv"));
        assertEquals(1 + 6, csv.size(), "header and 2 tasks × 3 cells");
        assertTrue(Files.readString(out.resolve("long-memory.md")).contains("| lstm | copy | 6 |"));

        // the same seed gives the same numbers
        RunCommandTest.Result again = RunCommandTest.gru4j("experiment", "long-memory", "--quick", "--lengths", "6", "--hidden", "8",
                "--epochs", "2", "--steps", "3", "--batch", "4", "--test", "10", "--seed", "5", "--out", tmp.resolve("lm2").toString());
        String[] lines2 = again.out().strip().split("\n");
        assertEquals(last, lines2[lines2.length - 1]);
    }

    @Test
    void quickReportForTheDemo() throws Exception {
        LongMemory.Settings q = LongMemory.Settings.quick(tmp, 1);
        assertEquals(List.of(50), q.addingLengths());
        LongMemory.Settings tiny = new LongMemory.Settings(List.of("copy"), List.of(), List.of(4), LongMemory.CELLS, 4, 1, 2, 2,
                1e-3, 1, 4, 2, 3, 1.0, 1, tmp);
        LongMemoryCommand.Result res = LongMemoryCommand.run(tiny);
        LongMemory.Report r = res.report();
        assertEquals(3, r.rows().size());
        assertEquals(List.of(tmp.resolve("copy-T4.png")), res.plots());
        assertTrue(r.lastLine().matches("gru_acc=\\S+ lstm_acc=\\S+ rnn_acc=\\S+"), r.lastLine());
        for (LongMemory.Row row : r.rows()) assertEquals(1.0 / 3, row.baseline(), 1e-12);
    }

    @Test
    void badFlagsAreNamed() {
        RunCommandTest.Result r = RunCommandTest.gru4j("experiment", "long-memory", "--tasks", "sorting", "--out", tmp.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--tasks: unknown task 'sorting'"), r.err());
        r = RunCommandTest.gru4j("experiment", "long-memory", "--cells", "gru,tcn", "--out", tmp.toString());
        assertTrue(r.err().contains("--cells: unknown cell 'tcn'"), r.err());
    }
}
