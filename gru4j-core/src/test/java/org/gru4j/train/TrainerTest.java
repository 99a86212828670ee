package org.gru4j.train;

import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    @TempDir
    Path dir;

    /** Sequences of 3..9 steps of 2 features; per step the target is the running sum of feature 0. */
    static List<Example> runningSums(int n, long seed) {
        Rng rng = new Rng(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int T = 3 + rng.nextInt(7);
            Tensor x = Tensor.zeros(T, 2), y = Tensor.zeros(T, 1);
            double s = 0;
            for (int t = 0; t < T; t++) {
                x.data[2 * t] = (float) rng.uniform(-1, 1);
                x.data[2 * t + 1] = (float) rng.uniform(-1, 1);
                s += x.data[2 * t];
                y.data[t] = (float) s;
            }
            out.add(new Example(x, y));
        }
        return out;
    }

    /** Token series of varied lengths whose next token is (token + 1) mod V. */
    static List<Example> countingSeries(int n, int V, long seed) {
        Rng rng = new Rng(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int T = 4 + rng.nextInt(15);
            Tensor x = Tensor.zeros(T), y = Tensor.zeros(T);
            int tok = rng.nextInt(V);
            for (int t = 0; t < T; t++) {
                x.data[t] = tok;
                tok = (tok + 1) % V;
                y.data[t] = tok;
            }
            out.add(new Example(x, y));
        }
        return out;
    }

    static SequenceModel model(SequenceModelConfig cf, long seed) {
        SequenceModel m = new SequenceModel(cf);
        Init.PYTORCH.apply(m, new Rng(seed));
        return m;
    }

    /** 10 steps straight == 5 steps, checkpoint, a fresh trainer resumes, 5 more: the same bits. */
    void resumeIsBitForBit(SequenceModelConfig cf, List<Example> data, Loss loss, TrainConfig tc) throws Exception {
        SequenceModel a = model(cf, 1);
        Adam optA = Adam.adamW(a.parameterCount());
        new Trainer(a, optA, loss, tc.withMaxSteps(10), null).fit(data);

        Path ck = dir.resolve("ck.safetensors");
        SequenceModel b = model(cf, 1);
        Trainer first = new Trainer(b, Adam.adamW(b.parameterCount()), loss, tc.withMaxSteps(5).withCheckpoints(org.gru4j.io.CheckpointFile.to(ck), 2), null);
        assertEquals(5, first.fit(data).steps());
        assertTrue(Files.exists(ck));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary files left behind");
        }
        SequenceModel c = model(cf, 999);    // different weights: all must come from the checkpoint
        Adam optC = Adam.adamW(c.parameterCount());
        Trainer second = new Trainer(c, optC, loss, tc.withMaxSteps(10), null);
        second.resume(org.gru4j.io.CheckpointFile.read(ck));
        assertEquals(10, second.fit(data).steps());
        assertArrayEquals(a.params, c.params, "parameters after 10 steps");
        assertArrayEquals(optA.state().get("exp_avg_sq"), optC.state().get("exp_avg_sq"));
        assertEquals(optA.steps, optC.steps);
        SequenceModel d = model(cf, 1);
        new Trainer(d, Adam.adamW(d.parameterCount()), loss, tc.withMaxSteps(5), null).fit(data);
        assertFalse(java.util.Arrays.equals(a.params, d.params), "5 steps differ from 10 (the test can fail)");
    }

    @Test
    void resumeMidEpochWithDropoutIsBitForBit() throws Exception {
        SequenceModelConfig cf = SequenceModelConfig.seqToSeq(CellKind.GRU, 2, 6, 2, 1).withDropout(0.3);
        // 20 examples, batch 3: 7 steps per epoch, so the checkpoint at 5 is mid-epoch and step 10 is in epoch 2
        resumeIsBitForBit(cf, runningSums(20, 5), new MeanSquaredError(),
                TrainConfig.defaults(0.01).withBatchSize(3).withSeed(17).withValidation(0.1, 0));
    }

    @Test
    void resumeMidSeriesWithTruncatedBpttIsBitForBit() throws Exception {
        SequenceModelConfig cf = SequenceModelConfig.nextToken(CellKind.LSTM, 7, 4, 6, 1);
        resumeIsBitForBit(cf, countingSeries(9, 7, 3), new CrossEntropy(CrossEntropy.IGNORE_INDEX),
                TrainConfig.defaults(0.02).withBatchSize(3).withBptt(3).withSeed(4));
    }

    @Test
    void learnsRunningSumsAndReportsProgress() {
        SequenceModel m = model(SequenceModelConfig.seqToSeq(CellKind.GRU, 2, 12, 1, 1), 2);
        List<Example> data = runningSums(96, 8);
        List<Progress.Event> events = new ArrayList<>();
        Trainer tr = new Trainer(m, Adam.adam(m.parameterCount()), new MeanSquaredError(),
                TrainConfig.defaults(0.02).withEpochs(25).withBatchSize(16).withValidation(0.25, 0), events::add);
        double before = tr.evaluate(data);
        Trainer.Result r = tr.fit(data);
        double after = tr.evaluate(data);
        assertTrue(after < before / 10, "MSE " + before + " → " + after);
        assertEquals(25 * 5, r.steps());
        assertTrue(r.bestValidationLoss() < before / 10);
        Progress.Event last = events.get(events.size() - 1);
        assertTrue(last.done(), "the last report says training has ended");
        assertEquals(125, last.step());
        long withValidation = events.stream().filter(e -> !Double.isNaN(e.validationLoss())).count();
        assertEquals(25, withValidation, "one validation report per epoch");
        Progress.Event mid = events.get(3);
        assertTrue(mid.stepsPerSecond() > 0 && mid.gradNorm() > 0 && mid.loss() > 0 && mid.etaSeconds() >= 0, mid.format());
        assertTrue(mid.format().matches("step \\d+/125 epoch \\d+ loss .* \\|g\\| .* lr .* steps/s ETA .*"), mid.format());
    }

    @Test
    void earlyStoppingRestoresTheBest() {
        List<Example> data = new ArrayList<>();
        for (Example e : runningSums(12, 9)) data.add(new Example(e.input(), new Tensor(new int[]{1}, new float[]{e.target().data[e.steps() - 1]})));
        SequenceModelConfig cf = SequenceModelConfig.seqToOne(CellKind.RNN_TANH, 2, 4, 1, 1);
        // gradient ascent (lr < 0): the validation loss soon stops improving
        TrainConfig tc = TrainConfig.defaults(-0.05).withEpochs(20).withBatchSize(4).withValidation(0.25, 2);
        SequenceModel m = model(cf, 3);
        List<Double> val = new ArrayList<>();
        Trainer.Result r = new Trainer(m, new Sgd(m.parameterCount(), 0, 0, 0, false), new MeanSquaredError(), tc,
                e -> { if (!Double.isNaN(e.validationLoss())) val.add(e.validationLoss()); }).fit(data);
        assertTrue(r.stoppedEarly());
        int best = 0;
        for (int e = 1; e < val.size(); e++) if (val.get(e) < val.get(best)) best = e;
        assertEquals(best + 3, r.epochs(), "stops two epochs after the best " + val);
        assertEquals(val.get(best), r.bestValidationLoss());
        SequenceModel again = model(cf, 3);
        new Trainer(again, new Sgd(again.parameterCount(), 0, 0, 0, false), new MeanSquaredError(), tc.withEpochs(best + 1), null).fit(data);
        assertArrayEquals(again.params, m.params, "the parameters after the best epoch are restored");
        assertNotEquals(0, best + 1 - val.size(), "the run went past its best epoch");
    }

    @Test
    void nonFiniteStepIsSkippedAndReported() {
        SequenceModel m = model(SequenceModelConfig.seqToSeq(CellKind.GRU, 2, 4, 1, 1), 3);
        List<Example> data = runningSums(4, 1);
        data.get(2).input().data[0] = Float.NaN;
        List<String> messages = new ArrayList<>();
        Trainer tr = new Trainer(m, Adam.adam(m.parameterCount()), new MeanSquaredError(),
                TrainConfig.defaults(0.01).withEpochs(2).withBatchSize(1), e -> { if (e.message() != null) messages.add(e.message()); });
        // by default the forward pass refuses the NaN input, naming where it is
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> tr.fit(data));
        assertTrue(refused.getMessage().contains("NaN at (t,b,i) = (0,0,0)"), refused.getMessage());
        // passed through on request, the NaN reaches the loss and the optimizer skips those steps
        org.gru4j.nn.Recurrent.checkFinite = false;
        try {
            new Trainer(m, Adam.adam(m.parameterCount()), new MeanSquaredError(),
                    TrainConfig.defaults(0.01).withEpochs(2).withBatchSize(1), e -> { if (e.message() != null) messages.add(e.message()); }).fit(data);
        } finally {
            org.gru4j.nn.Recurrent.checkFinite = true;
        }
        assertEquals(2, messages.stream().filter(s -> s.startsWith("exploding gradient: loss=NaN")).count(), messages.toString());
        for (float p : m.params) assertTrue(Float.isFinite(p));
    }

    /** With lr 0 each chunk's loss is the loss of the full-sequence forward over the chunk's steps (state carried). */
    @Test
    void truncatedBpttCarriesStateAndResetsAtSeriesBoundaries() {
        SequenceModelConfig cf = SequenceModelConfig.seqToSeq(CellKind.GRU, 2, 5, 2, 1);
        SequenceModel m = model(cf, 6);
        List<Example> data = runningSums(40, 2).stream().filter(e -> e.steps() >= 7).limit(2).toList();
        int n0 = data.get(0).steps(), n1 = data.get(1).steps();
        List<Double> losses = new ArrayList<>();
        new Trainer(m, new Sgd(m.parameterCount(), 0, 0, 0, false), new MeanSquaredError(),
                TrainConfig.defaults(0).withEpochs(1).withBatchSize(2).withBptt(3).withReportEvery(1).withClipping(Clipping.NONE),
                e -> { if (e.message() == null && !e.done()) losses.add(e.loss()); }).fit(data);
        // reference: each series forward alone, whole; chunk k covers steps 3k..3k+2 of each
        float[][] out = new float[2][];
        for (int s = 0; s < 2; s++) {
            Example e = data.get(s);
            out[s] = m.forward(new Tensor(new int[]{e.steps(), 1, 2}, e.input().data)).logits().data;
        }
        int chunks = (Math.max(n0, n1) + 2) / 3;
        assertEquals(chunks, losses.size());
        for (int k = 0; k < chunks; k++) {
            double sum = 0;
            int count = 0;
            for (int s = 0; s < 2; s++) {
                for (int t = 3 * k; t < Math.min(3 * k + 3, data.get(s).steps()); t++) {
                    double d = out[s][t] - data.get(s).target().data[t];
                    sum += d * d;
                    count++;
                }
            }
            assertEquals(sum / count, losses.get(k), 1e-6, "chunk " + k);
        }
        assertNotEquals(n0, n1);
    }

    /** A time-based interval checkpoints mid-run, between the step-based ones (here: none). */
    @Test
    void checkpointsEveryFewMinutesOfWallClock() throws Exception {
        SequenceModelConfig cf = SequenceModelConfig.seqToSeq(CellKind.GRU, 2, 4, 1, 1);
        Path ck = dir.resolve("timed.safetensors");
        List<Boolean> seenMidRun = new java.util.ArrayList<>();
        TrainConfig tc = TrainConfig.defaults(0.01).withBatchSize(2).withMaxSteps(6).withCheckpoints(org.gru4j.io.CheckpointFile.to(ck), 0)
                .withCheckpointMinutes(1e-9).withReportEvery(1);
        SequenceModel m = model(cf, 1);
        new Trainer(m, Adam.adam(m.parameterCount()), new MeanSquaredError(), tc, e -> {
            if (e.step() == 3) seenMidRun.add(java.nio.file.Files.exists(ck));
        }).fit(runningSums(8, 1));
        assertEquals(List.of(true), seenMidRun, "a checkpoint was written before step 3 ended");
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults(0.01).withCheckpointMinutes(-1));
    }

    @Test
    void resumeRefusesOtherDataOrSettingsAndNonCheckpoints() throws Exception {
        SequenceModelConfig cf = SequenceModelConfig.seqToSeq(CellKind.GRU, 2, 4, 1, 1);
        List<Example> data = runningSums(8, 1);
        Path ck = dir.resolve("run.safetensors");
        SequenceModel m = model(cf, 1);
        TrainConfig tc = TrainConfig.defaults(0.01).withBatchSize(2).withMaxSteps(3).withCheckpoints(org.gru4j.io.CheckpointFile.to(ck), 100);
        new Trainer(m, Adam.adam(m.parameterCount()), new MeanSquaredError(), tc, null).fit(data);
        Checkpoint c = org.gru4j.io.CheckpointFile.read(ck);
        assertEquals(3, c.step());

        Trainer other = new Trainer(model(cf, 1), Adam.adam(m.parameterCount()), new MeanSquaredError(), tc, null);
        other.resume(c);
        var e = assertThrows(IllegalArgumentException.class, () -> other.fit(data.subList(0, 7)));
        assertTrue(e.getMessage().contains("written for 8 examples, this run has 7"), e.getMessage());
        var s = assertThrows(IllegalArgumentException.class, () -> new Trainer(model(cf, 1), Adam.adam(m.parameterCount()),
                new MeanSquaredError(), tc.withSeed(2), null).resume(c));
        assertTrue(s.getMessage().contains("seed 1"), s.getMessage());
        var o = assertThrows(IllegalArgumentException.class, () -> new Trainer(model(cf, 1), Adam.adamW(m.parameterCount()),
                new MeanSquaredError(), tc, null).resume(c));
        assertTrue(o.getMessage().contains("optimizer is 'adam"), o.getMessage());

        Path plain = dir.resolve("weights.safetensors");
        org.gru4j.io.Safetensors.write(plain, m.stateDict(), java.util.Map.of());
        var f = assertThrows(org.gru4j.io.ModelFormatException.class, () -> org.gru4j.io.CheckpointFile.read(plain));
        assertTrue(f.getMessage().contains("not a training checkpoint"), f.getMessage());
    }

    @Test
    void lanesDealSeriesAndResetAtBoundaries() {
        List<Example> data = List.of(ex(7), ex(3), ex(5));
        Lanes lanes = new Lanes(data, new int[]{0, 1, 2}, 2);   // lane 0: series 0 then 2; lane 1: series 1
        StringBuilder sb = new StringBuilder();
        while (lanes.advance(4)) {
            for (int b = 0; b < 2; b++) sb.append(lanes.series[b]).append('@').append(lanes.from[b]).append('+').append(lanes.count[b]).append(' ');
            sb.append("| ");
        }
        assertEquals("0@0+4 1@0+3 | 0@4+3 -1@0+0 | 2@0+4 -1@0+0 | 2@4+1 -1@0+0 | ", sb.toString());
        assertEquals(4, Lanes.chunks(data, new int[]{0, 1, 2}, 2, 4));
    }

    static Example ex(int T) {
        return new Example(Tensor.zeros(T, 1), Tensor.zeros(T, 1));
    }
}
