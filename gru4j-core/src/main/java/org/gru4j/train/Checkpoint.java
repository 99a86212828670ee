package org.gru4j.train;

import org.gru4j.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a {@link Trainer} needs to continue exactly where it stopped: plain data, written to and read from a
 * safetensors file by {@code org.gru4j.io.CheckpointFile} (or inside a {@code .gru4j} model file):
 * <pre>
 * tensors:  the model's parameters under their names (so the file also loads as a model)
 *           "optimizer.&lt;state&gt;"   flat (P) — exp_avg, exp_avg_sq or momentum_buffer
 *           "best.params"          flat (P), the parameters with the best validation loss so far (when there is one)
 *           "carry.h", "carry.c"    the state carried between truncated-BPTT chunks (when mid-epoch)
 * metadata: format=gru4j-train-checkpoint, model, optimizer, optimizer_steps, step, epoch, position (steps done in the
 *           epoch), rng (the dropout generator's state), best_loss, bad_epochs, seed, examples (how many the run
 *           was given; a resumed run must be given the same)
 * </pre>
 * Numbers are written with Long.toString / Double.toString, which read back to the same bits.
 *
 * @param params the model's parameters under their names
 * @param optimizer the optimizer's state arrays, by name
 * @param optimizerSteps the optimizer's step count (Adam's bias corrections)
 * @param step training steps done
 * @param epoch the epoch in progress
 * @param position steps done in that epoch
 * @param rng the dropout generator's state
 * @param bestLoss the best validation loss so far
 * @param badEpochs epochs since it improved
 * @param bestParams the parameters with that loss, or null
 * @param carryH the hidden state carried between truncated-BPTT chunks, or null
 * @param carryC the cell state carried likewise (LSTM), or null
 * @param model the model's configuration in one line
 * @param optimizerName the optimizer in one line
 * @param seed the run's seed
 * @param examples how many examples the run was given
 */
public record Checkpoint(Map<String, Tensor> params, Map<String, float[]> optimizer, long optimizerSteps, long step,
                         int epoch, long position, long rng, double bestLoss, int badEpochs, float[] bestParams,
                         Tensor carryH, Tensor carryC, String model, String optimizerName, long seed,
                         int examples) {

    /** The metadata field 'format' of a checkpoint file. */
    public static final String FORMAT = "gru4j-train-checkpoint";

    /**
     * The tensors as the file holds them (a native model file, org.gru4j.io.ModelFile, embeds them too).
     *
     * @return name → tensor
     */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> t = new LinkedHashMap<>(params);
        for (Map.Entry<String, float[]> e : optimizer.entrySet()) {
            t.put("optimizer." + e.getKey(), new Tensor(new int[]{e.getValue().length}, e.getValue().clone()));
        }
        if (bestParams != null) t.put("best.params", new Tensor(new int[]{bestParams.length}, bestParams));
        if (carryH != null) t.put("carry.h", carryH);
        if (carryC != null) t.put("carry.c", carryC);
        return t;
    }

    /**
     * The metadata as the file holds it.
     *
     * @return field → value
     */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("model", model);
        m.put("optimizer", optimizerName);
        m.put("optimizer_steps", Long.toString(optimizerSteps));
        m.put("step", Long.toString(step));
        m.put("epoch", Integer.toString(epoch));
        m.put("position", Long.toString(position));
        m.put("rng", Long.toString(rng));
        m.put("best_loss", Double.toString(bestLoss));
        m.put("bad_epochs", Integer.toString(badEpochs));
        m.put("seed", Long.toString(seed));
        m.put("examples", Integer.toString(examples));
        return m;
    }
}
