package org.gru4j.nn;

import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Skipping dL/dx changes nothing else: the same parameter gradients and dL/dh0, bit for bit. */
class InputGradTest {

    @Test
    void backwardWithoutInputGradientKeepsEveryOtherGradient() {
        for (CellKind cell : CellKind.values()) {
            for (boolean bidirectional : new boolean[]{false, true}) {
                RecurrentConfig cf = RecurrentConfig.pytorch(cell, 3, 5, 2, bidirectional, true);
                Recurrent m = new Recurrent(cf);
                Random rnd = new Random(31);
                for (int i = 0; i < m.params.length; i++) m.params[i] = (float) (rnd.nextGaussian() * 0.4);
                Tensor x = Tensor.zeros(7, 2, 3), dy = Tensor.zeros(7, 2, cf.directions() * 5);
                for (int i = 0; i < x.data.length; i++) x.data[i] = (float) rnd.nextGaussian();
                for (int i = 0; i < dy.data.length; i++) dy.data[i] = (float) rnd.nextGaussian();
                int[] lengths = {7, 4};

                m.forward(x, lengths, null, null);
                Recurrent.InputGrads full = m.backward(dy, null, null);
                float[] grads = m.grads.clone();
                m.zeroGrads();
                m.forward(x, lengths, null, null);
                Recurrent.InputGrads skip = m.backward(dy, null, null, false);

                assertNotNull(full.dx());
                assertNull(skip.dx(), "dx is not computed");
                assertArrayEquals(grads, m.grads, cell + " parameter gradients");
                assertArrayEquals(full.dh0().data, skip.dh0().data, cell + " dh0");
            }
        }
    }
}
