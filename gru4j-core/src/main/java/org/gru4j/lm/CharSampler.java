package org.gru4j.lm;

import org.gru4j.model.Stepper;
import org.gru4j.train.Rng;

/**
 * Draws characters from a {@link CharModel}: one {@link Stepper} step per character (embedding row, the recurrent
 * stack with its state carried, the head), then a draw at a temperature τ:
 * <pre>
 * z = W·h + b   (V logits);   p_v = exp(z_v/τ − m) / Σ_u exp(z_u/τ − m),  m = max_u z_u/τ
 * </pre>
 * Seeded: the same model, inputs, temperature and seed give the same characters. Not thread-safe.
 */
public final class CharSampler {
    private final Stepper stepper;
    private final int V;
    private final double[] p;
    private final Rng rng;
    private float[] logits;

    CharSampler(CharModel model, long seed) {
        this.stepper = new Stepper(model.network);
        this.V = model.network.config.outputs();
        this.p = new double[V];
        this.rng = new Rng(seed);
    }

    /**
     * Feeds one character id; returns the logits (V) of the next one (an array reused by the next call).
     *
     * @param id the character's id
     * @return the logits
     */
    public float[] feed(int id) {
        if (id < 0 || id >= V) throw new IllegalArgumentException("character id " + id + " is outside 0.." + (V - 1));
        return logits = stepper.step(id);
    }

    /**
     * Draws the next character id from the last {@link #feed}'s logits at temperature τ > 0.
     *
     * @param temperature τ &gt; 0
     * @return the id
     */
    public int next(double temperature) {
        if (logits == null) throw new IllegalStateException("feed a character before drawing the next");
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
        stepper.reset();
        logits = null;
    }
}
