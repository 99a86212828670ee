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
public final class Stream {
    public final Recurrent model;
    /** Hidden state per layer, (L,H). */
    public final float[] h;
    /** Cell state per layer, (L,H); empty unless the cell is an LSTM. */
    public final float[] c;
    private final Trace[] traces;
    private final float[][] outs;

    public Stream(Recurrent model) {
        RecurrentConfig cf = model.config;
        if (cf.bidirectional()) throw new IllegalArgumentException("a bidirectional module cannot be stepped one event at a time");
        this.model = model;
        int L = cf.layers(), H = cf.hidden();
        this.h = new float[L * H];
        this.c = new float[cf.cell() == CellKind.LSTM ? L * H : 0];
        this.traces = new Trace[L];
        this.outs = new float[L][H];
        for (int l = 0; l < L; l++) {
            traces[l] = new Trace(cf.layerInput(l), H, cf.gateRows());
            traces[l].ensure(1, 1);
            traces[l].wihPanels = new float[cf.layerInput(l) * cf.gateRows()];
            traces[l].whhPanels = new float[H * cf.gateRows()];
        }
        refresh();
    }

    /** Repacks the weights from the module's current parameters. */
    public void refresh() {
        for (int l = 0; l < traces.length; l++) Recurrent.pack(traces[l], model.weights(l, 0), model.params);
    }

    public void reset() {
        Arrays.fill(h, 0f);
        Arrays.fill(c, 0f);
    }

    /**
     * Advances the state by one input x (I) and returns the last layer's output (H). The returned array is reused by
     * the next step.
     */
    public float[] step(float[] x) {
        RecurrentConfig cf = model.config;
        if (x.length != cf.input()) throw new IllegalArgumentException("input has " + x.length + " features, the model takes " + cf.input());
        int bad = Finite.firstNonFinite(x);
        if (bad >= 0) throw new IllegalArgumentException(Finite.message("input x", x[bad], bad, new int[]{x.length}, "i"));
        final int H = cf.hidden();
        float[] in = x;
        for (int l = 0; l < traces.length; l++) {
            Trace tr = traces[l];
            Weights w = model.weights(l, 0);
            Recurrent.project(tr, w, model.params, in, 1);
            System.arraycopy(h, l * H, tr.h, 0, H);
            switch (cf.cell()) {
                case GRU -> Gru.forward(tr, model.params, w, cf.resetAfter(), cf.zKeepsState(), null, false, outs[l], 0, H);
                case LSTM -> {
                    System.arraycopy(c, l * H, tr.c, 0, H);
                    Lstm.forward(tr, model.params, w, null, false, outs[l], 0, H);
                    System.arraycopy(tr.c, 0, c, l * H, H);
                }
                case RNN_TANH, RNN_RELU -> Rnn.forward(tr, model.params, w, cf.cell() == CellKind.RNN_RELU, null, false, outs[l], 0, H);
            }
            System.arraycopy(tr.h, 0, h, l * H, H);
            in = outs[l];
        }
        return outs[traces.length - 1];
    }
}
