package org.gru4j.model;

import org.gru4j.nn.Param;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Init;
import org.gru4j.train.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every gradient of the model against central finite differences of L = Σ w ⊙ logits (w fixed, random), computed in
 * double from float forwards; the head and the stack against a plain loop and against one stacked {@link Recurrent}.
 */
class SequenceModelTest {
    static final int T = 6, B = 3;

    static List<SequenceModelConfig> configs() {
        return List.of(
                SequenceModelConfig.seqToSeq(CellKind.GRU, 3, 5, 1, 2),
                SequenceModelConfig.seqToOne(CellKind.LSTM, 3, 4, 2, 3),
                SequenceModelConfig.nextToken(CellKind.GRU, 7, 4, 5, 2),
                new SequenceModelConfig(0, RecurrentConfig.pytorch(CellKind.GRU, 3, 4, 2, true, true), 0, Head.LAST_STEP, 2),
                new SequenceModelConfig(0, RecurrentConfig.pytorch(CellKind.RNN_TANH, 3, 4, 2, true, true), 0.3, Head.PER_STEP, 2),
                SequenceModelConfig.nextToken(CellKind.LSTM, 6, 3, 4, 3).withDropout(0.25));
    }

    static Tensor input(SequenceModelConfig cf, Rng rng) {
        if (cf.tokens()) {
            Tensor x = Tensor.zeros(T, B);
            for (int i = 0; i < x.size(); i++) x.data[i] = rng.nextInt(cf.vocab());
            return x;
        }
        Tensor x = Tensor.zeros(T, B, cf.recurrent().input());
        for (int i = 0; i < x.size(); i++) x.data[i] = (float) rng.nextGaussian();
        return x;
    }

    /** L = Σ w ⊙ logits in double; the dropout masks come from a generator reset to the same seed every call. */
    static double loss(SequenceModel m, Tensor x, int[] lengths, float[] w) {
        Tensor logits = m.forward(x, lengths, null, null, m.config.dropout() > 0 ? new Rng(99) : null).logits();
        double s = 0;
        for (int i = 0; i < w.length; i++) s += (double) w[i] * logits.data[i];
        return s;
    }

    @ParameterizedTest
    @MethodSource("configs")
    void gradientsMatchFiniteDifferences(SequenceModelConfig cf) {
        Rng rng = new Rng(7);
        SequenceModel m = new SequenceModel(cf);
        Init.PYTORCH.apply(m, rng);
        Tensor x = input(cf, rng);
        int[] lengths = {T, 2, 4};
        Tensor logits = m.forward(x, lengths, null, null, cf.dropout() > 0 ? new Rng(99) : null).logits();
        float[] w = new float[logits.size()];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
        m.zeroGrads();
        Tensor dx = m.backward(new Tensor(logits.shape, w.clone()));
        float eps = 1e-2f;
        double worst = 0;
        for (int i = 0; i < m.params.length; i++) {
            float keep = m.params[i];
            m.params[i] = keep + eps;
            double up = loss(m, x, lengths, w);
            m.params[i] = keep - eps;
            double down = loss(m, x, lengths, w);
            m.params[i] = keep;
            double fd = (up - down) / (2 * eps), err = Math.abs(fd - m.grads[i]) / Math.max(1, Math.abs(fd));
            worst = Math.max(worst, err);
            assertTrue(err < 2e-3, cf.describe() + ": " + name(m, i) + " gradient " + m.grads[i] + ", finite difference " + fd);
        }
        if (!cf.tokens()) {
            for (int i = 0; i < x.size(); i++) {
                float keep = x.data[i];
                x.data[i] = keep + eps;
                double up = loss(m, x, lengths, w);
                x.data[i] = keep - eps;
                double down = loss(m, x, lengths, w);
                x.data[i] = keep;
                double fd = (up - down) / (2 * eps);
                assertEquals(fd, dx.data[i], 2e-3 * Math.max(1, Math.abs(fd)), "dx[" + i + "]");
            }
        }
    }

    static String name(SequenceModel m, int i) {
        for (Param p : m.parameters()) if (i >= p.offset() && i < p.offset() + p.size()) return p.name() + "[" + (i - p.offset()) + "]";
        return "?";
    }

    /** Without dropout the per-layer stack is one stacked Recurrent with the same tensors; the head is x·Wᵀ + b. */
    @Test
    void stackAndHeadMatchAStackedRecurrentAndAPlainLoop() {
        Rng rng = new Rng(3);
        RecurrentConfig rc = RecurrentConfig.pytorch(CellKind.GRU, 3, 4, 2, true, true);
        SequenceModel m = new SequenceModel(new SequenceModelConfig(0, rc, 0, Head.PER_STEP, 2));
        Init.PYTORCH.apply(m, rng);
        Recurrent r = new Recurrent(rc);
        Map<String, Tensor> sd = new java.util.HashMap<>();
        m.stateDict().forEach((k, v) -> { if (k.startsWith("rnn.")) sd.put(k.substring(4), v); });
        r.load(sd);
        Tensor x = input(m.config, rng);
        Tensor h0 = Tensor.zeros(4, B, 4);
        for (int i = 0; i < h0.size(); i++) h0.data[i] = (float) rng.nextGaussian();
        SequenceModel.Output o = m.forward(x, null, h0, null, null);
        Recurrent.Output ro = r.forward(x, null, h0, null);
        assertArrayEquals(ro.hn().data, o.hn().data, 1e-6f);
        Tensor wt = m.stateDict().get("head.weight"), bt = m.stateDict().get("head.bias");
        for (int row = 0; row < T * B; row++) {
            for (int k = 0; k < 2; k++) {
                double s = bt.data[k];
                for (int j = 0; j < 8; j++) s += (double) ro.y().data[row * 8 + j] * wt.data[k * 8 + j];
                assertEquals(s, o.logits().data[row * 2 + k], 1e-5);
            }
        }
    }

    @Test
    void namesFollowPytorchStateDictOrder() {
        SequenceModel m = new SequenceModel(SequenceModelConfig.nextToken(CellKind.LSTM, 10, 4, 5, 2));
        List<String> names = m.parameters().stream().map(Param::name).toList();
        assertEquals(List.of("embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1", "head.weight", "head.bias"), names);
        // embedding V·E + layer 0 (4H·E + 4H·H + 2·4H) + layer 1 (4H·H + 4H·H + 2·4H) + head (V·H + V)
        assertEquals(10 * 4 + (20 * 4 + 20 * 5 + 40) + (20 * 5 + 20 * 5 + 40) + (10 * 5 + 10), m.parameterCount());
    }

    @Test
    void badTokenIsNamed() {
        SequenceModel m = new SequenceModel(SequenceModelConfig.nextToken(CellKind.GRU, 5, 3, 4, 1));
        Tensor x = Tensor.zeros(2, 1);
        x.data[1] = 5;
        var e = assertThrows(IllegalArgumentException.class, () -> m.forward(x));
        assertTrue(e.getMessage().contains("token id 5.0 at position 1"), e.getMessage());
    }
}
