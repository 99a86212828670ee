package org.gru4j.model;

import org.gru4j.nn.CellKind;
import org.gru4j.nn.Finite;
import org.gru4j.nn.Module;
import org.gru4j.nn.Param;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * [embedding] → stacked recurrent layers (dropout between them while training) → linear head, with every parameter in
 * one flat array {@link #params} (gradients at the same offsets in {@link #grads}) and named views in PyTorch's
 * state_dict order for a module with attributes {@code embedding}, {@code rnn}, {@code head}:
 * {@code embedding.weight} (V,E), {@code rnn.weight_ih_l0} …, {@code head.weight} (O,D·H), {@code head.bias} (O).
 *
 * <p>Legend: T steps, B batch, I input features (or E embedding size), H hidden, L layers, D directions, O outputs.
 * Input x is (T,B,I) features, or (T,B) token ids (as floats) when the model has an embedding. Output logits are
 * (T,B,O) for {@link Head#PER_STEP} and (B,O) for {@link Head#LAST_STEP}; states are (L·D,B,H).
 *
 * <p>Each layer is its own single-layer {@link Recurrent} so that dropout can sit between layers (as in PyTorch's
 * stacked modules), a view into {@link #params} and {@link #grads}: nothing is copied between them.
 * Not thread-safe: forward keeps what backward needs; {@link #replica} gives another thread its own activations and
 * gradients over the same parameters.
 */
public final class SequenceModel extends Module {
    /** The model's shape. */
    public final SequenceModelConfig config;
    final Embedding embedding;          // null for raw features
    private final Recurrent[] layers;           // views into params / grads
    /** The whole recurrent stack as one module: a view of the same parameters (the layers laid end to end). */
    public final Recurrent stack;
    final Linear head;

    // what backward needs from the last forward
    private float[] ids, embedded, headIn;
    private Tensor[] layerY;                     // y of each layer (T,B,D·H), after dropout for l < L−1
    private float[][] keep;                      // dropout multipliers (0 or 1/(1−p)) per layer, null when none
    private int steps = -1, batch;

    /**
     * What forward returns: logits, and the final states h_n (L·D,B,H) and c_n (LSTM; otherwise null).
     *
     * @param logits the head's outputs: (T,B,O) per step, (B,O) for the last step
     * @param hn the final hidden state (L·D,B,H)
     * @param cn the final cell state (L·D,B,H) of an LSTM, else null
     */
    public record Output(Tensor logits, Tensor hn, Tensor cn) {}

    /**
     * A model with its own parameter and gradient buffers (zeros).
     *
     * @param config the model's shape
     */
    public SequenceModel(SequenceModelConfig config) {
        this(config, null);
    }

    /**
     * A replica: the same parameters (shared, not copied), its own gradients and activations, for another thread.
     *
     * @return the replica
     */
    public SequenceModel replica() {
        return new SequenceModel(config, params);
    }

    private SequenceModel(SequenceModelConfig config, float[] shared) {
        this(config, layout(config), shared);
    }

    private SequenceModel(SequenceModelConfig config, List<Param> views, float[] shared) {
        super(shared != null ? shared : new float[size(views)], new float[size(views)], views);
        this.config = config;
        RecurrentConfig rc = config.recurrent();
        int L = rc.layers(), dh = rc.directions() * rc.hidden(), O = config.outputs();
        int v = 0;
        embedding = config.tokens() ? new Embedding(config.vocab(), rc.input(), views.get(v++).offset()) : null;
        layers = new Recurrent[L];
        for (int l = 0; l < L; l++) {
            layers[l] = new Recurrent(layerConfig(rc, l), params, grads, views.get(v).offset());
            v += layers[l].parameters().size();
        }
        stack = new Recurrent(rc, params, grads, layers[0].parameters().get(0).offset());
        head = new Linear(dh, O, views.get(v).offset(), views.get(v + 1).offset());
    }

    /**
     * The views, in state_dict order: embedding.weight (V,E), then layer by layer rnn.*_l{l}[_reverse] (a single-layer
     * module's ..._l0 names, renumbered), then head.weight (O,D·H), head.bias (O).
     */
    private static List<Param> layout(SequenceModelConfig config) {
        RecurrentConfig rc = config.recurrent();
        int L = rc.layers(), dh = rc.directions() * rc.hidden(), O = config.outputs();
        long size = (config.tokens() ? (long) config.vocab() * rc.input() : 0) + rc.parameterCount() + (long) dh * O + O;
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("model too large: " + config.describe());
        List<Param> views = new ArrayList<>();
        int off = 0;
        if (config.tokens()) {
            views.add(new Param("embedding.weight", off, new int[]{config.vocab(), rc.input()}));
            off += config.vocab() * rc.input();
        }
        for (int l = 0; l < L; l++) {
            for (Param p : Recurrent.layout(layerConfig(rc, l), off)) {
                views.add(new Param("rnn." + p.name().replace("_l0", "_l" + l), p.offset(), p.shape()));
                off += p.size();
            }
        }
        views.add(new Param("head.weight", off, new int[]{O, dh}));
        views.add(new Param("head.bias", off + dh * O, new int[]{O}));
        return views;
    }

    private static RecurrentConfig layerConfig(RecurrentConfig rc, int l) {
        return new RecurrentConfig(rc.cell(), rc.layerInput(l), rc.hidden(), 1, rc.bidirectional(), rc.bias(), rc.resetAfter(), rc.zKeepsState());
    }

    private static int size(List<Param> views) {
        Param last = views.get(views.size() - 1);
        return last.offset() + last.size();
    }

    @Override
    public void zeroGrads() {
        Arrays.fill(grads, 0f);
    }

    @Override
    public String describe() {
        return config.describe();
    }

    /**
     * Layer l of the stack: a single-layer module whose parameters are a view into this model's.
     *
     * @param l the layer, from 0
     * @return the layer
     */
    public Recurrent layer(int l) {
        return layers[l];
    }

    /**
     * Inference: no dropout, zero initial state, all sequences T steps.
     *
     * @param x (T,B,I) features or (T,B) token ids
     * @return the logits and final states
     */
    public Output forward(Tensor x) {
        return forward(x, null, null, null, null);
    }

    /**
     * Runs the model over a batch of sequences.
     *
     * @param x       (T,B,I) features or (T,B) token ids
     * @param lengths valid steps per sequence, or null for all T
     * @param h0      initial hidden state (L·D,B,H) or null for zeros; c0 likewise for an LSTM
     * @param dropout the generator for dropout masks while training (a seeded org.gru4j.train.Rng keeps runs
     *                reproducible); null (evaluation) turns dropout off
     * @param c0 initial cell state (L·D,B,H) of an LSTM, or null for zeros
     * @return the logits and final states
     */
    public Output forward(Tensor x, int[] lengths, Tensor h0, Tensor c0, RandomGenerator dropout) {
        RecurrentConfig rc = config.recurrent();
        final int L = rc.layers(), D = rc.directions(), H = rc.hidden(), O = config.outputs();
        int want = config.tokens() ? 2 : 3;
        if (x.rank() != want) {
            throw new IllegalArgumentException("input must be " + (config.tokens() ? "(steps, batch) token ids" : "(steps, batch, " + rc.input() + ")")
                    + ", got " + x.shapeString());
        }
        final int T = x.dim(0), B = x.dim(1);
        checkState(h0, "h0", B);
        checkState(c0, "c0", B);
        if (c0 != null && rc.cell() != CellKind.LSTM) throw new IllegalArgumentException("c0 is only for an LSTM");
        Finite.require("input x", x.data, x.shape, config.tokens() ? "t,b" : "t,b,i");
        if (h0 != null) Finite.require("h0", h0.data, h0.shape, "l·D+d,b,j");
        if (c0 != null) Finite.require("c0", c0.data, c0.shape, "l·D+d,b,j");
        Tensor in = x;
        if (embedding != null) {
            ids = x.data;
            embedded = fit(embedded, T * B * rc.input());
            embedding.forward(params, ids, T * B, embedded);
            in = new Tensor(new int[]{T, B, rc.input()}, Arrays.copyOf(embedded, T * B * rc.input()));
        }
        layerY = new Tensor[L];
        keep = new float[L][];
        Tensor hn = Tensor.zeros(L * D, B, H);
        Tensor cn = rc.cell() == CellKind.LSTM ? Tensor.zeros(L * D, B, H) : null;
        for (int l = 0; l < L; l++) {
            Recurrent r = layers[l];
            Recurrent.Output o;
            try {
                o = r.forward(in, lengths, slice(h0, l, D, B, H), slice(c0, l, D, B, H));
            } catch (IllegalArgumentException e) {
                if (l == 0) throw e;   // the inputs were checked above: a later layer's bad input is what layer l − 1 made
                throw new IllegalArgumentException("recurrent layer " + l + " (its input is layer " + (l - 1) + "'s output): " + e.getMessage(), e);
            }
            System.arraycopy(o.hn().data, 0, hn.data, l * D * B * H, D * B * H);
            if (cn != null) System.arraycopy(o.cn().data, 0, cn.data, l * D * B * H, D * B * H);
            Tensor y = o.y();
            if (l < L - 1 && dropout != null && config.dropout() > 0) {
                // inverted dropout: y ← y ⊙ m / (1 − p), m ~ Bernoulli(1 − p)
                float scale = (float) (1.0 / (1.0 - config.dropout()));
                float[] k = keep[l] = new float[y.data.length];
                for (int i = 0; i < k.length; i++) {
                    k[i] = dropout.nextDouble() < config.dropout() ? 0f : scale;
                    y.data[i] *= k[i];
                }
            }
            layerY[l] = y;
            in = y;
        }
        Tensor logits;
        int dh = D * H;
        if (config.head() == Head.PER_STEP) {
            logits = Tensor.zeros(T, B, O);
            head.forward(params, layerY[L - 1].data, 0, T * B, logits.data);
        } else {
            // headIn[b, d·H + j] = h_n[(L−1)·D + d, b, j]
            headIn = new float[B * dh];
            for (int d = 0; d < D; d++) {
                for (int b = 0; b < B; b++) System.arraycopy(hn.data, (((L - 1) * D + d) * B + b) * H, headIn, b * dh + d * H, H);
            }
            logits = Tensor.zeros(B, O);
            head.forward(params, headIn, 0, B, logits.data);
        }
        steps = T;
        batch = B;
        return new Output(logits, hn, cn);
    }

    /**
     * Backward for the last forward: adds every parameter's gradient into {@link #grads}; returns dL/dx (T,B,I) for a
     * features model, null for a token model. The final states get no gradient (truncated backpropagation).
     *
     * @param dLogits dL/dlogits, shaped as the logits
     * @return dL/dx, or null for a token model
     */
    public Tensor backward(Tensor dLogits) {
        if (steps < 0) throw new IllegalStateException("backward needs a forward first");
        RecurrentConfig rc = config.recurrent();
        final int L = rc.layers(), D = rc.directions(), H = rc.hidden(), T = steps, B = batch, dh = D * H;
        int[] want = config.head() == Head.PER_STEP ? new int[]{T, B, config.outputs()} : new int[]{B, config.outputs()};
        if (!Arrays.equals(dLogits.shape, want)) {
            throw new IllegalArgumentException("logits gradient has shape " + dLogits.shapeString() + ", expected " + Arrays.toString(want));
        }
        Tensor dy = null, dhn = null;
        if (config.head() == Head.PER_STEP) {
            dy = Tensor.zeros(T, B, dh);
            head.backward(params, grads, layerY[L - 1].data, 0, dLogits.data, T * B, dy.data);
        } else {
            float[] dIn = new float[B * dh];
            head.backward(params, grads, headIn, 0, dLogits.data, B, dIn);
            dhn = Tensor.zeros(D, B, H);
            for (int d = 0; d < D; d++) {
                for (int b = 0; b < B; b++) System.arraycopy(dIn, b * dh + d * H, dhn.data, (d * B + b) * H, H);
            }
        }
        Tensor dx = null;
        for (int l = L - 1; l >= 0; l--) {
            Recurrent.InputGrads g = layers[l].backward(dy, dhn, null);   // adds into this model's grads
            dx = g.dx();
            if (l > 0 && keep[l - 1] != null) {
                float[] k = keep[l - 1];
                for (int i = 0; i < k.length; i++) dx.data[i] *= k[i];
            }
            dy = dx;
            dhn = null;
        }
        steps = -1;
        if (embedding != null) {
            embedding.backward(grads, ids, dx.data, T * B);
            return null;
        }
        return dx;
    }

    private void checkState(Tensor s, String name, int B) {
        if (s == null) return;
        RecurrentConfig rc = config.recurrent();
        int[] want = {rc.layers() * rc.directions(), B, rc.hidden()};
        if (!Arrays.equals(s.shape, want)) {
            throw new IllegalArgumentException(name + " has shape " + s.shapeString() + ", expected " + Arrays.toString(want)
                    + " (layers·directions, batch, hidden)");
        }
    }

    /** Layer l's D states (D,B,H) out of (L·D,B,H), or null. */
    private static Tensor slice(Tensor s, int l, int D, int B, int H) {
        if (s == null) return null;
        int n = D * B * H;
        return new Tensor(new int[]{D, B, H}, Arrays.copyOfRange(s.data, l * n, (l + 1) * n));
    }

    private static float[] fit(float[] a, int n) {
        return a != null && a.length >= n ? a : new float[n];
    }
}
