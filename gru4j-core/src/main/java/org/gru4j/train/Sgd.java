package org.gru4j.train;

import java.util.Map;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay: PyTorch's torch.optim.SGD.
 * <pre>
 * g ← g + λ·θ                                  (weight decay λ, when λ ≠ 0)
 * b ← g                       on the first step
 * b ← μ·b + (1 − τ)·g         afterwards       (momentum μ, dampening τ)
 * g ← g + μ·b  (Nesterov)  or  g ← b           (when μ ≠ 0)
 * θ ← θ − η·g
 * </pre>
 */
public final class Sgd extends Optimizer {
    /** The momentum μ, the dampening τ and the weight decay λ. */
    public final double momentum, dampening, weightDecay;
    /** Nesterov momentum. */
    public final boolean nesterov;
    private final float[] buffer;   // momentum_buffer

    /**
     * An optimizer of that many parameters, its momentum buffer empty.
     *
     * @param parameters the parameter count P
     * @param momentum μ, ≥ 0
     * @param dampening τ
     * @param weightDecay λ, ≥ 0
     * @param nesterov Nesterov momentum (needs μ &gt; 0 and τ = 0)
     * @throws IllegalArgumentException when a setting is out of range
     */
    public Sgd(int parameters, double momentum, double dampening, double weightDecay, boolean nesterov) {
        if (momentum < 0) throw new IllegalArgumentException("momentum must be ≥ 0, got " + momentum);
        if (weightDecay < 0) throw new IllegalArgumentException("weight decay must be ≥ 0, got " + weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.buffer = new float[momentum != 0 ? parameters : 0];
    }

    @Override
    protected void apply(float[] params, float[] grads, double lr) {
        final float wd = (float) weightDecay, mu = (float) momentum, damp = (float) (1 - dampening), eta = (float) lr;
        final boolean first = steps == 0;
        for (int i = 0; i < params.length; i++) {
            float g = grads[i];
            if (wd != 0) g = g + wd * params[i];
            if (mu != 0) {
                float b = first ? g : mu * buffer[i] + damp * g;
                buffer[i] = b;
                g = nesterov ? g + mu * b : b;
            }
            params[i] = params[i] - eta * g;
        }
    }

    @Override
    public Map<String, float[]> state() {
        return momentum != 0 ? Map.of("momentum_buffer", buffer) : Map.of();
    }

    @Override
    public void load(Map<String, float[]> state, long steps) {
        if (momentum != 0) {
            float[] b = state.get("momentum_buffer");
            if (b == null) throw new IllegalArgumentException("optimizer state has no 'momentum_buffer'");
            checkLength(b, buffer, "momentum_buffer");
            System.arraycopy(b, 0, buffer, 0, b.length);
        }
        this.steps = steps;
    }

    @Override
    public String describe() {
        return "sgd momentum=" + momentum + (dampening != 0 ? " dampening=" + dampening : "") + (nesterov ? " nesterov" : "")
                + (weightDecay != 0 ? " weight_decay=" + weightDecay : "");
    }

}
