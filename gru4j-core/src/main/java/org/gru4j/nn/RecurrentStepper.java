package org.gru4j.nn;

import java.util.Arrays;

/**
 * One stream stepped one event at a time: state in, input in, state out. Agrees with {@link Recurrent#forward} on
 * the same sequence (batch 1). Unidirectional modules only (a reverse direction needs the whole sequence).
 *
 * <p>{@link #h} (L,H) and, for an LSTM, {@link #c} (L,H) are the state: read them, set them, or {@link #reset} them.
 * The weights are packed when the stream is made; call {@link #refresh} after changing the module's parameters.
 * A stream is used by one thread at a time; make one per stream.
 */
public final class RecurrentStepper {
    /** The module this stream steps. */
    public final Recurrent model;
    private final Exclusive exclusive = new Exclusive("RecurrentStepper", "make one per stream (or use org.gru4j.stream.Sessions)");
    /** Hidden state per layer, (L,H). */
    public final float[] h;
    /** Cell state per layer, (L,H); empty unless the cell is an LSTM. */
    public final float[] c;
    private final Trace[] traces;
    private final Scratch[] scratch;
    private final Packed[] packed;
    private final float[] out;
    private float[] batchOuts = new float[0], batchIn = new float[0];

    /**
     * A stream of the module, with zero state and the weights packed.
     *
     * @param model a unidirectional module
     * @throws IllegalArgumentException when the module is bidirectional
     */
    public RecurrentStepper(Recurrent model) {
        RecurrentConfig cf = model.config;
        if (cf.bidirectional()) throw new IllegalArgumentException("a bidirectional module cannot be stepped one event at a time");
        this.model = model;
        int L = cf.layers(), H = cf.hidden();
        this.h = new float[L * H];
        this.c = new float[cf.cell() == CellKind.LSTM ? L * H : 0];
        this.traces = new Trace[L];
        this.scratch = new Scratch[L];
        this.packed = new Packed[L];
        this.out = new float[H];
        for (int l = 0; l < L; l++) {
            traces[l] = new Trace(cf.layerInput(l), H, cf.gateRows());
            scratch[l] = new Scratch();
            packed[l] = new Packed(cf, l);
        }
        refresh();
    }

    /** Repacks the weights from the module's current parameters. */
    public void refresh() {
        for (int l = 0; l < traces.length; l++) packed[l].pack(model.params, model.weights(l, 0));
    }

    /** Sets the state to zeros: the next step starts a new sequence. */
    public void reset() {
        Arrays.fill(h, 0f);
        Arrays.fill(c, 0f);
    }

    /**
     * Advances the state by one input x (I) and returns the last layer's output (H). The returned array is reused by
     * the next step.
     *
     * @param x the input (I)
     * @return the last layer's output (H), valid until the next step
     */
    public float[] step(float[] x) {
        boolean mine = exclusive.enter();
        try {
            return stepOnce(x);
        } finally {
            if (mine) exclusive.exit();
        }
    }

    private float[] stepOnce(float[] x) {
        RecurrentConfig cf = model.config;
        if (x.length != cf.input()) throw new IllegalArgumentException("input has " + x.length + " features, the model takes " + cf.input());
        int bad = Finite.firstNonFinite(x);
        if (bad >= 0) throw new IllegalArgumentException(Finite.message("input x", x[bad], bad, new int[]{x.length}, "i"));
        stepBatch(1, x, h, c, out);
        return out;
    }

    /**
     * Steps B independent streams by one event each, as one batched product per layer: x (B,I); hs and cs (L,B,H) are
     * their states, read and overwritten (cs empty unless LSTM); y (B,H) receives the last layer's outputs. Leaves
     * this stream's own state {@link #h}/{@link #c} alone. For many keys whose events arrive together.
     *
     * @param batch streams B
     * @param x their inputs (B,I)
     * @param hs their hidden states (L,B,H)
     * @param cs their cell states (L,B,H) of an LSTM, else empty
     * @param y receives the last layer's outputs (B,H)
     */
    public void stepBatch(int batch, float[] x, float[] hs, float[] cs, float[] y) {
        boolean mine = exclusive.enter();
        try {
            stepBatchOnce(batch, x, hs, cs, y);
        } finally {
            if (mine) exclusive.exit();
        }
    }

    private void stepBatchOnce(int batch, float[] x, float[] hs, float[] cs, float[] y) {
        RecurrentConfig cf = model.config;
        final int I = cf.input(), H = cf.hidden(), L = traces.length;
        if (x.length < batch * I || hs.length < L * batch * H || y.length < batch * H
                || (cf.cell() == CellKind.LSTM && cs.length < L * batch * H)) {
            throw new IllegalArgumentException("stepBatch of " + batch + ": x needs " + batch * I + " values, states "
                    + L * batch * H + ", y " + batch * H);
        }
        if (batchOuts.length < batch * H) {
            batchOuts = new float[batch * H];
            batchIn = new float[batch * H];
        }
        float[] in = x;
        for (int l = 0; l < L; l++) {
            Trace tr = traces[l];
            Scratch sc = scratch[l];
            Packed pk = packed[l];
            tr.ensure(1, batch);
            sc.ensure(batch, H, pk.hh.ldc);
            System.arraycopy(hs, l * batch * H, sc.h, 0, batch * H);
            float[] out = l % 2 == 0 ? batchOuts : batchIn;       // ping-pong: layer l reads the other buffer
            int ldx = cf.layerInput(l);
            switch (cf.cell()) {
                case GRU -> Gru.forward(tr, sc, pk, cf.resetAfter(), cf.zKeepsState(), null, false, in, ldx, out, 0, H);
                case LSTM -> {
                    System.arraycopy(cs, l * batch * H, sc.c, 0, batch * H);
                    Lstm.forward(tr, sc, pk, null, false, in, ldx, out, 0, H);
                    System.arraycopy(sc.c, 0, cs, l * batch * H, batch * H);
                }
                case RNN_TANH, RNN_RELU -> Rnn.forward(tr, sc, pk, cf.cell() == CellKind.RNN_RELU, null, false, in, ldx, out, 0, H);
            }
            System.arraycopy(sc.h, 0, hs, l * batch * H, batch * H);
            in = out;
        }
        System.arraycopy(in, 0, y, 0, batch * H);
    }
}
