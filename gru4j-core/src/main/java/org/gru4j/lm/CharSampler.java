package org.gru4j.lm;

import org.gru4j.model.SequenceModel;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.Stream;
import org.gru4j.train.Rng;

/**
 * Steps a {@link CharModel} one character at a time: the embedding row, one {@link Stream} step through the
 * recurrent stack (state carried), the head, and a draw at a temperature τ:
 * <pre>
 * z = W·h + b   (V logits);   p_v = exp(z_v/τ − m) / Σ_u exp(z_u/τ − m),  m = max_u z_u/τ
 * </pre>
 * Seeded: the same model, inputs, temperature and seed give the same characters. Not thread-safe.
 */
public final class CharSampler {
    private final Stream stream;
    private final float[] params;          // the network's flat parameters
    private final int embedding, headWeight, headBias, E, H, V;
    private final float[] x, logits;
    private final double[] p;
    private final Rng rng;
    private boolean fed;

    CharSampler(CharModel model, long seed) {
        SequenceModel net = model.network;
        Recurrent rnn = new Recurrent(net.config.recurrent());
        for (Recurrent.Param q : rnn.parameters()) {
            System.arraycopy(net.params, offset(net, "rnn." + q.name()), rnn.params, q.offset(), q.size());
        }
        this.stream = new Stream(rnn);
        this.params = net.params;
        this.embedding = offset(net, "embedding.weight");
        this.headWeight = offset(net, "head.weight");
        this.headBias = offset(net, "head.bias");
        this.E = net.config.recurrent().input();
        this.H = net.config.recurrent().hidden();
        this.V = net.config.outputs();
        this.x = new float[E];
        this.logits = new float[V];
        this.p = new double[V];
        this.rng = new Rng(seed);
    }

    private static int offset(SequenceModel net, String name) {
        for (Recurrent.Param q : net.parameters()) if (q.name().equals(name)) return q.offset();
        throw new IllegalStateException("the network has no parameter '" + name + "'");
    }

    /** Feeds one character id; returns the logits (V) of the next one (an array reused by the next call). */
    public float[] feed(int id) {
        if (id < 0 || id >= V) throw new IllegalArgumentException("character id " + id + " is outside 0.." + (V - 1));
        System.arraycopy(params, embedding + id * E, x, 0, E);
        float[] h = stream.step(x);
        // z (V) = W (V,H) · h (H) + b
        for (int v = 0; v < V; v++) {
            float s = params[headBias + v];
            int w = headWeight + v * H;
            for (int j = 0; j < H; j++) s += params[w + j] * h[j];
            logits[v] = s;
        }
        fed = true;
        return logits;
    }

    /** Draws the next character id from the last {@link #feed}'s logits at temperature τ > 0. */
    public int next(double temperature) {
        if (!fed) throw new IllegalStateException("feed a character before drawing the next");
        double m = Double.NEGATIVE_INFINITY, sum = 0;
        for (int v = 0; v < V; v++) m = Math.max(m, logits[v] / temperature);
        for (int v = 0; v < V; v++) sum += p[v] = Math.exp(logits[v] / temperature - m);
        double u = rng.nextDouble() * sum;
        for (int v = 0; v < V; v++) {
            u -= p[v];
            if (u < 0) return v;
        }
        for (int v = V - 1; v >= 0; v--) if (p[v] > 0) return v;    // rounding left u ≥ 0: the last possible one
        return V - 1;
    }

    /** Back to the zero state. */
    public void reset() {
        stream.reset();
        fed = false;
    }
}
