package org.gru4j.train;

import org.gru4j.io.ModelFormatException;
import org.gru4j.io.Safetensors;
import org.gru4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a {@link Trainer} needs to continue exactly where it stopped, in one safetensors file written atomically:
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
 */
public record Checkpoint(Map<String, Tensor> params, Map<String, float[]> optimizer, long optimizerSteps, long step,
                         int epoch, long position, long rng, double bestLoss, int badEpochs, float[] bestParams,
                         Tensor carryH, Tensor carryC, String model, String optimizerName, long seed,
                         int examples) {

    static final String FORMAT = "gru4j-train-checkpoint";

    public void write(Path file) throws IOException {
        Safetensors.write(file, tensors(), metadata());
    }

    /** The tensors as the file holds them (a native model file, org.gru4j.io.ModelFile, embeds them too). */
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

    /** The metadata as the file holds it. */
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

    public static Checkpoint read(Path file) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        return of(file, c.tensors(), c.metadata());
    }

    /** A checkpoint from the tensors and metadata {@link #tensors} and {@link #metadata} gave; file is for messages. */
    public static Checkpoint of(Path file, Map<String, Tensor> tensors, Map<String, String> m) throws ModelFormatException {
        if (!FORMAT.equals(m.get("format"))) {
            throw new ModelFormatException(file, "not a training checkpoint (metadata format is " + m.get("format") + ", expected " + FORMAT + ")");
        }
        Map<String, Tensor> params = new LinkedHashMap<>();
        Map<String, float[]> opt = new LinkedHashMap<>();
        float[] best = null;
        Tensor h = null, cc = null;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("optimizer.")) opt.put(k.substring("optimizer.".length()), e.getValue().data);
            else if (k.equals("best.params")) best = e.getValue().data;
            else if (k.equals("carry.h")) h = e.getValue();
            else if (k.equals("carry.c")) cc = e.getValue();
            else params.put(k, e.getValue());
        }
        try {
            return new Checkpoint(params, opt, Long.parseLong(m.get("optimizer_steps")), Long.parseLong(m.get("step")),
                    Integer.parseInt(m.get("epoch")), Long.parseLong(m.get("position")), Long.parseLong(m.get("rng")),
                    Double.parseDouble(m.get("best_loss")), Integer.parseInt(m.get("bad_epochs")), best, h, cc,
                    m.get("model"), m.get("optimizer"), Long.parseLong(m.get("seed")),
                    Integer.parseInt(m.get("examples")));
        } catch (NumberFormatException | NullPointerException e) {
            throw new ModelFormatException(file, "training checkpoint metadata is incomplete or malformed: " + m);
        }
    }
}
