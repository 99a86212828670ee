package org.gru4j.cli;

import org.gru4j.train.Progress;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 15: plain lines off a terminal, a percentage that never goes back on one, nothing with --quiet. */
class ProgressViewTest {
    private static Progress.Event at(long step, long total, boolean done) {
        return new Progress.Event(step, total, 1, 0.5, 0.1, 1e-3, 100, Double.NaN, Double.NaN, null, done);
    }

    @Test
    void offATerminalThereAreNoCarriageReturnsAndALineAtTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ProgressView v = new ProgressView("train", 0, false, false, err)) {
            for (int s = 0; s <= 1000; s += 10) v.report(at(s, 1000, false));
            v.report(at(1000, 1000, true));
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\r"), out);
        // a fast run: no line every 10 s, one at the end
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.startsWith("train 100% step 1000/1000") && out.contains("loss 0.5000"), out);
    }

    @Test
    void theEndLineIsNotRepeatedWhenTheLastTimedLineSaidIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ProgressView v = new ProgressView("train", 0, false, false, err)) {
            v.report(at(500, 1000, false));
            v.lastPlain -= (long) (2 * ProgressView.PLAIN_SECONDS * 1e9);     // as if 20 s had passed
            v.report(at(1000, 1000, false));                                      // a timed line at 100 %
            v.report(at(1000, 1000, true));
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.startsWith("train 100% step 1000/1000"), out);
    }

    @Test
    void onATerminalThePercentageNeverGoesBackWhenTheTotalGrows() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ProgressView v = new ProgressView("lm train", 0, false, true, err)) {
            v.report(at(190, 1000, false));
            assertEquals(190, v.permille());
            v.report(at(200, 2000, false));          // re-estimated: 10 %, shown stays 19 %
            assertEquals(190, v.permille());
            v.report(at(1000, 2000, false));
            assertEquals(500, v.permille());
        }
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("0/0"), "no empty first frame");
    }

    @Test
    void quietShowsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new ProgressView.Quiet().quiet(true);
        try (ProgressView v = new ProgressView("train", 0, false, false, err)) {
            v.report(at(10, 10, true));
        } finally {
            new ProgressView.Quiet();
        }
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
        // every long command takes --quiet
        for (String[] c : new String[][]{{"forecast"}, {"anomaly"}, {"classify"}, {"lm", "train"}, {"demo"}, {"experiment", "long-memory"}}) {
            String[] args = java.util.Arrays.copyOf(c, c.length + 1);
            args[c.length] = "--help";
            var res = RunCommandTest.gru4j(args);
            assertTrue(res.out().contains("--quiet"), String.join(" ", c) + ": " + res.out());
        }
    }
}
