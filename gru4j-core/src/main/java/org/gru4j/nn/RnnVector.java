package org.gru4j.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static org.gru4j.kernel.VectorMath.L;
import static org.gru4j.kernel.VectorMath.S;
import static org.gru4j.kernel.VectorMath.tanh;

/** The plain RNN's activation pass for one batch row on the Vector API: h' = act(gx + gh), as {@link Rnn#forward}. */
final class RnnVector {
    private RnnVector() {}

    static void row(int hid, boolean relu, boolean active, float[] gx, float[] gates, int go, float[] gh, int gho,
                    float[] h, int ho, float[] y, int yo) {
        for (int j = 0; j < hid; j += L) {
            VectorMask<Float> m = S.indexInRange(j, hid);
            FloatVector a = FloatVector.fromArray(S, gx, go + j, m).add(FloatVector.fromArray(S, gh, gho + j, m));
            FloatVector hn = relu ? a.max(0f) : tanh(a);
            hn.intoArray(gates, go + j, m);
            if (active) {
                hn.intoArray(h, ho + j, m);
                hn.intoArray(y, yo + j, m);
            } else {
                FloatVector.zero(S).intoArray(y, yo + j, m);
            }
        }
    }
}
