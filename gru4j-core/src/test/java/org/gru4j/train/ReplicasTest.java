package org.gru4j.train;

import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data-parallel replicas (TrainConfig.threads) take the same steps as one network over the whole batch: they change
 * only the summation order. Truncated BPTT over text lanes, as the language model trains, and whole sequences of
 * unequal lengths (masked rows weighted by what each share counts).
 */
class ReplicasTest {
    static final int V = 7, LANES = 5, LEN = 23, K = 6;
    static final SequenceModelConfig CF = SequenceModelConfig.nextToken(CellKind.GRU, V, 4, 9, 2);

    /** LANES stretches of LEN (input, next id) pairs of a random text. */
    static List<Example> lanes() {
        Rng r = new Rng(5);
        int[] ids = new int[LANES * LEN + 1];
        for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(V);
        List<Example> out = new ArrayList<>();
        for (int b = 0; b < LANES; b++) {
            float[] x = new float[LEN], y = new float[LEN];
            for (int t = 0; t < LEN; t++) {
                x[t] = ids[b * LEN + t];
                y[t] = ids[b * LEN + t + 1];
            }
            out.add(new Example(new Tensor(new int[]{LEN}, x), new Tensor(new int[]{LEN}, y)));
        }
        return out;
    }

    static float[] train(SequenceModelConfig cf, List<Example> data, TrainConfig tc, Loss loss, int replicas, long expectSteps) {
        SequenceModel m = new SequenceModel(cf);
        Init.PYTORCH.apply(m, new Rng(1));
        Trainer.Result res = new Trainer(m, Adam.adam(m.parameterCount()), loss, tc.withThreads(replicas), null).fit(data);
        assertEquals(expectSteps, res.steps());
        return m.params;
    }

    static void assertClose(float[] want, float[] got, double tol) {
        double worst = 0;
        for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
        assertTrue(worst < tol, "max |Δθ| = " + worst);
    }

    @Test
    void replicasTakeTheSameStepsAsOneNetworkOnTextLanes() {
        TrainConfig tc = TrainConfig.defaults(1e-2).withEpochs(2).withBatchSize(LANES).withBptt(K).withShuffle(false)
                .withClipping(Clipping.byNorm(0.5));
        Loss ce = new CrossEntropy(CrossEntropy.IGNORE_INDEX);
        long steps = 2 * ((LEN + K - 1) / K);
        float[] one = train(CF, lanes(), tc, ce, 1, steps);
        assertClose(one, train(CF, lanes(), tc, ce, 2, steps), 2e-5);
        assertClose(one, train(CF, lanes(), tc, ce, 3, steps), 2e-5);       // 5 lanes over 3 replicas: 1, 2, 2 lanes, weighted
        SequenceModel start = new SequenceModel(CF);
        Init.PYTORCH.apply(start, new Rng(1));
        double moved = 0;
        for (int i = 0; i < one.length; i++) moved = Math.max(moved, Math.abs(start.params[i] - one[i]));
        assertTrue(moved > 1e-3, "training moved the parameters by " + moved);
    }

    @Test
    void replicasTakeTheSameStepsOnRaggedSequences() {
        SequenceModelConfig cf = SequenceModelConfig.seqToSeq(CellKind.LSTM, 2, 6, 1, 1);
        List<Example> data = new ArrayList<>();
        Rng r = new Rng(3);
        for (int i = 0; i < 12; i++) {
            int T = 2 + i % 5;
            float[] x = new float[T * 2], y = new float[T];
            for (int t = 0; t < T; t++) {
                x[t * 2] = (float) r.nextDouble();
                y[t] = x[t * 2] + (t > 0 ? y[t - 1] : 0);
            }
            data.add(new Example(new Tensor(new int[]{T, 2}, x), new Tensor(new int[]{T, 1}, y)));
        }
        TrainConfig tc = TrainConfig.defaults(1e-2).withEpochs(3).withBatchSize(6).withSeed(9);
        float[] one = train(cf, data, tc, new MeanSquaredError(), 1, 6);
        assertClose(one, train(cf, data, tc, new MeanSquaredError(), 2, 6), 2e-5);
    }
}
