package org.gru4j.train;

import java.util.Map;

/**
 * Updates a flat parameter array from the gradient array at the same offsets. {@link #update} is one training step:
 * measure the global gradient norm, refuse a non-finite loss or gradient, clip, then apply the rule of the subclass.
 */
public abstract sealed class Optimizer permits Sgd, Adam {
    /** Updates applied so far (skipped steps do not count); PyTorch's state["step"]. */
    public long steps;

    /**
     * The outcome of one {@link #update}: the gradient norm before clipping, and whether the update was applied.
     *
     * @param gradNorm the global gradient norm before clipping
     * @param applied whether the parameters changed
     * @param message why not, or null
     */
    public record StepReport(double gradNorm, boolean applied, String message) {}

    /**
     * What the rule keeps between steps, by name (e.g. "exp_avg"), each as long as the parameters; for checkpoints.
     *
     * @return name → array
     */
    public abstract Map<String, float[]> state();

    /**
     * Restores the state (as {@link #state} gave it) and the step count, from a checkpoint; a missing or misshapen array throws.
     *
     * @param state name → array
     * @param steps the step count
     */
    public abstract void load(Map<String, float[]> state, long steps);

    /**
     * The rule: params ← params − (something of grads, lr, the state).
     *
     * @param params the parameters, updated in place
     * @param grads their gradients
     * @param lr the learning rate
     */
    protected abstract void apply(float[] params, float[] grads, double lr);

    /**
     * The rule and its settings in one line.
     *
     * @return the description
     */
    public abstract String describe();

    /**
     * One step: the global norm ‖g‖₂ over all gradients is measured; if the loss or the norm is NaN/Inf the parameters and
     * the state are left untouched and the report says "exploding gradient: norm=…, step skipped"; otherwise the
     * gradients are clipped (in place) as {@code clip} says and the rule is applied with learning rate lr.
     *
     * @param params the parameters, updated in place
     * @param grads their gradients, clipped in place
     * @param loss the step's loss
     * @param lr the learning rate
     * @param clip the clipping
     * @return the norm and whether the step was applied
     */
    public final StepReport update(float[] params, float[] grads, double loss, double lr, Clipping clip) {
        if (params.length != grads.length) throw new IllegalArgumentException(params.length + " parameters but " + grads.length + " gradients");
        double norm = Clipping.globalNorm(grads);
        if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
            String what = !Double.isFinite(loss) ? "loss=" + loss + ", norm=" + norm : "norm=" + norm;
            return new StepReport(norm, false, "exploding gradient: " + what + ", step skipped");
        }
        if (clip != null) clip.apply(grads, norm);
        apply(params, grads, lr);
        steps++;
        return new StepReport(norm, true, null);
    }

    static void checkLength(float[] state, float[] params, String name) {
        if (state.length != params.length) {
            throw new IllegalArgumentException("optimizer state '" + name + "' holds " + state.length + " values for "
                    + params.length + " parameters");
        }
    }
}
