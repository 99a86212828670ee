package org.gru4j.nn;

import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Forward against the double reference, backward against finite differences of the reference. */
class RecurrentTest {

    record Case(RecurrentConfig cf, int T, int B, boolean withH0, boolean withLengths) {
        @Override
        public String toString() {
            return cf.describe() + " T=" + T + " B=" + B + (withH0 ? " h0" : "") + (withLengths ? " lengths" : "");
        }
    }

    static Stream<Arguments> cases() {
        List<Case> out = new ArrayList<>();
        List<RecurrentConfig> cells = List.of(
                new RecurrentConfig(CellKind.GRU, 3, 5, 1, false, true, true, true),
                new RecurrentConfig(CellKind.GRU, 3, 5, 1, false, true, false, true),
                new RecurrentConfig(CellKind.GRU, 3, 5, 1, false, true, true, false),
                new RecurrentConfig(CellKind.GRU, 3, 5, 1, false, true, false, false),
                RecurrentConfig.pytorch(CellKind.LSTM, 3, 5, 1, false, true),
                RecurrentConfig.pytorch(CellKind.RNN_TANH, 3, 5, 1, false, true),
                RecurrentConfig.pytorch(CellKind.RNN_RELU, 3, 5, 1, false, true));
        for (RecurrentConfig c : cells) {
            out.add(new Case(c, 7, 4, false, false));
            RecurrentConfig deep = new RecurrentConfig(c.cell(), 3, 5, 2, true, true, c.resetAfter(), c.zKeepsState());
            out.add(new Case(deep, 7, 4, true, true));
            RecurrentConfig noBias = new RecurrentConfig(c.cell(), 4, 6, 3, false, false, c.resetAfter(), c.zKeepsState());
            out.add(new Case(noBias, 6, 3, true, false));
            RecurrentConfig bi = new RecurrentConfig(c.cell(), 2, 4, 1, true, false, c.resetAfter(), c.zKeepsState());
            out.add(new Case(bi, 5, 3, false, true));
        }
        // sizes that cross the vector kernel's widths (16 and 32 columns) and its 4-row tiles
        out.add(new Case(RecurrentConfig.pytorch(CellKind.GRU, 20, 37, 2, true, true), 5, 6, true, true));
        out.add(new Case(new RecurrentConfig(CellKind.GRU, 17, 33, 1, false, true, false, false), 4, 5, true, false));
        out.add(new Case(RecurrentConfig.pytorch(CellKind.LSTM, 19, 18, 1, true, true), 4, 5, true, true));
        out.add(new Case(RecurrentConfig.pytorch(CellKind.GRU, 1, 1, 1, false, true), 1, 1, false, false));
        return out.stream().map(Arguments::of);
    }

    /** A random problem: parameters in (−0.6, 0.6), inputs in (−1, 1), lengths 1..T with one of each extreme. */
    static final class Problem {
        final Case k;
        final Recurrent model;
        final Tensor x, h0, c0, gy, ghn, gcn;
        final int[] lengths;

        Problem(Case k, long seed) {
            this.k = k;
            Random rnd = new Random(seed);
            RecurrentConfig cf = k.cf();
            model = new Recurrent(cf);
            for (int i = 0; i < model.params.length; i++) model.params[i] = (float) (rnd.nextDouble() * 1.2 - 0.6);
            int LD = cf.layers() * cf.directions(), H = cf.hidden();
            x = random(rnd, k.T(), k.B(), cf.input());
            boolean lstm = cf.cell() == CellKind.LSTM;
            h0 = k.withH0() ? random(rnd, LD, k.B(), H) : null;
            c0 = k.withH0() && lstm ? random(rnd, LD, k.B(), H) : null;
            if (k.withLengths()) {
                lengths = new int[k.B()];
                for (int b = 0; b < k.B(); b++) lengths[b] = 1 + rnd.nextInt(k.T());
                lengths[0] = k.T();
                if (k.B() > 1) lengths[1] = 1;
            } else {
                lengths = null;
            }
            gy = random(rnd, k.T(), k.B(), cf.directions() * H);
            ghn = random(rnd, LD, k.B(), H);
            gcn = lstm ? random(rnd, LD, k.B(), H) : null;
        }

        Reference.Result reference(double[] params, double[] xd, double[] h0d, double[] c0d) {
            Map<String, double[]> p = new HashMap<>();
            for (Param q : model.parameters()) {
                double[] v = new double[q.size()];
                System.arraycopy(params, q.offset(), v, 0, v.length);
                p.put(q.name(), v);
            }
            return Reference.run(k.cf(), p, xd, k.T(), k.B(), lengths, h0d, c0d);
        }

