package org.gru4j.flink;

import org.gru4j.io.ConfigCodec;
import org.gru4j.io.ModelFormatException;
import org.gru4j.model.Head;
import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.Module;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a Flink job ships to its task managers: a unidirectional model's configuration (gru4j's {@link ConfigCodec}
 * fields) and parameters, and the anomaly threshold. Plain serializable data; the operator rebuilds the model from it
 * when it opens and steps it with a {@link org.gru4j.model.Stepper}.
 *
 * <p>The model is a {@link SequenceModel} on features with a per-step head, or a bare {@link Recurrent} (outputs are
 * then the last layer's hidden state and the score is NaN). A head with as many outputs as the model has inputs is a
 * one-step forecaster: the score of an event is the mean squared error between the forecast made at the key's previous
 * event and this event's features, and the event is an anomaly when that score exceeds the threshold. Any other head
 * is a classifier: the label is the arg-max output and the score its softmax probability.
 *
 * @param config the model's configuration ({@link ConfigCodec} fields)
 * @param params its parameters, in state_dict order
 * @param threshold the forecaster's anomaly threshold (∞: never)
 */
public record ScoringModel(Map<String, String> config, float[] params, double threshold) implements Serializable {

    /**
     * Copies the configuration and checks that the model can be built and stepped one event at a time.
     *
     * @throws IllegalArgumentException when it cannot: a token model, a last-step head, a bidirectional stack
     */
    public ScoringModel {
        config = new LinkedHashMap<>(config);
        Module m = build(config, params);
        if (m instanceof SequenceModel s && (s.config.tokens() || s.config.head() != Head.PER_STEP)) {
            throw new IllegalArgumentException("a scorer steps a features model with a per-step head, not " + s.describe());
        }
        RecurrentConfig rc = m instanceof SequenceModel s ? s.config.recurrent() : ((Recurrent) m).config;
        if (rc.bidirectional()) throw new IllegalArgumentException("a bidirectional model cannot score events one at a time");
    }

    /**
     * The model alone: outputs are the last layer's hidden state.
     *
     * @param model a unidirectional module
     * @return the scoring model
     */
    public static ScoringModel of(Recurrent model) {
        return new ScoringModel(ConfigCodec.fields(model, "gru4j"), model.params.clone(), Double.POSITIVE_INFINITY);
    }

    /**
     * The model with a linear head W (outputs, H) and bias (outputs); threshold for the forecaster's anomaly flag.
     *
     * @param model a unidirectional module
     * @param headWeight W (outputs, H)
     * @param headBias b (outputs)
     * @param threshold the forecaster's anomaly threshold
     * @return the scoring model
     */
    public static ScoringModel of(Recurrent model, float[] headWeight, float[] headBias, double threshold) {
        RecurrentConfig cf = model.config;
        int outputs = headBias.length;
        if (headWeight.length != outputs * cf.directions() * cf.hidden()) {
            throw new IllegalArgumentException("head weight must be (" + outputs + ", " + cf.hidden() + ") and bias (" + outputs + ")");
        }
        SequenceModel m = new SequenceModel(new SequenceModelConfig(0, cf, 0, Head.PER_STEP, outputs));
        Map<String, Tensor> sd = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> sd.put("rnn." + k, v));
        sd.put("head.weight", new Tensor(new int[]{outputs, cf.hidden()}, headWeight.clone()));
        sd.put("head.bias", new Tensor(new int[]{outputs}, headBias.clone()));
        m.load(sd);
        return of(m, threshold);
    }

    /**
     * A trained {@link SequenceModel} with a per-step head and raw-feature input (e.g. {@code seqToSeq}), unidirectional.
     *
     * @param model the model
     * @param threshold the forecaster's anomaly threshold
     * @return the scoring model
     */
    public static ScoringModel of(SequenceModel model, double threshold) {
        return new ScoringModel(ConfigCodec.fields(model, "gru4j"), model.params.clone(), threshold);
    }

    /**
     * A new model of this configuration and parameters.
     *
     * @return the model
     */
    public Module build() {
        return build(config, params);
    }

    private static Module build(Map<String, String> config, float[] params) {
        Module m;
        try {
            m = ConfigCodec.build(Path.of("scoring model"), config, params.length);
        } catch (ModelFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (m.parameterCount() != params.length) {
            throw new IllegalArgumentException(params.length + " parameters for a model that has " + m.parameterCount());
        }
        System.arraycopy(params, 0, m.params, 0, params.length);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoringModel m && config.equals(m.config) && Double.compare(threshold, m.threshold) == 0
                && Arrays.equals(params, m.params);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(params) * 31 + config.hashCode();
    }
}
