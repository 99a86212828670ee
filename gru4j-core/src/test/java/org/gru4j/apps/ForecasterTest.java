package org.gru4j.apps;

import org.gru4j.kernel.Parallel;
import org.gru4j.train.Progress;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The forecaster on long series: a bounded amount of training, seeds side by side with the same result, accuracy kept. */
class ForecasterTest {
    /** 20 years of daily values: weekly and yearly seasons, a trend, noise. */
    static double[] daily(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] y = new double[n];
        for (int t = 0; t < n; t++) {
            y[t] = 100 + 0.004 * t + 10 * Math.sin(2 * Math.PI * t / 7) + 5 * Math.cos(4 * Math.PI * t / 7)
                    + 20 * Math.sin(2 * Math.PI * t / 365.25) + 3 * r.nextGaussian();
        }
        return y;
    }

    @Test
    void aLongSeriesIsTrainedOnASampleOfItsWindowsAShortOneForItsEpochs() {
        // the 7,305-day series' backtest: 7,277 points, window 56, horizon 28 → 7,194 windows
        long windowsSeen = Forecaster.steps(7194, 150) * Forecaster.batch(7194);
        assertTrue(windowsSeen <= Forecaster.WINDOW_BUDGET + 32, "a long series sees at most the budget: " + windowsSeen);
        assertEquals(32, Forecaster.batch(7194));
        // the airline backtest (85 windows) and sunspots (210) keep their 150 epochs of batches of 16
        assertEquals(150L * 6, Forecaster.steps(85, 150));
        assertEquals(150L * 14, Forecaster.steps(210, 150));
    }

    @Test
    void seedsSideBySideGiveTheSameForecastAsOneAfterTheOther() {
        double[] y = daily(400, 3);
        Forecaster.Config c = Forecaster.Config.defaults(14, 7).withTraining(8, 3, 3, 1).withLog(false);
        int threads = Parallel.threads();
        double[] one, two;
        try {
            Parallel.setThreads(1);
            one = Forecaster.fit(y, c, Progress.SILENT).forecast(y);
            Parallel.setThreads(3);
            two = Forecaster.fit(y, c, Progress.SILENT).forecast(y);
        } finally {
            Parallel.setThreads(threads);
        }
        assertArrayEquals(one, two);
    }

    @Test
    void theSeedsProgressCountsTheirStepsAsOneRun() {
        double[] y = daily(400, 3);
        Forecaster.Config c = Forecaster.Config.defaults(14, 7).withTraining(8, 3, 3, 1).withLog(false);
        java.util.List<Progress.Event> events = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Forecaster.fit(y, c, events::add);
        // window max(2·7, 2·14) = 28 → 400 − 28 − 14 + 1 = 359 windows: 3 epochs of 23 batches, for each of 3 seeds
        long total = 3 * Forecaster.steps(359, 3);
        assertEquals(207, total);
        long last = 0;
        for (Progress.Event e : events) {
            assertEquals(total, e.totalSteps(), "every report counts the whole run's steps");
            assertTrue(e.step() >= last && e.step() <= total, "steps never go back nor past the total: " + e.step());
            last = e.step();
        }
        Progress.Event end = events.get(events.size() - 1);
        assertTrue(end.done());
        assertEquals(total, end.step());
        assertEquals(1, events.stream().filter(Progress.Event::done).count(), "done once, when every seed is");
    }

    @Test
    void twentyYearsOfDailyValuesBeatSeasonalNaiveWithTheDefaults() {
        double[] y = daily(7305, 7);
        long t0 = System.nanoTime();
        // the defaults but one seed (the command averages 5, side by side on the cores)
        Forecaster.Backtest b = Forecaster.backtest(y, Forecaster.Config.defaults(28, 7).withTraining(32, 150, 1, 1), Progress.SILENT);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(b.maseGru() < 0.8 * b.maseNaive(), "mase " + b.maseGru() + " vs naive " + b.maseNaive());
        // 3 models (with/without the log on the validation split, then the chosen one) of at most 1,250 steps each
        assertTrue(seconds < 300, "took " + seconds + " s");
    }
}
