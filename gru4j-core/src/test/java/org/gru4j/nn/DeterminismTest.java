package org.gru4j.nn;

import org.gru4j.kernel.Parallel;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Results do not depend on the thread count or on how a batch is split (same bits), and the packed weights follow
 * the parameters whoever writes them.
 */
class DeterminismTest {
    private final int threads = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(threads);
    }

    static final List<RecurrentConfig> CONFIGS = List.of(
            RecurrentConfig.pytorch(CellKind.GRU, 24, 96, 2, false, true),
            RecurrentConfig.pytorch(CellKind.GRU, 24, 80, 1, true, true),
            new RecurrentConfig(CellKind.GRU, 24, 64, 1, false, true, false, true),
            RecurrentConfig.pytorch(CellKind.LSTM, 24, 96, 2, false, true),
            RecurrentConfig.pytorch(CellKind.RNN_TANH, 24, 100, 1, false, false),
            RecurrentConfig.pytorch(CellKind.RNN_RELU, 24, 128, 1, true, true));

    static Recurrent model(RecurrentConfig cf, long seed) {
        Recurrent m = new Recurrent(cf);
        Random rnd = new Random(seed);
        for (int i = 0; i < m.params.length; i++) m.params[i] = (rnd.nextFloat() * 2 - 1) * 0.3f;
        return m;
    }

    static Tensor random(Random rnd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.data.length; i++) t.data[i] = rnd.nextFloat() * 2 - 1;
        return t;
    }

    record Run(float[] y, float[] hn, float[] grads) {}

    static Run run(Recurrent m, Tensor x, int[] lengths, int threads) {
        Parallel.setThreads(threads);
        Recurrent.Output o = m.forward(x, lengths, null, null);
        Tensor dy = Tensor.zeros(o.y().shape);
        for (int i = 0; i < dy.data.length; i++) dy.data[i] = (float) Math.sin(i);
        m.zeroGrads();
        m.backward(dy, null, null, true);
        return new Run(o.y().data, o.hn().data, m.grads.clone());
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBits() {
        Random rnd = new Random(5);
        for (RecurrentConfig cf : CONFIGS) {
            Recurrent m = model(cf, 1);
            Tensor x = random(rnd, 9, 32, cf.input());
            int[] lengths = new int[32];
            for (int b = 0; b < 32; b++) lengths[b] = 1 + rnd.nextInt(9);
            for (int[] lens : new int[][]{null, lengths}) {
                Run one = run(m, x, lens, 1), two = run(m, x, lens, 2), four = run(m, x, lens, 4);
                assertArrayEquals(one.y, two.y, cf.describe() + ": y");
                assertArrayEquals(one.hn, two.hn, cf.describe() + ": h_n");
                assertArrayEquals(one.grads, two.grads, cf.describe() + ": grads");
                assertArrayEquals(one.y, four.y, cf.describe() + ": y, 4 threads");
            }
        }
    }

    @Test
    void aBatchRunWholeOrInPartsGivesTheSameBits() {
        Random rnd = new Random(6);
        for (RecurrentConfig cf : CONFIGS) {
            Recurrent m = model(cf, 2);
            int T = 7, B = 19, H = cf.hidden(), D = cf.directions();
            Tensor x = random(rnd, T, B, cf.input());
            for (int threads : new int[]{1, 2}) {
                Parallel.setThreads(threads);
                float[] whole = m.forward(x).y().data;
                // parts of 1, 8 and 10 rows (the register tile is 8 rows: parts land on and off its edges)
                int[][] splits = {{1, 8, 10}, {19}, {3, 16}};
                for (int[] split : splits) {
                    float[] joined = new float[whole.length];
                    int b0 = 0;
                    for (int nb : split) {
                        Tensor part = Tensor.zeros(T, nb, cf.input());
                        for (int t = 0; t < T; t++) System.arraycopy(x.data, (t * B + b0) * cf.input(), part.data, t * nb * cf.input(), nb * cf.input());
                        float[] y = m.forward(part).y().data;
                        for (int t = 0; t < T; t++) System.arraycopy(y, t * nb * D * H, joined, (t * B + b0) * D * H, nb * D * H);
                        b0 += nb;
                    }
                    assertArrayEquals(whole, joined, cf.describe() + " split " + Arrays.toString(split) + " threads " + threads);
                }
            }
        }
    }

    @Test
    void streamStepsMatchTheBatchForwardToTheBit() {
        Random rnd = new Random(7);
        RecurrentConfig cf = RecurrentConfig.pytorch(CellKind.GRU, 12, 48, 2, false, true);
        Recurrent m = model(cf, 3);
        Tensor x = random(rnd, 6, 1, 12);
        float[] y = m.forward(x).y().data;
        RecurrentStepper s = new RecurrentStepper(m);
        for (int t = 0; t < 6; t++) {
            float[] out = s.step(Arrays.copyOfRange(x.data, t * 12, t * 12 + 12));
            assertArrayEquals(Arrays.copyOfRange(y, t * 48, t * 48 + 48), out, "step " + t);
        }
    }

    @Test
    void forwardSeesParametersWrittenInPlace() {
        RecurrentConfig cf = RecurrentConfig.pytorch(CellKind.GRU, 8, 32, 1, false, true);
        Recurrent m = model(cf, 4);
        Tensor x = random(new Random(8), 5, 3, 8);
        float[] before = m.forward(x).y().data;
        m.params[m.params.length / 2] += 0.5f;                        // a weight_hh entry, written in place
        m.params[m.params.length - 1] -= 0.25f;                        // the last bias_hh entry
        float[] after = m.forward(x).y().data;
        Recurrent fresh = new Recurrent(cf);
        System.arraycopy(m.params, 0, fresh.params, 0, m.params.length);
        assertArrayEquals(fresh.forward(x).y().data, after);
        assertFalse(Arrays.equals(before, after));
    }

    /** nn.LSTM(1, 512) on x (1024, 1024, 1): T·B·4H is 2^31 floats — refused with a message, nothing allocated. */
    @Test
    void activationsTooLargeForAnArrayAreRefusedClearly() {
        Recurrent m = new Recurrent(RecurrentConfig.pytorch(CellKind.LSTM, 1, 512, 1, false, true));
        Tensor x = Tensor.zeros(1024, 1024, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.forward(x));
        assertTrue(e.getMessage().contains("1024 steps × batch 1024") && e.getMessage().contains("more than a Java array holds"), e.getMessage());
        // the module is still usable afterwards
        assertEquals(3, m.forward(Tensor.zeros(2, 3, 1)).y().shape[1]);
    }
}
