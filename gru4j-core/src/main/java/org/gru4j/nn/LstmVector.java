package org.gru4j.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static org.gru4j.kernel.VectorMath.L;
import static org.gru4j.kernel.VectorMath.S;
import static org.gru4j.kernel.VectorMath.sigmoid;
import static org.gru4j.kernel.VectorMath.tanh;

/**
 * The LSTM's fused gate pass for one batch row on the Vector API: the equations of {@link Lstm#forward}, H lanes at
 * a time (the last chunk masked). Offsets: gx and gates rows at go (4H), gh row at gho (4H), h and c rows at ho,
 * aux2 row at so, y row at yo.
 */
final class LstmVector {
    private LstmVector() {}

    /** i, f, o = σ(·), g = tanh(·), c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c'); inactive rows keep h and c, y = 0. */
    static void row(int hid, boolean active, float[] gx, float[] gates, int go, float[] gh, int gho,
                    float[] h, float[] c, int ho, float[] aux2, int so, float[] y, int yo) {
        for (int j = 0; j < hid; j += L) {
            VectorMask<Float> m = S.indexInRange(j, hid);
            FloatVector i = sigmoid(FloatVector.fromArray(S, gx, go + j, m).add(FloatVector.fromArray(S, gh, gho + j, m)));
            FloatVector f = sigmoid(FloatVector.fromArray(S, gx, go + hid + j, m).add(FloatVector.fromArray(S, gh, gho + hid + j, m)));
            FloatVector g = tanh(FloatVector.fromArray(S, gx, go + 2 * hid + j, m).add(FloatVector.fromArray(S, gh, gho + 2 * hid + j, m)));
            FloatVector o = sigmoid(FloatVector.fromArray(S, gx, go + 3 * hid + j, m).add(FloatVector.fromArray(S, gh, gho + 3 * hid + j, m)));
            i.intoArray(gates, go + j, m);
            f.intoArray(gates, go + hid + j, m);
            g.intoArray(gates, go + 2 * hid + j, m);
            o.intoArray(gates, go + 3 * hid + j, m);
            FloatVector cn = f.fma(FloatVector.fromArray(S, c, ho + j, m), i.mul(g));
            FloatVector tc = tanh(cn);
            tc.intoArray(aux2, so + j, m);
            if (active) {
                FloatVector hn = o.mul(tc);
                cn.intoArray(c, ho + j, m);
                hn.intoArray(h, ho + j, m);
                hn.intoArray(y, yo + j, m);
            } else {
                FloatVector.zero(S).intoArray(y, yo + j, m);
            }
        }
    }
}
