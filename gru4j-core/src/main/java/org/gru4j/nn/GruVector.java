package org.gru4j.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static org.gru4j.kernel.VectorMath.L;
import static org.gru4j.kernel.VectorMath.S;
import static org.gru4j.kernel.VectorMath.sigmoid;
import static org.gru4j.kernel.VectorMath.tanh;

/**
 * The GRU's fused gate pass for one batch row, on the Vector API: the same equations as the scalar loops in
 * {@link Gru#forward}, H lanes at a time (the last chunk masked). Only called when the vector kernels are on.
 * Offsets: gx and gates rows at gxo (3H wide), gh row at gho (3H), h row at ho, aux row at auxo, y row at yo (H).
 */
final class GruVector {
    private GruVector() {}

    /**
     * Reset after: r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), hl = gh_n (= U_n h + b_hn, kept in aux),
     * n = tanh(gx_n + r ⊙ hl), h' = n + z (h − n) (z keeps the state) or h + z (n − h); inactive rows keep h, y = 0.
     */
    static void resetAfterRow(int hid, boolean zKeepsState, boolean active, float[] gx, float[] gates, int gxo,
                              float[] gh, int gho, float[] h, int ho, float[] aux, int auxo, float[] y, int yo) {
        for (int j = 0; j < hid; j += L) {
            VectorMask<Float> m = S.indexInRange(j, hid);
            FloatVector r = sigmoid(FloatVector.fromArray(S, gx, gxo + j, m).add(FloatVector.fromArray(S, gh, gho + j, m)));
            FloatVector z = sigmoid(FloatVector.fromArray(S, gx, gxo + hid + j, m).add(FloatVector.fromArray(S, gh, gho + hid + j, m)));
            FloatVector hl = FloatVector.fromArray(S, gh, gho + 2 * hid + j, m);
            FloatVector n = tanh(r.fma(hl, FloatVector.fromArray(S, gx, gxo + 2 * hid + j, m)));
            FloatVector hp = FloatVector.fromArray(S, h, ho + j, m);
            FloatVector hn = zKeepsState ? z.fma(hp.sub(n), n) : z.fma(n.sub(hp), hp);
            r.intoArray(gates, gxo + j, m);
            z.intoArray(gates, gxo + hid + j, m);
            n.intoArray(gates, gxo + 2 * hid + j, m);
            hl.intoArray(aux, auxo + j, m);
            if (active) {
                hn.intoArray(h, ho + j, m);
                hn.intoArray(y, yo + j, m);
            } else {
                FloatVector.zero(S).intoArray(y, yo + j, m);
            }
        }
    }

    /** Reset before, first half: r and z as above, aux = r ⊙ h (the input of the candidate's product). */
    static void resetBeforeGates(int hid, float[] gx, float[] gates, int gxo, float[] gh, int gho,
                                 float[] h, int ho, float[] aux, int auxo) {
        for (int j = 0; j < hid; j += L) {
            VectorMask<Float> m = S.indexInRange(j, hid);
            FloatVector r = sigmoid(FloatVector.fromArray(S, gx, gxo + j, m).add(FloatVector.fromArray(S, gh, gho + j, m)));
            FloatVector z = sigmoid(FloatVector.fromArray(S, gx, gxo + hid + j, m).add(FloatVector.fromArray(S, gh, gho + hid + j, m)));
            r.intoArray(gates, gxo + j, m);
            z.intoArray(gates, gxo + hid + j, m);
            r.mul(FloatVector.fromArray(S, h, ho + j, m)).intoArray(aux, auxo + j, m);
        }
    }

    /** Reset before, second half: n = tanh(gx_n + gh_n) where gh_n = U_n (r ⊙ h) + b_hn, then h' as above. */
    static void resetBeforeFinish(int hid, boolean zKeepsState, boolean active, float[] gx, float[] gates, int gxo,
                                  float[] gh, int gho, float[] h, int ho, float[] y, int yo) {
        for (int j = 0; j < hid; j += L) {
            VectorMask<Float> m = S.indexInRange(j, hid);
            FloatVector z = FloatVector.fromArray(S, gates, gxo + hid + j, m);
            FloatVector n = tanh(FloatVector.fromArray(S, gx, gxo + 2 * hid + j, m).add(FloatVector.fromArray(S, gh, gho + 2 * hid + j, m)));
            FloatVector hp = FloatVector.fromArray(S, h, ho + j, m);
            FloatVector hn = zKeepsState ? z.fma(hp.sub(n), n) : z.fma(n.sub(hp), hp);
            n.intoArray(gates, gxo + 2 * hid + j, m);
            if (active) {
                hn.intoArray(h, ho + j, m);
                hn.intoArray(y, yo + j, m);
            } else {
                FloatVector.zero(S).intoArray(y, yo + j, m);
            }
        }
    }
}
