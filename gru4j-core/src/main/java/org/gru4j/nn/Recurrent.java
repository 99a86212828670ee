package org.gru4j.nn;

import org.gru4j.kernel.Gemm;
import org.gru4j.kernel.Parallel;
import org.gru4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A stacked, optionally bidirectional recurrent module: PyTorch's nn.GRU / nn.LSTM / nn.RNN.
 *
 * <p>All parameters live in one flat array {@link #params}, gradients at the same offsets in {@link #grads}: its own,
 * or a stretch of a larger model's buffers when the module is a view (a layer of a {@code SequenceModel}). The
 * named views follow PyTorch: {@code weight_ih_l{k}[_reverse]} (G·H, I_k), {@code weight_hh_l{k}[_reverse]} (G·H, H),
 * {@code bias_ih_l{k}[_reverse]}, {@code bias_hh_l{k}[_reverse]} (G·H).
 *
 * <p>Legend: T steps, B batch, I input, H hidden, L layers, D directions, G gate blocks (GRU 3, LSTM 4, RNN 1).
 * Sequences are time-major: x is (T,B,I), y is (T,B,D·H); states are (L·D,B,H) with index l·D + d.
 * With lengths, sequence b is valid for t &lt; lengths[b]: later outputs are zero, its final state is the state at its
 * last valid step, and the reverse direction starts at its own last valid step (as PyTorch's packed sequences).
 *
 * <p>Per layer and direction the weights are packed once (again only when the parameters changed, see
 * {@link Packed}); each step computes x_t·W_ihᵀ and h·W_hhᵀ for its rows and the gates in one pass, shared by the
 * kernel threads unit by unit (see {@link Gru#forward}); the results do not depend on the thread count or on how a
 * batch is split. Backward's weight gradients are products over all steps after the loop. Not thread-safe: {@link #forward} keeps what
 * {@link #backward} needs. For one stream at a time use {@link RecurrentStepper}.
 */
public final class Recurrent extends Module {
    /**
     * When true (the default) forward passes refuse NaN and infinite inputs, naming the tensor and position (see
     * {@link Finite}); set false to let such values through (they then spread through every later output and state).
     * One global policy for Recurrent, SequenceModel, RecurrentStepper and Sessions.
     */
    public static volatile boolean checkFinite = true;

    /** The shape of the stack. */
    public final RecurrentConfig config;
    private final Weights[] weights;          // [l·D + d]
    private final Exclusive exclusive = new Exclusive("Recurrent", "give each thread its own — new Recurrent(config, params,"
            + " new float[params.length], 0) shares the weights — or use org.gru4j.stream.Sessions, which is thread-safe");
    private final Trace[] traces;             // [l·D + d] what backward needs
    private final Scratch[] scratch;          // [l·D + d] per-step buffers
    private final Packed[] packed;            // [l·D + d] the weights packed for the step products
    private float[][] layerOut = new float[0][];
    private float[][] layerGrad = new float[0][];
    private float[] input;                    // x of the last forward (backward's dW_ih of layer 0 reads it)
    private int[] lengths;
    private int steps = -1, batch;

    /**
     * What forward returns: y (T,B,D·H), h_n (L·D,B,H) and, for an LSTM, c_n (L·D,B,H); otherwise cn is null.
     *
     * @param y the last layer's outputs (T,B,D·H)
     * @param hn the final hidden state of each layer and direction (L·D,B,H)
     * @param cn the final cell state (L·D,B,H) of an LSTM, else null
     */
    public record Output(Tensor y, Tensor hn, Tensor cn) {}

    /**
     * What backward returns: dL/dx (T,B,I; null when not asked for), dL/dh0 and, for an LSTM, dL/dc0 (L·D,B,H).
     *
     * @param dx dL/dx (T,B,I), or null
     * @param dh0 dL/dh0 (L·D,B,H)
     * @param dc0 dL/dc0 (L·D,B,H) of an LSTM, else null
     */
    public record InputGrads(Tensor dx, Tensor dh0, Tensor dc0) {}

    /**
     * A module with its own parameter and gradient buffers (zeros).
     *
     * @param config the shape of the stack
     */
    public Recurrent(RecurrentConfig config) {
        this(config, null, null, 0);
    }

    /**
     * A view: the module's parameters are {@code params[offset …]} in state_dict order, its gradients the same stretch
     * of {@code grads}; null buffers give the module its own.
     *
     * @param config the shape of the stack
     * @param params the parameter buffer, or null for the module's own
     * @param grads the gradient buffer, or null for the module's own
     * @param offset where the module starts in both
     */
    public Recurrent(RecurrentConfig config, float[] params, float[] grads, int offset) {
        this(config, layout(config, offset), params, grads, offset);
    }

    private Recurrent(RecurrentConfig config, List<Param> views, float[] params, float[] grads, int offset) {
        super(params != null ? params : new float[end(views, offset)], params != null ? grads : new float[end(views, offset)], views);
        this.config = config;
        int dirs = config.directions(), gh = config.gateRows(), hid = config.hidden();
        this.weights = new Weights[config.layers() * dirs];
        this.traces = new Trace[weights.length];
        this.scratch = new Scratch[weights.length];
        this.packed = new Packed[weights.length];
        int v = 0;
        for (int l = 0; l < config.layers(); l++) {
            for (int d = 0; d < dirs; d++) {
                // the views of one direction, in state_dict order: W_ih, W_hh[, b_ih, b_hh]
                int wih = views.get(v++).offset(), whh = views.get(v++).offset();
                int bih = config.bias() ? views.get(v++).offset() : -1, bhh = config.bias() ? views.get(v++).offset() : -1;
                weights[l * dirs + d] = new Weights(wih, whh, bih, bhh);
                traces[l * dirs + d] = new Trace(config.layerInput(l), hid, gh);
                scratch[l * dirs + d] = new Scratch();
                packed[l * dirs + d] = new Packed(config, l);
            }
        }
    }

    /**
     * PyTorch's names, shapes and offsets from {@code offset}: weight_ih_l{k}[_reverse], weight_hh_…, bias_ih_…, bias_hh_….
     *
     * @param config the shape of the stack
     * @param offset where the first parameter starts
     * @return the parameters in state_dict order
     */
    public static List<Param> layout(RecurrentConfig config, int offset) {
        List<Param> views = new ArrayList<>();
        int dirs = config.directions(), gh = config.gateRows(), hid = config.hidden();
        long off = offset;
        for (int l = 0; l < config.layers(); l++) {
            int in = config.layerInput(l);
            for (int d = 0; d < dirs; d++) {
                String sfx = "_l" + l + (d == 1 ? "_reverse" : "");
                long[] sizes = config.bias() ? new long[]{(long) gh * in, (long) gh * hid, gh, gh} : new long[]{(long) gh * in, (long) gh * hid};
                String[] names = {"weight_ih", "weight_hh", "bias_ih", "bias_hh"};
                for (int k = 0; k < sizes.length; k++) {
                    if (off + sizes[k] > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("model too large: " + config.describe());
                    views.add(new Param(names[k] + sfx, (int) off, k == 0 ? new int[]{gh, in} : k == 1 ? new int[]{gh, hid} : new int[]{gh}));
                    off += sizes[k];
                }
            }
        }
        return views;
    }

    /** Where the last view ends: the size of a buffer of the module's own. */
    private static int end(List<Param> views, int offset) {
        Param last = views.get(views.size() - 1);
        return last.offset() + last.size();
    }

    @Override
    public String describe() {
        return config.describe();
    }

    /**
     * Forward without lengths or initial state.
     *
     * @param x inputs (T,B,I)
     * @return y, h_n and (LSTM) c_n
     */
    public Output forward(Tensor x) {
        return forward(x, null, null, null);
    }

    /**
     * Runs the module over time-major x (T,B,I).
     *
     * @param lengths per-sequence valid steps (0..T), or null when all B sequences run T steps
     * @param h0      initial hidden state (L·D,B,H), or null for zeros
     * @param c0      initial cell state (L·D,B,H) for an LSTM, or null for zeros
     * @param x inputs (T,B,I)
     * @return y (T,B,D·H), h_n and (LSTM) c_n (L·D,B,H)
     */
    public Output forward(Tensor x, int[] lengths, Tensor h0, Tensor c0) {
        boolean mine = exclusive.enter();
        try {
            return forwardOnce(x, lengths, h0, c0);
        } finally {
            if (mine) exclusive.exit();
        }
    }

    private Output forwardOnce(Tensor x, int[] lengths, Tensor h0, Tensor c0) {
        final RecurrentConfig cf = config;
        if (x.rank() != 3) throw new IllegalArgumentException("input must be (steps, batch, " + cf.input() + "), got " + x.shapeString());
        final int T = x.dim(0), B = x.dim(1), H = cf.hidden(), D = cf.directions(), L = cf.layers();
        if (x.dim(2) != cf.input()) {
            throw new IllegalArgumentException("input has " + x.dim(2) + " features, the model takes " + cf.input()
                    + " (input shape " + x.shapeString() + ")");
        }
        checkState(h0, "h0", B);
        if (c0 != null && cf.cell() != CellKind.LSTM) throw new IllegalArgumentException("c0 is only for an LSTM");
        checkState(c0, "c0", B);
        Finite.require("input x", x.data, x.shape, "t,b,i");
        if (h0 != null) Finite.require("h0", h0.data, h0.shape, "l·D+d,b,j");
        if (c0 != null) Finite.require("c0", c0.data, c0.shape, "l·D+d,b,j");
        if (lengths != null) {
            if (lengths.length != B) throw new IllegalArgumentException(lengths.length + " lengths for a batch of " + B);
            for (int b = 0; b < B; b++) {
                if (lengths[b] < 0 || lengths[b] > T) {
                    throw new IllegalArgumentException("length " + lengths[b] + " of sequence " + b + " is outside 0.." + T);
                }
            }
            lengths = lengths.clone();
        }
        Trace.check(T, B, H, cf.gateRows());
        if ((long) T * B * D * H > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("outputs of " + T + " steps × batch " + B + " × " + D * H + " floats are more than a Java array holds: use shorter sequences or a smaller batch");
        }
        this.input = x.data;
        this.lengths = lengths;
        this.steps = T;
        this.batch = B;
        if (layerOut.length != L) {
            layerOut = new float[L][0];
            layerGrad = new float[L][0];
        }
        Tensor hn = Tensor.zeros(L * D, B, H);
        Tensor cn = cf.cell() == CellKind.LSTM ? Tensor.zeros(L * D, B, H) : null;
        final int G = cf.gateRows();
        for (int l = 0; l < L; l++) {
            final float[] in = l == 0 ? x.data : layerOut[l - 1];
            final int I = cf.layerInput(l);
            layerOut[l] = fit(layerOut[l], (long) T * B * D * H);
            final int layer = l;
            final int[] lens = lengths;
            // one direction of this layer; the two directions share nothing they write, so they may run side by side
            Parallel.Part direction = d -> {
                final int k = layer * D + d;
                final Trace tr = traces[k];
                final Scratch sc = scratch[k];
                final Packed pk = packed[k];
                final Weights w = weights[k];
                tr.ensure(T, B);
                sc.ensure(B, H, pk.hh.ldc);
                pk.ensureCurrent(params, w);
                if (h0 != null) System.arraycopy(h0.data, k * B * H, sc.h, 0, B * H);
                else Arrays.fill(sc.h, 0, B * H, 0f);
                if (c0 != null) System.arraycopy(c0.data, k * B * H, sc.c, 0, B * H);
                else Arrays.fill(sc.c, 0, B * H, 0f);
                final boolean reverse = d == 1;
                switch (cf.cell()) {
                    case GRU -> Gru.forward(tr, sc, pk, cf.resetAfter(), cf.zKeepsState(), lens, reverse, in, I, layerOut[layer], d * H, D * H);
                    case LSTM -> Lstm.forward(tr, sc, pk, lens, reverse, in, I, layerOut[layer], d * H, D * H);
                    case RNN_TANH, RNN_RELU -> Rnn.forward(tr, sc, pk, cf.cell() == CellKind.RNN_RELU, lens, reverse, in, I, layerOut[layer], d * H, D * H);
                }
                System.arraycopy(sc.h, 0, hn.data, k * B * H, B * H);
                if (cn != null) System.arraycopy(sc.c, 0, cn.data, k * B * H, B * H);
            };
            if (D == 2 && Parallel.available() >= 2) Parallel.run(2, direction);
            else for (int d = 0; d < D; d++) direction.run(d);
        }
        Tensor y = new Tensor(new int[]{T, B, D * H}, Arrays.copyOf(layerOut[L - 1], T * B * D * H));
        return new Output(y, hn, cn);
    }

    /**
     * Backward through time for the last {@link #forward}: adds every parameter's gradient into {@link #grads} and
     * returns the gradients of the input and initial states. Any of dy (T,B,D·H), dhn, dcn (L·D,B,H) may be null (zero).
     *
     * @param dy dL/dy (T,B,D·H), or null
     * @param dhn dL/dh_n (L·D,B,H), or null
     * @param dcn dL/dc_n (L·D,B,H) of an LSTM, or null
     * @return dL/dx, dL/dh0 and (LSTM) dL/dc0
     */
    public InputGrads backward(Tensor dy, Tensor dhn, Tensor dcn) {
        return backward(dy, dhn, dcn, true);
    }

    /**
     * As {@link #backward(Tensor, Tensor, Tensor)}; with {@code inputGrad} false the gradient of x is not computed
     * (one product fewer, as PyTorch skips it for an input that does not require a gradient) and dx is null.
     *
     * @param dy dL/dy (T,B,D·H), or null
     * @param dhn dL/dh_n (L·D,B,H), or null
     * @param dcn dL/dc_n (L·D,B,H) of an LSTM, or null
     * @param inputGrad whether to compute dL/dx
     * @return dL/dx (null unless inputGrad), dL/dh0 and (LSTM) dL/dc0
     */
    public InputGrads backward(Tensor dy, Tensor dhn, Tensor dcn, boolean inputGrad) {
        boolean mine = exclusive.enter();
        try {
            return backwardOnce(dy, dhn, dcn, inputGrad);
        } finally {
            if (mine) exclusive.exit();
        }
    }

    private InputGrads backwardOnce(Tensor dy, Tensor dhn, Tensor dcn, boolean inputGrad) {
        if (steps < 0) throw new IllegalStateException("backward needs a forward first");
        final RecurrentConfig cf = config;
        final int T = steps, B = batch, H = cf.hidden(), D = cf.directions(), L = cf.layers(), G = cf.gateRows();
        if (dy != null && !Arrays.equals(dy.shape, new int[]{T, B, D * H})) {
            throw new IllegalArgumentException("dy has shape " + dy.shapeString() + ", expected [" + T + ", " + B + ", " + D * H + "]");
        }
        checkState(dhn, "dh_n", B);
        checkState(dcn, "dc_n", B);
        Tensor dh0 = Tensor.zeros(L * D, B, H);
        Tensor dc0 = cf.cell() == CellKind.LSTM ? Tensor.zeros(L * D, B, H) : null;
        float[] dOut = dy != null ? dy.data : new float[T * B * D * H];
        for (int l = L - 1; l >= 0; l--) {
            final float[] in = l == 0 ? input : layerOut[l - 1];
            final int I = cf.layerInput(l);
            final boolean wantDIn = l > 0 || inputGrad;
            final float[] dIn = layerGrad[l] = fit(layerGrad[l], wantDIn ? (long) T * B * I : 0);
            if (wantDIn) Arrays.fill(dIn, 0, T * B * I, 0f);
            final int layer = l;
            final float[] dLayerOut = dOut;
            // one direction's backward and its input-side weight gradients (its own slice of grads): may run side by side
            Parallel.Part direction = d -> {
                final int k = layer * D + d;
                final Trace tr = traces[k];
                final Scratch sc = scratch[k];
                final Weights w = weights[k];
                tr.ensureBackward();
                if (dhn != null) System.arraycopy(dhn.data, k * B * H, sc.dh, 0, B * H);
                else Arrays.fill(sc.dh, 0, B * H, 0f);
                if (dcn != null) System.arraycopy(dcn.data, k * B * H, sc.dc, 0, B * H);
                else Arrays.fill(sc.dc, 0, B * H, 0f);
                final boolean reverse = d == 1;
                switch (cf.cell()) {
                    case GRU -> Gru.backward(tr, sc, params, grads, w, cf.resetAfter(), cf.zKeepsState(), lengths, reverse, dLayerOut, d * H, D * H);
                    case LSTM -> Lstm.backward(tr, sc, params, grads, w, lengths, reverse, dLayerOut, d * H, D * H);
                    case RNN_TANH, RNN_RELU -> Rnn.backward(tr, sc, params, grads, w, cf.cell() == CellKind.RNN_RELU, lengths, reverse, dLayerOut, d * H, D * H);
                }
                // input side, over all steps at once: dW_ih += dGxᵀ·X ; db_ih += Σ dGx
                final int rows = T * B;
                Gemm.mm(G, I, rows, tr.dgx, 0, 1, G, in, 0, I, grads, w.wih(), I, true);
                if (w.hasBias()) Gemm.addColumnSums(rows, G, tr.dgx, 0, G, grads, w.bih());
                System.arraycopy(sc.dh, 0, dh0.data, k * B * H, B * H);
                if (dc0 != null) System.arraycopy(sc.dc, 0, dc0.data, k * B * H, B * H);
            };
            if (D == 2 && Parallel.available() >= 2) Parallel.run(2, direction);
            else for (int d = 0; d < D; d++) direction.run(d);
            // dX += dGx·W_ih, both directions into the same dX: one after the other
            for (int d = 0; d < D && wantDIn; d++) {
                final Trace tr = traces[l * D + d];
                Gemm.mm(T * B, I, G, tr.dgx, 0, G, 1, params, weights[l * D + d].wih(), I, dIn, 0, I, true);
            }
            dOut = dIn;
        }
        steps = -1;   // the trace now holds gradients: a second backward needs a new forward
        Tensor dx = inputGrad ? new Tensor(new int[]{T, B, cf.input()}, Arrays.copyOf(layerGrad[0], T * B * cf.input())) : null;
        return new InputGrads(dx, dh0, dc0);
    }

    private void checkState(Tensor s, String name, int B) {
        if (s == null) return;
        int[] want = {config.layers() * config.directions(), B, config.hidden()};
        if (!Arrays.equals(s.shape, want)) {
            throw new IllegalArgumentException(name + " has shape " + s.shapeString() + ", expected " + Arrays.toString(want)
                    + " (layers·directions, batch, hidden)");
        }
    }

    private static float[] fit(float[] a, long n) {
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("activations of " + n + " floats are too large");
        return a.length >= n ? a : new float[(int) n];
    }

    Weights weights(int layer, int direction) {
        return weights[layer * config.directions() + direction];
    }
}
