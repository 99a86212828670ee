package org.gru4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, σ and tanh on whole vectors at the machine's widest species, for the fused gate passes. Only used when
 * {@link Gemm#VECTOR} is true (the scalar path uses Math.exp and Math.tanh). Accuracy, tested against the
 * double-precision functions: within 1e-6 relative over the range the gates see (exp's argument clamped to
 * [−87.3, 88], so σ and tanh saturate correctly).
 *
 * <pre>
 * exp(x) = 2^n · e^f,  n = round(x·log2 e), f = x − n·ln 2 (two-part ln 2), e^f by a degree-7 polynomial (Cephes expf)
 * σ(a)   = 1 / (1 + exp(−a))
 * tanh(x) = x + x³·P(x²)                   |x| &lt; 0.625 (Cephes tanhf: no cancellation near 0)
 *         = sign(x) · (1 − 2 / (exp(2|x|) + 1))   otherwise
 * </pre>
 */
public final class VectorMath {
    private VectorMath() {}

    public static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    public static final int L = S.length();

    static final float EXP_HI = 88f, EXP_LO = -87.3365447504f;
    static final float ROUND = 12582912f;   // 1.5·2^23: (v + ROUND) − ROUND rounds v to the nearest integer
    static final float LOG2E = 1.44269504088896341f, C1 = 0.693359375f, C2 = -2.12194440e-4f;
    static final float P0 = 1.9875691500E-4f, P1 = 1.3981999507E-3f, P2 = 8.3334519073E-3f,
            P3 = 4.1665795894E-2f, P4 = 1.6666665459E-1f, P5 = 5.0000001201E-1f;
    static final float T0 = -5.70498872745E-3f, T1 = 2.06390887954E-2f, T2 = -5.37397155531E-2f,
            T3 = 1.33314422036E-1f, T4 = -3.33332819422E-1f;

    public static FloatVector exp(FloatVector x) {
        x = x.max(EXP_LO).min(EXP_HI);
        FloatVector fx = x.mul(LOG2E).add(ROUND).sub(ROUND);
        FloatVector r = fx.mul(-C1).add(x);
        r = fx.mul(-C2).add(r);
        FloatVector z = r.mul(r);
        FloatVector y = r.fma(P0, P1).fma(r, FloatVector.broadcast(S, P2)).fma(r, FloatVector.broadcast(S, P3))
                .fma(r, FloatVector.broadcast(S, P4)).fma(r, FloatVector.broadcast(S, P5));
        y = y.fma(z, r).add(1f);
        IntVector n = (IntVector) fx.convert(VectorOperators.F2I, 0);
        FloatVector pow2n = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return y.mul(pow2n);
    }

    public static FloatVector sigmoid(FloatVector a) {
        return FloatVector.broadcast(S, 1f).div(exp(a.neg()).add(1f));
    }

    public static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        // large: 1 − 2/(e^{2|x|}+1), sign restored below
        FloatVector e = exp(ax.add(ax));
        FloatVector big = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
        // small: x + x³·P(x²)
        FloatVector z = x.mul(x);
        FloatVector p = z.fma(T0, T1).fma(z, FloatVector.broadcast(S, T2)).fma(z, FloatVector.broadcast(S, T3))
                .fma(z, FloatVector.broadcast(S, T4));
        FloatVector small = p.mul(z).fma(x, x);
        VectorMask<Float> isSmall = ax.compare(VectorOperators.LT, 0.625f);
        return big.blend(small, isSmall);
    }
}
