package org.gru4j.flink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.gru4j.model.Stepper;
import org.gru4j.nn.Recurrent;

import java.io.Serializable;

/**
 * Scores a keyed event stream with a gru4j model, one event at a time, each key's recurrent state held in Flink keyed
 * state, so Flink checkpoints, restores and rescales it with the job.
 * <pre>
 * per key, in Flink state:  state = [h (L,H) | c (L,H) for an LSTM | last forecast (outputs) for a forecaster]
 *                           events = number of events this key has had
 * per event x:              h' = cell(x, h);  out = W h'_last + b  (or h'_last without a head);  see {@link ScoringModel}
 * </pre>
 * The model runs on a {@link Stepper} per parallel instance; the state is read into it and written back per event.
 *
 * @param <K>  the key type of the stream
 * @param <IN> the event type; {@link Features} turns it into the model's input vector
 */
public class GruScorer<K, IN> extends KeyedProcessFunction<K, IN, Scored> {
    private static final long serialVersionUID = 1L;

    /**
     * The model's input vector (I floats) of an event.
     *
     * @param <IN> the event type
     */
    @FunctionalInterface
    public interface Features<IN> extends Serializable {
        /**
         * The input vector of an event.
         *
         * @param event the event
         * @return its features (I)
         */
        float[] of(IN event);
    }

    /** The model every key is stepped through. */
    private final ScoringModel model;
    /** Turns an event into the model's input. */
    private final Features<IN> features;
    private transient Stepper stepper;
    private transient ValueState<float[]> state;
    private transient ValueState<Long> events;
    private transient float[] out;

    /**
     * A scorer of a model.
     *
     * @param model the model, its threshold and configuration
     * @param features turns an event into the model's input (I)
     */
    public GruScorer(ScoringModel model, Features<IN> features) {
        this.model = model;
        this.features = features;
    }

    @Override
    public void open(OpenContext context) {
        stepper = new Stepper(model.build());
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("gru4j-state", PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
        events = getRuntimeContext().getState(new ValueStateDescriptor<>("gru4j-events", Types.LONG));
        out = new float[stepper.outputs()];
    }

    @Override
    public void processElement(IN event, Context ctx, Collector<Scored> collector) throws Exception {
        float[] x = features.of(event);
        final int input = stepper.stream.model.config.input();
        if (x == null || x.length != input) {
            throw new IllegalArgumentException("event of key " + ctx.getCurrentKey() + " has " + (x == null ? "no" : x.length)
                    + " features, the model takes " + input);
        }
        final float[] h0 = stepper.stream.h, c0 = stepper.stream.c;
        final int lh = h0.length, lstm = c0.length;
        final boolean head = !(stepper.model instanceof Recurrent), forecaster = head && out.length == input;
        float[] s = state.value();
        Long n = events.value();
        long seq = n == null ? 0 : n;
        // a copy: the state backend may still be snapshotting the array it handed out
        s = s == null ? new float[lh + lstm + (forecaster ? out.length : 0)] : s.clone();
        System.arraycopy(s, 0, h0, 0, lh);
        if (lstm > 0) System.arraycopy(s, lh, c0, 0, lstm);

        // score of a forecaster: mean squared error of the forecast made at the previous event
        double score = Double.NaN;
        if (forecaster) {
            double se = 0;
            for (int i = 0; i < x.length; i++) {
                double e = x[i] - s[lh + lstm + i];
                se += e * e;
            }
            score = seq == 0 ? 0 : se / x.length;
        }
        System.arraycopy(stepper.step(x), 0, out, 0, out.length);      // out = W h'_last + b, or h'_last
        int label = -1;
        if (head && !forecaster) {
            label = 0;
            for (int o = 1; o < out.length; o++) if (out[o] > out[label]) label = o;
            double sum = 0;
            for (float v : out) sum += Math.exp(v - out[label]);
            score = 1 / sum;
        }
        System.arraycopy(h0, 0, s, 0, lh);
        if (lstm > 0) System.arraycopy(c0, 0, s, lh, lstm);
        if (forecaster) System.arraycopy(out, 0, s, lh + lstm, out.length);
        state.update(s);
        events.update(seq + 1);
        boolean anomaly = forecaster && seq > 0 && score > model.threshold();
        collector.collect(new Scored(String.valueOf(ctx.getCurrentKey()), seq, out.clone(), label, score, anomaly));
    }
}
