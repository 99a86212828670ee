package org.gru4j.nn;

import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.stream.Sessions;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NaN and infinity at the API edge: refused with the tensor and position named, unless Recurrent.checkFinite is off. */
class FiniteTest {
    @AfterEach
    void restore() {
        Recurrent.checkFinite = true;
    }

    static Recurrent model(CellKind cell, int input, int hidden, int layers, boolean bidirectional) {
        Recurrent r = new Recurrent(RecurrentConfig.pytorch(cell, input, hidden, layers, bidirectional, true));
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < r.params.length; i++) r.params[i] = (float) rnd.nextDouble(-0.5, 0.5);
        return r;
    }

    static Tensor input(int t, int b, int i) {
        Tensor x = Tensor.zeros(t, b, i);
        SplittableRandom rnd = new SplittableRandom(7);
        for (int k = 0; k < x.data.length; k++) x.data[k] = (float) rnd.nextGaussian();
        return x;
    }

    static void contains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "'" + message + "' should contain " + p);
    }

    @Test
    void recurrentForwardNamesTheTensorAndPosition() {
        Recurrent r = model(CellKind.LSTM, 3, 4, 2, true);
        Tensor x = input(5, 2, 3);
        x.data[(3 * 2 + 1) * 3 + 2] = Float.NaN;   // (t,b,i) = (3,1,2)
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.forward(x));
        contains(e.getMessage(), "input x", "NaN", "(t,b,i) = (3,1,2)", "checkFinite");

        Tensor ok = input(5, 2, 3);
        Tensor h0 = Tensor.zeros(4, 2, 4);
        h0.data[(2 * 2 + 0) * 4 + 3] = Float.POSITIVE_INFINITY;   // (k,b,j) = (2,0,3)
        e = assertThrows(IllegalArgumentException.class, () -> r.forward(ok, null, h0, null));
        contains(e.getMessage(), "h0", "Infinity", "= (2,0,3)");
        Tensor c0 = Tensor.zeros(4, 2, 4);
        c0.data[c0.data.length - 1] = Float.NEGATIVE_INFINITY;
        e = assertThrows(IllegalArgumentException.class, () -> r.forward(ok, null, null, c0));
        contains(e.getMessage(), "c0", "-Infinity", "= (3,1,3)");
    }

    @Test
    void passThroughWhenAskedSpreadsTheNaN() {
        Recurrent r = model(CellKind.GRU, 3, 4, 1, false);
        Tensor x = input(4, 1, 3);
        x.data[3] = Float.NaN;   // step 1
        Recurrent.checkFinite = false;
        Recurrent.Output o = r.forward(x);
        for (int j = 0; j < 4; j++) assertTrue(Float.isFinite(o.y().data[j]), "step 0 is before the NaN");
        assertTrue(Float.isNaN(o.y().data[4]) && Float.isNaN(o.hn().data[0]), "later steps carry it");
    }

    @Test
    void streamAndSessionsNameTheFeatureAndKey() {
        Recurrent r = model(CellKind.GRU, 3, 4, 1, false);
        RecurrentStepper s = new RecurrentStepper(r);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.step(new float[]{0, Float.NaN, 0}));
        contains(e.getMessage(), "input x", "NaN", "(i) = (1)");
        for (float v : s.h) assertEquals(0f, v, "a refused step leaves the state alone");

        Sessions sessions = new Sessions(r);
        sessions.step(42, new float[]{1, 2, 3});
        float[] before = sessions.state(42);
        e = assertThrows(IllegalArgumentException.class, () -> sessions.step(42, new float[]{0, 0, Float.POSITIVE_INFINITY}));
        contains(e.getMessage(), "key 42", "Infinity", "(i) = (2)");
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(sessions.state(42)), "the key's state is unchanged");
        e = assertThrows(IllegalArgumentException.class,
                () -> sessions.stepBatch(new long[]{7, 8}, new float[]{0, 0, 0, 0, Float.NaN, 0}, new float[8]));
        contains(e.getMessage(), "key 8", "row 1", "(row,i) = (1,1)");
        assertEquals(1, sessions.size(), "a refused batch creates no keys");

        Recurrent.checkFinite = false;
        assertTrue(Float.isNaN(s.step(new float[]{0, Float.NaN, 0})[0]));
    }

    @Test
    void sequenceModelChecksFeaturesAndTokens() {
        SequenceModel m = new SequenceModel(SequenceModelConfig.seqToOne(CellKind.GRU, 3, 4, 2, 2));
        Tensor x = input(3, 2, 3);
        x.data[5] = Float.NaN;   // (0,1,2)
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.forward(x));
        contains(e.getMessage(), "input x", "(t,b,i) = (0,1,2)");

        SequenceModel lm = new SequenceModel(SequenceModelConfig.nextToken(CellKind.LSTM, 10, 4, 5, 1));
        Tensor ids = Tensor.zeros(3, 2);
        ids.data[4] = Float.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> lm.forward(ids));
        contains(e.getMessage(), "(t,b) = (2,0)");
    }

    @Test
    void positionsOfEveryRank() {
        assertEquals("()", Finite.position(0, new int[0]));
        assertEquals("(4)", Finite.position(4, new int[]{5}));
        assertEquals("(1,2,3)", Finite.position(1 * 12 + 2 * 4 + 3, new int[]{2, 3, 4}));
    }
}
