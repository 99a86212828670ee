package org.gru4j.apps;

import org.gru4j.train.Progress;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-up: each group's first readings get no score (neither the GRU's nor the baseline's) and no flag. */
class AnomalyWarmupTest {
    @Test
    void theFirstReadingsOfEachGroupAreNotScored() {
        int T = 60;
        double[][] rows = new double[2 * T][];
        int[] group = new int[2 * T];
        for (int t = 0; t < T; t++) {
            for (int g = 0; g < 2; g++) {
                rows[2 * t + g] = new double[]{g * 10 + Math.sin(t / 3.0) + (t == 2 ? 8 : 0)};   // a jump at reading 2
                group[2 * t + g] = g;
            }
        }
        AnomalyDetector.Config c = AnomalyDetector.Config.defaults().withTraining(4, 2, 1);
        AnomalyDetector.Result r = AnomalyDetector.score(rows, group, c, Progress.SILENT);
        for (int t = 0; t < AnomalyDetector.DEFAULT_WARMUP; t++) {
            for (int g = 0; g < 2; g++) {
                assertEquals(0, r.score()[2 * t + g], "reading " + t + " of group " + g);
                assertEquals(0, r.baseline()[2 * t + g], "baseline, reading " + t + " of group " + g);
                assertFalse(r.flag()[2 * t + g]);
            }
        }
        assertTrue(r.score()[2 * AnomalyDetector.DEFAULT_WARMUP] > 0, "the first reading after the warm-up is scored");
        // a warm-up of 1 scores from the second reading on, the jump included
        AnomalyDetector.Config one = new AnomalyDetector.Config(4, 2, 64, 5e-3, 1, 3, 30, 1);
        assertTrue(AnomalyDetector.score(rows, group, one, Progress.SILENT).score()[2] > 0);
        assertThrows(IllegalArgumentException.class, () -> new AnomalyDetector.Config(4, 2, 64, 5e-3, 1, 3, 30, 0));
    }
}