        double referenceLoss(double[] params, double[] xd, double[] h0d, double[] c0d) {
            return reference(params, xd, h0d, c0d).loss(d(gy), d(ghn), gcn == null ? null : d(gcn));
        }
    }

    static Tensor random(Random rnd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.data.length; i++) t.data[i] = (float) (rnd.nextDouble() * 2 - 1);
        return t;
    }

    static double[] d(Tensor t) {
        return t == null ? null : d(t.data);
    }

    static double[] d(float[] a) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) o[i] = a[i];
        return o;
    }

    static void assertClose(String what, double[] want, float[] got, double atol, double rtol) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(want[i] - got[i]);
            if (err > atol + rtol * Math.abs(want[i]) || Double.isNaN(got[i])) {
                fail(what + "[" + i + "]: expected " + want[i] + ", got " + got[i]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardMatchesReference(Case k) {
        Problem pb = new Problem(k, 1);
        Recurrent.Output out = pb.model.forward(pb.x, pb.lengths, pb.h0, pb.c0);
        Reference.Result ref = pb.reference(d(pb.model.params), d(pb.x), d(pb.h0), d(pb.c0));
        assertClose("y", ref.y(), out.y().data, 2e-6, 1e-5);
        assertClose("h_n", ref.hn(), out.hn().data, 2e-6, 1e-5);
        if (ref.cn() != null) assertClose("c_n", ref.cn(), out.cn().data, 2e-6, 1e-5);
        if (pb.lengths != null) {
            // outputs past each sequence's end are exactly zero
            int DH = k.cf().directions() * k.cf().hidden();
            for (int t = 0; t < k.T(); t++) {
                for (int b = 0; b < k.B(); b++) {
                    if (t < pb.lengths[b]) continue;
                    for (int j = 0; j < DH; j++) assertEquals(0f, out.y().data[(t * k.B() + b) * DH + j]);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(Case k) {
        Problem pb = new Problem(k, 2);
        pb.model.zeroGrads();
        pb.model.forward(pb.x, pb.lengths, pb.h0, pb.c0);
        Recurrent.InputGrads g = pb.model.backward(pb.gy, pb.ghn, pb.gcn);

        double[] params = d(pb.model.params), x = d(pb.x), h0 = d(pb.h0), c0 = d(pb.c0);
        final double eps = 1e-6;
        // central differences of the double reference, for every parameter, input and initial-state entry
        double[] fdParams = new double[params.length];
        for (int i = 0; i < params.length; i++) {
            double keep = params[i];
            params[i] = keep + eps;
            double up = pb.referenceLoss(params, x, h0, c0);
            params[i] = keep - eps;
            double down = pb.referenceLoss(params, x, h0, c0);
            params[i] = keep;
            fdParams[i] = (up - down) / (2 * eps);
        }
        assertClose("dparams", fdParams, pb.model.grads, 2e-4, 1e-3);
        assertClose("dx", fd(pb, params, x, h0, c0, x), g.dx().data, 2e-4, 1e-3);
        if (h0 != null) assertClose("dh0", fd(pb, params, x, h0, c0, h0), g.dh0().data, 2e-4, 1e-3);
        if (c0 != null) assertClose("dc0", fd(pb, params, x, h0, c0, c0), g.dc0().data, 2e-4, 1e-3);
    }

    private static double[] fd(Problem pb, double[] params, double[] x, double[] h0, double[] c0, double[] wrt) {
        final double eps = 1e-6;
        double[] out = new double[wrt.length];
        for (int i = 0; i < wrt.length; i++) {
            double keep = wrt[i];
            wrt[i] = keep + eps;
            double up = pb.referenceLoss(params, x, h0, c0);
            wrt[i] = keep - eps;
            double down = pb.referenceLoss(params, x, h0, c0);
            wrt[i] = keep;
            out[i] = (up - down) / (2 * eps);
        }
        return out;
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Problem pb = new Problem(new Case(RecurrentConfig.pytorch(CellKind.GRU, 3, 5, 1, false, true), 4, 2, false, false), 3);
        pb.model.zeroGrads();
        pb.model.forward(pb.x);
        pb.model.backward(pb.gy, pb.ghn, null);
        float[] once = pb.model.grads.clone();
        pb.model.forward(pb.x);
        pb.model.backward(pb.gy, pb.ghn, null);
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], pb.model.grads[i], 1e-5 + 1e-5 * Math.abs(once[i]));
    }

    /** The seed's update convention is PyTorch's with the update-gate rows (weights and biases) negated. */
    @Test
    void updateConventionsAreOneModelWithNegatedUpdateGate() {
        for (boolean resetAfter : new boolean[]{true, false}) {
            RecurrentConfig keeps = new RecurrentConfig(CellKind.GRU, 3, 5, 2, true, true, resetAfter, true);
            RecurrentConfig takes = new RecurrentConfig(CellKind.GRU, 3, 5, 2, true, true, resetAfter, false);
            Problem pb = new Problem(new Case(keeps, 6, 3, true, true), 4);
            Recurrent other = new Recurrent(takes);
            System.arraycopy(pb.model.params, 0, other.params, 0, other.params.length);
            int H = 5;
            for (Param p : other.parameters()) {
                int cols = p.shape().length == 2 ? p.shape()[1] : 1;
                for (int i = H * cols; i < 2 * H * cols; i++) other.params[p.offset() + i] = -other.params[p.offset() + i];
            }
            Recurrent.Output a = pb.model.forward(pb.x, pb.lengths, pb.h0, null);
            Recurrent.Output b = other.forward(pb.x, pb.lengths, pb.h0, null);
            assertClose("y", d(a.y()), b.y().data, 1e-6, 1e-5);
            assertClose("h_n", d(a.hn()), b.hn().data, 1e-6, 1e-5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void streamStepsAgreeWithTheSequencePath(Case k) {
        if (k.cf().bidirectional()) return;
        Problem pb = new Problem(k, 5);
        RecurrentConfig cf = k.cf();
        int T = k.T(), B = k.B(), I = cf.input(), H = cf.hidden(), L = cf.layers();
        Recurrent.Output out = pb.model.forward(pb.x, null, pb.h0, pb.c0);
        for (int b = 0; b < B; b++) {
            org.gru4j.nn.RecurrentStepper s = new org.gru4j.nn.RecurrentStepper(pb.model);
            for (int l = 0; l < L; l++) {
                if (pb.h0 != null) System.arraycopy(pb.h0.data, (l * B + b) * H, s.h, l * H, H);
                if (pb.c0 != null) System.arraycopy(pb.c0.data, (l * B + b) * H, s.c, l * H, H);
            }
            for (int t = 0; t < T; t++) {
                float[] xt = new float[I];
                System.arraycopy(pb.x.data, (t * B + b) * I, xt, 0, I);
                float[] y = s.step(xt);
                for (int j = 0; j < H; j++) assertEquals(out.y().data[(t * B + b) * H + j], y[j], 1e-6, "y t=" + t + " b=" + b);
            }
            for (int l = 0; l < L; l++) {
                for (int j = 0; j < H; j++) assertEquals(out.hn().data[(l * B + b) * H + j], s.h[l * H + j], 1e-6);
            }
        }
    }

    @Test
    void badShapesAreNamed() {
        Recurrent m = new Recurrent(RecurrentConfig.pytorch(CellKind.GRU, 3, 5, 2, false, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(4, 2, 7)));
        assertTrue(e.getMessage().contains("7 features"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(4, 2, 3), null, Tensor.zeros(1, 2, 5), null));
        assertTrue(e.getMessage().startsWith("h0 has shape [1, 2, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(4, 2, 3), new int[]{4, 5}, null, null));
        assertTrue(e.getMessage().contains("length 5"), e.getMessage());
    }

    @Test
    void stateDictRoundTripAndStrictLoad() {
        Recurrent m = new Recurrent(RecurrentConfig.pytorch(CellKind.LSTM, 3, 4, 2, true, true));
        for (int i = 0; i < m.params.length; i++) m.params[i] = i;
        Map<String, Tensor> sd = m.stateDict();
        assertEquals(16, sd.size());
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse"),
                new ArrayList<>(sd.keySet()).subList(0, 5));
        assertEquals("[16, 8]", sd.get("weight_ih_l1").shapeString());
        Recurrent n = new Recurrent(m.config);
        n.load(sd);
        org.junit.jupiter.api.Assertions.assertArrayEquals(m.params, n.params);
        sd.remove("bias_hh_l1_reverse");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> n.load(sd));
        assertTrue(e.getMessage().contains("bias_hh_l1_reverse"), e.getMessage());
    }
}
