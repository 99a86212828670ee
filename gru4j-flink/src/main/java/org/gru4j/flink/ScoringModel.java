package org.gru4j.flink;

import org.gru4j.model.SequenceModel;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.StateDict;
import org.gru4j.tensor.Tensor;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;

/**
 * What a Flink job ships to its task managers: a unidirectional recurrent model's configuration and weights, an
 * optional linear head {@code out = W h + b} on the last layer's output (W is (outputs, H)), and the anomaly threshold.
 * Plain serializable data; the operator rebuilds the model from it when it opens.
 *
 * <p>A head with as many outputs as the model has inputs is a one-step forecaster: the score of an event is the mean
 * squared error between the forecast made at the key's previous event and this event's features, and the event is an
 * anomaly when that score exceeds the threshold. Any other head is a classifier: the label is the arg-max output and
 * the score its softmax probability. Without a head the output is h itself and the score is NaN.
 */
public record ScoringModel(String cell, int input, int hidden, int layers, boolean bias, boolean resetAfter,
                           boolean zKeepsState, float[] params, int outputs, float[] headWeight, float[] headBias,
                           double threshold) implements Serializable {

    public ScoringModel {
        if (outputs > 0 && (headWeight == null || headWeight.length != outputs * hidden || headBias == null || headBias.length != outputs)) {
            throw new IllegalArgumentException("head weight must be (" + outputs + ", " + hidden + ") and bias (" + outputs + ")");
        }
    }

    /** The model alone: outputs are the last layer's hidden state. */
    public static ScoringModel of(Recurrent model) {
        return of(model, null, null, Double.POSITIVE_INFINITY);
    }

    /** The model with a linear head W (outputs, H) and bias (outputs); threshold for the forecaster's anomaly flag. */
    public static ScoringModel of(Recurrent model, float[] headWeight, float[] headBias, double threshold) {
        RecurrentConfig cf = model.config;
        if (cf.bidirectional()) throw new IllegalArgumentException("a bidirectional model cannot score events one at a time");
        int outputs = headBias == null ? 0 : headBias.length;
        return new ScoringModel(cf.cell().id(), cf.input(), cf.hidden(), cf.layers(), cf.bias(), cf.resetAfter(),
                cf.zKeepsState(), model.params.clone(), outputs, headWeight == null ? null : headWeight.clone(),
                headBias == null ? null : headBias.clone(), threshold);
    }

    /**
     * A trained {@link SequenceModel} with a per-step head and raw-feature input (e.g. {@code seqToSeq}), whose
     * recurrent stack is unidirectional.
     */
    public static ScoringModel of(SequenceModel model, double threshold) {
        if (model.config.tokens()) throw new IllegalArgumentException("a token model (embedding input) is not a feature scorer");
        Map<String, Tensor> sd = model.stateDict();
        Recurrent rnn = StateDict.toRecurrent(sd, "rnn.", model.config.recurrent().cell() == CellKind.RNN_RELU);
        if (!model.config.recurrent().resetAfter() || !model.config.recurrent().zKeepsState()) {
            throw new IllegalArgumentException("only PyTorch-form GRUs (reset after, z keeps the state) come from a state_dict");
        }
        return of(rnn, sd.get("head.weight").data, sd.get("head.bias").data, threshold);
    }

    Recurrent toRecurrent() {
        Recurrent r = new Recurrent(new RecurrentConfig(CellKind.parse(cell), input, hidden, layers, false, bias, resetAfter, zKeepsState));
        if (r.params.length != params.length) {
            throw new IllegalArgumentException(params.length + " parameters for a model that has " + r.params.length);
        }
        System.arraycopy(params, 0, r.params, 0, params.length);
        return r;
    }

    boolean forecaster() {
        return outputs == input;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoringModel m && cell.equals(m.cell) && input == m.input && hidden == m.hidden && layers == m.layers
                && bias == m.bias && resetAfter == m.resetAfter && zKeepsState == m.zKeepsState && outputs == m.outputs
                && Double.compare(threshold, m.threshold) == 0 && Arrays.equals(params, m.params)
                && Arrays.equals(headWeight, m.headWeight) && Arrays.equals(headBias, m.headBias);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(params) * 31 + cell.hashCode();
    }
}
