package org.gru4j.nn;

import org.gru4j.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every gru4j model is to the optimizers, the trainer and the model files: parameters in one flat buffer
 * {@link #params} with gradients at the same offsets in {@link #grads}, named by {@link #parameters()} in PyTorch's
 * state_dict order ("allocate all parameters at once, point into it"). A model may be a view into a larger model's buffers (a layer of a
 * {@link org.gru4j.model.SequenceModel} is one); its views then carry absolute offsets.
 *
 * <p>Made concrete by {@link Recurrent} (nn.GRU / nn.LSTM / nn.RNN) and {@link org.gru4j.model.SequenceModel}
 * ([embedding] → recurrent stack → linear head).
 */
public abstract class Module {
    /** The parameter buffer this model's views point into. */
    public final float[] params;
    /** The gradient buffer, at the same offsets. */
    public final float[] grads;
    private final List<Param> views;

    /**
     * A model whose named views (absolute offsets, state_dict order) point into these buffers.
     *
     * @param params the parameter buffer
     * @param grads the gradient buffer, as long as params
     * @param views the named parameters in it
     */
    protected Module(float[] params, float[] grads, List<Param> views) {
        if (params == null || grads == null || grads.length < params.length) {
            throw new IllegalArgumentException("a model needs a parameter buffer and a gradient buffer at least as long");
        }
        this.params = params;
        this.grads = grads;
        this.views = List.copyOf(views);
        for (Param p : this.views) {
            if (p.offset() < 0 || (long) p.offset() + p.size() > params.length) {
                throw new IllegalArgumentException("parameter '" + p.name() + "' does not fit buffers of " + params.length + " values");
            }
        }
    }

    /**
     * The named views, in state_dict order.
     *
     * @return the views
     */
    public final List<Param> parameters() {
        return views;
    }

    /**
     * The configuration in one line, e.g. {@code gru input=8 hidden=16 layers=2}.
     *
     * @return the description
     */
    public abstract String describe();

    /**
     * How many parameters the views hold.
     *
     * @return the parameter count
     */
    public int parameterCount() {
        int n = 0;
        for (Param p : views) n += p.size();
        return n;
    }

    /** Sets every parameter's gradient to zero. */
    public void zeroGrads() {
        for (Param p : views) Arrays.fill(grads, p.offset(), p.offset() + p.size(), 0f);
    }

    /**
     * Copies of the parameters under their names, in state_dict order.
     *
     * @return name → tensor, in state_dict order
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Param p : views) {
            out.put(p.name(), new Tensor(p.shape(), Arrays.copyOfRange(params, p.offset(), p.offset() + p.size())));
        }
        return out;
    }

    /**
     * Sets every parameter from tensors under the views' names: each view must be present with its exact shape, and
     * every tensor must name a view; otherwise throws, naming the tensor and the model, and nothing is loaded.
     *
     * @param tensors name → tensor, e.g. a state_dict
     */
    public void load(Map<String, Tensor> tensors) {
        Map<String, Param> byName = new LinkedHashMap<>();
        for (Param p : views) byName.put(p.name(), p);
        for (Param p : views) {
            Tensor t = tensors.get(p.name());
            if (t == null) throw new IllegalArgumentException("missing tensor '" + p.name() + "' for " + describe());
            if (!Arrays.equals(t.shape, p.shape())) {
                throw new IllegalArgumentException("tensor '" + p.name() + "' has shape " + t.shapeString() + ", expected "
                        + Arrays.toString(p.shape()));
            }
        }
        for (String name : tensors.keySet()) {
            if (!byName.containsKey(name)) throw new IllegalArgumentException("unexpected tensor '" + name + "' for " + describe());
        }
        for (Param p : views) System.arraycopy(tensors.get(p.name()).data, 0, params, p.offset(), p.size());
    }
}
