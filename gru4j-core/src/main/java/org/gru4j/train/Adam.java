package org.gru4j.train;

import java.util.Map;

/**
 * Adam (Kingma &amp; Ba 2015) and AdamW (Loshchilov &amp; Hutter 2019), exactly as torch.optim.Adam / AdamW (1.13,
 * single-tensor path) compute them, in float32 with the bias corrections in double. At step t (1, 2, …):
 * <pre>
 * Adam:  g ← g + λ·θ                 (L2 decay enters the gradient, so the moments see it)
 * AdamW: θ ← θ·(1 − η·λ)             (decoupled decay: applied to the weights, the moments never see it)
 * m ← β₁·m + (1 − β₁)·g
 * v ← β₂·v + (1 − β₂)·g²
 * c₁ = 1 − β₁ᵗ ;  c₂ = 1 − β₂ᵗ
 * θ ← θ − (η / c₁) · m / (√v / √c₂ + ε)
 * </pre>
 */
public final class Adam extends Optimizer {
    /** The decay rates β₁ and β₂ of the moments, ε, and the weight decay λ. */
    public final double beta1, beta2, eps, weightDecay;
    /** true: AdamW's decoupled weight decay; false: Adam's L2 term in the gradient. */
    public final boolean decoupled;
    private final float[] m, v;   // exp_avg, exp_avg_sq

    /**
     * An optimizer of that many parameters, its moments zero.
     *
     * @param parameters the parameter count P
     * @param beta1 β₁, in [0, 1)
     * @param beta2 β₂, in [0, 1)
     * @param eps ε, ≥ 0
     * @param weightDecay λ, ≥ 0
     * @param decoupled AdamW's decoupled decay (true) or Adam's L2 term (false)
     * @throws IllegalArgumentException when a rate is out of range
     */
    public Adam(int parameters, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps >= 0)) throw new IllegalArgumentException("Adam eps must be ≥ 0, got " + eps);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be ≥ 0, got " + weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.m = new float[parameters];
        this.v = new float[parameters];
    }

    /**
     * torch.optim.Adam's defaults: β = (0.9, 0.999), ε = 1e-8, no weight decay.
     *
     * @param parameters the parameter count P
     * @return the optimizer
     */
    public static Adam adam(int parameters) {
        return new Adam(parameters, 0.9, 0.999, 1e-8, 0, false);
    }

    /**
     * torch.optim.AdamW's defaults: β = (0.9, 0.999), ε = 1e-8, weight decay 0.01.
     *
     * @param parameters the parameter count P
     * @return the optimizer
     */
    public static Adam adamW(int parameters) {
        return new Adam(parameters, 0.9, 0.999, 1e-8, 0.01, true);
    }

    @Override
    protected void apply(float[] params, float[] grads, double lr) {
        final long t = steps + 1;
        final float b1 = (float) beta1, b2 = (float) beta2, a1 = (float) (1 - beta1), a2 = (float) (1 - beta2);
        final float wd = (float) weightDecay, decay = (float) (1 - lr * weightDecay), e = (float) eps;
        final double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        final float stepSize = (float) (lr / c1), c2Sqrt = (float) Math.sqrt(c2);
        for (int i = 0; i < params.length; i++) {
            float g = grads[i], p = params[i];
            if (wd != 0) {
                if (decoupled) p = p * decay;
                else g = g + wd * p;
            }
            float mi = m[i] * b1 + a1 * g;
            float vi = v[i] * b2 + a2 * g * g;
            m[i] = mi;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) / c2Sqrt + e;
            params[i] = p - stepSize * (mi / denom);
        }
    }

    @Override
    public Map<String, float[]> state() {
        return Map.of("exp_avg", m, "exp_avg_sq", v);
    }

    @Override
    public void load(Map<String, float[]> state, long steps) {
        for (String name : new String[]{"exp_avg", "exp_avg_sq"}) {
            float[] s = state.get(name);
            if (s == null) throw new IllegalArgumentException("optimizer state has no '" + name + "'");
            checkLength(s, m, name);
            System.arraycopy(s, 0, name.equals("exp_avg") ? m : v, 0, s.length);
        }
        this.steps = steps;
    }

    @Override
    public String describe() {
        return (decoupled ? "adamw" : "adam") + " betas=(" + beta1 + ", " + beta2 + ") eps=" + eps
                + (weightDecay != 0 ? " weight_decay=" + weightDecay : "");
    }
}
