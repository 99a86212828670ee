package org.gru4j.train;

/**
 * Gradient clipping, applied to the flat gradient array after the global norm is measured.
 * <pre>
 * by norm  (torch.nn.utils.clip_grad_norm_):  ‖g‖ = sqrt(Σ g²) over all parameters;
 *          c = maxNorm / (‖g‖ + 1e-6);  g ← g · min(c, 1)
 * by value (torch.nn.utils.clip_grad_value_): g ← clamp(g, −maxValue, maxValue)
 * </pre>
 * A bound of 0 (or less) turns that clipping off; both may be on (norm first, then value).
 *
 * @param maxNorm the bound on the global norm, or ≤ 0 for none
 * @param maxValue the bound on each gradient value, or ≤ 0 for none
 */
public record Clipping(double maxNorm, double maxValue) {
    /** No clipping. */
    public static final Clipping NONE = new Clipping(0, 0);

    /**
     * Clipping by global norm alone.
     *
     * @param maxNorm the bound on the global norm
     * @return the clipping
     */
    public static Clipping byNorm(double maxNorm) {
        return new Clipping(maxNorm, 0);
    }

    /**
     * Clipping by value alone.
     *
     * @param maxValue the bound on each gradient value
     * @return the clipping
     */
    public static Clipping byValue(double maxValue) {
        return new Clipping(0, maxValue);
    }

    /**
     * The L2 norm of all gradients together, summed in double.
     *
     * @param grads the flat gradients
     * @return ‖g‖₂
     */
    public static double globalNorm(float[] grads) {
        double s = 0;
        for (float g : grads) s += (double) g * g;
        return Math.sqrt(s);
    }

    /**
     * Clips in place; {@code norm} is the gradient's global norm (already measured).
     *
     * @param grads the flat gradients
     * @param norm their global norm
     */
    public void apply(float[] grads, double norm) {
        if (maxNorm > 0) {
            float c = (float) (maxNorm / (norm + 1e-6));
            if (c < 1f) for (int i = 0; i < grads.length; i++) grads[i] *= c;
        }
        if (maxValue > 0) {
            float v = (float) maxValue;
            for (int i = 0; i < grads.length; i++) grads[i] = Math.max(-v, Math.min(v, grads[i]));
        }
    }
}
