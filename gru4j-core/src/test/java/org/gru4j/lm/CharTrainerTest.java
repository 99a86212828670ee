package org.gru4j.lm;

import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Adam;
import org.gru4j.train.Clipping;
import org.gru4j.train.CrossEntropy;
import org.gru4j.train.Example;
import org.gru4j.train.Init;
import org.gru4j.train.Progress;
import org.gru4j.train.Rng;
import org.gru4j.train.TrainConfig;
import org.gru4j.train.Trainer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data-parallel loop takes the same steps as one network over all lanes (replicas change only the summation
 * order), and one replica takes the library Trainer's truncated-BPTT steps.
 */
class CharTrainerTest {
    static final int V = 7, LANES = 5, LEN = 23, K = 6;
    static final SequenceModelConfig CF = SequenceModelConfig.nextToken(CellKind.GRU, V, 4, 9, 2);

    static int[] text() {
        Rng r = new Rng(5);
        int[] ids = new int[LANES * LEN + 1];
        for (int i = 0; i < ids.length; i++) ids[i] = (int) r.nextInt(V);
        return ids;
    }

    static float[] trainWithReplicas(int R, int epochs) {
        SequenceModel[] reps = new SequenceModel[R];
        for (int r = 0; r < R; r++) reps[r] = new SequenceModel(CF);
        Init.PYTORCH.apply(reps[0], new Rng(1));
        CharTrainer t = new CharTrainer(reps, LANES, Adam.adam(reps[0].parameterCount()), Clipping.byNorm(0.5), 1e-2);
        CharTrainer.Result res = t.run(text(), LEN, K, epochs, Long.MAX_VALUE, Progress.SILENT);
        assertEquals(epochs * ((LEN + K - 1) / K), res.steps());
        return reps[0].params;
    }

    static void assertClose(float[] want, float[] got, double tol) {
        double worst = 0;
        for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
        assertTrue(worst < tol, "max |Δθ| = " + worst);
    }

    @Test
    void replicasTakeTheSameStepsAsOneNetwork() {
        float[] one = trainWithReplicas(1, 2);
        assertClose(one, trainWithReplicas(2, 2), 2e-5);
        assertClose(one, trainWithReplicas(3, 2), 2e-5);       // 5 lanes over 3 replicas: 1, 2, 2 lanes, weighted
    }

    @Test
    void oneReplicaTakesTheTrainersSteps() {
        int[] ids = text();
        List<Example> lanes = new ArrayList<>();
        for (int b = 0; b < LANES; b++) {
            float[] x = new float[LEN], y = new float[LEN];
            for (int t = 0; t < LEN; t++) {
                x[t] = ids[b * LEN + t];
                y[t] = ids[b * LEN + t + 1];
            }
            lanes.add(new Example(new Tensor(new int[]{LEN}, x), new Tensor(new int[]{LEN}, y)));
        }
        SequenceModel m = new SequenceModel(CF);
        Init.PYTORCH.apply(m, new Rng(1));
        float[] before = m.params.clone();
        TrainConfig tc = TrainConfig.defaults(1e-2).withEpochs(1).withBatchSize(LANES).withBptt(K).withClipping(Clipping.byNorm(0.5));
        new Trainer(m, Adam.adam(m.parameterCount()), new CrossEntropy(CrossEntropy.IGNORE_INDEX), tc, Progress.SILENT).fit(lanes);
        float[] mine = trainWithReplicas(1, 1);
        assertClose(m.params, mine, 2e-5);
        double moved = 0;
        for (int i = 0; i < before.length; i++) moved = Math.max(moved, Math.abs(before[i] - mine[i]));
        assertTrue(moved > 1e-3, "training moved the parameters by " + moved);
    }
}
