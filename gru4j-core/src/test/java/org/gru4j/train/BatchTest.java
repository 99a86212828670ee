package org.gru4j.train;

import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Padding into time-major batches: where each value lands, the lengths and the loss mask. */
class BatchTest {
    /** Example with steps T, I features; input value 100·id + 10·t + i, per-step target 100·id + t. */
    static Example ex(int id, int T, int I, int O) {
        Tensor x = Tensor.zeros(T, I), y = Tensor.zeros(T, O);
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < I; i++) x.data[t * I + i] = 100 * id + 10 * t + i;
            for (int o = 0; o < O; o++) y.data[t * O + o] = 100 * id + t + 0.5f * o;
        }
        return new Example(x, y);
    }

    @Test
    void perStepFeaturesArePaddedTimeMajorWithAMask() {
        List<Example> data = List.of(ex(0, 2, 3, 2), ex(1, 4, 3, 2), ex(2, 3, 3, 2));
        Batch b = Batch.of(data, new int[]{2, 0}, SequenceModelConfig.seqToSeq(CellKind.GRU, 3, 4, 1, 2), false);
        assertArrayEquals(new int[]{3, 2, 3}, b.x().shape);
        assertArrayEquals(new int[]{3, 2, 2}, b.target().shape);
        assertArrayEquals(new int[]{3, 2}, b.lengths());
        // x[t=1, b=0] is example 2 step 1; x[t=2, b=1] is padding
        assertEquals(211f, b.x().data[(1 * 2 + 0) * 3 + 1]);
        assertEquals(0f, b.x().data[(2 * 2 + 1) * 3]);
        assertEquals(1.5f, b.target().data[(1 * 2 + 1) * 2 + 1]);
        assertArrayEquals(new boolean[]{true, true, true, true, true, false}, b.mask());
        assertNull(b.reset());
    }

    @Test
    void lastStepClassTargetsAndTokens() {
        Example a = new Example(new Tensor(new int[]{3}, new float[]{1, 2, 3}), new Tensor(new int[]{1}, new float[]{4}));
        Example c = new Example(new Tensor(new int[]{3}, new float[]{5, 6, 0}), new Tensor(new int[]{1}, new float[]{2}));
        SequenceModelConfig cf = new SequenceModelConfig(7, org.gru4j.nn.RecurrentConfig.pytorch(CellKind.GRU, 4, 5, 1, false, true),
                0, org.gru4j.model.Head.LAST_STEP, 5);
        Batch b = Batch.of(List.of(a, c), new int[]{1, 0}, cf, true);
        assertArrayEquals(new int[]{3, 2}, b.x().shape);
        assertArrayEquals(new float[]{5, 1, 6, 2, 0, 3}, b.x().data);
        assertArrayEquals(new float[]{2, 4}, b.target().data);
        assertNull(b.lengths(), "equal lengths need none");
        assertNull(b.mask());
    }

    @Test
    void misshapenExampleIsNamed() {
        List<Example> data = List.of(ex(0, 2, 3, 2), ex(1, 4, 2, 2));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Batch.of(data, new int[]{0, 1}, SequenceModelConfig.seqToSeq(CellKind.GRU, 3, 4, 1, 2), false));
        assertTrue(e.getMessage().startsWith("example 1: input has shape [4, 2]"), e.getMessage());
    }
}
