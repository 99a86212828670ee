package org.gru4j.nn;

import org.gru4j.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every gru4j model is to the optimizers, the trainer and the model files: parameters in one flat buffer
 * {@link #params()} with gradients at the same offsets in {@link #grads()}, named by {@link #parameters()} in
 * PyTorch's state_dict order. A model may be a view into a larger model's buffers (a layer of a
 * {@link org.gru4j.model.SequenceModel} is one); its views then carry absolute offsets.
 *
 * <p>Implemented by {@link Recurrent} (nn.GRU / nn.LSTM / nn.RNN) and {@link org.gru4j.model.SequenceModel}
 * ([embedding] → recurrent stack → linear head).
 */
public interface Module {
    /** The parameter buffer this model's views point into. */
    float[] params();

    /** The gradient buffer, at the same offsets. */
    float[] grads();

    /** The named views, in state_dict order. */
    List<Param> parameters();

    /** The configuration in one line, e.g. {@code GRU 8→16 ×2}. */
    String describe();

    /** How many parameters the views hold. */
    default int parameterCount() {
        int n = 0;
        for (Param p : parameters()) n += p.size();
        return n;
    }

    default void zeroGrads() {
        float[] g = grads();
        for (Param p : parameters()) Arrays.fill(g, p.offset(), p.offset() + p.size(), 0f);
    }

    /** Copies of the parameters under their names, in state_dict order. */
    default Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        float[] params = params();
        for (Param p : parameters()) {
            out.put(p.name(), new Tensor(p.shape(), Arrays.copyOfRange(params, p.offset(), p.offset() + p.size())));
        }
        return out;
    }

    /**
     * Sets every parameter from tensors under the views' names: each view must be present with its exact shape, and
     * every tensor must name a view; otherwise throws, naming the tensor and the model.
     */
    default void load(Map<String, Tensor> tensors) {
        List<Param> views = parameters();
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
        float[] params = params();
        for (Param p : views) System.arraycopy(tensors.get(p.name()).data, 0, params, p.offset(), p.size());
    }
}
