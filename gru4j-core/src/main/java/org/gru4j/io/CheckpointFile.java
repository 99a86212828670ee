package org.gru4j.io;

import org.gru4j.tensor.Tensor;
import org.gru4j.train.Checkpoint;
import org.gru4j.train.Checkpoints;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link Checkpoint} as a safetensors file ({@link Checkpoint#tensors} and {@link Checkpoint#metadata},
 * format=gru4j-train-checkpoint), written atomically: a crash leaves the previous checkpoint whole.
 * <pre>
 * Trainer t = new Trainer(model, adam, loss, config.withCheckpoints(CheckpointFile.to(path), 500), progress);
 * t.resume(CheckpointFile.read(path));
 * </pre>
 */
public final class CheckpointFile {
    private CheckpointFile() {}

    /**
     * A trainer's checkpoints into this file; what a killed earlier run was writing beside it is removed now.
     *
     * @param file the checkpoint file
     * @return the checkpoints, for {@code Trainer}
     */
    public static Checkpoints to(Path file) {
        try {
            AtomicFile.deleteLeftovers(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up beside checkpoint " + file + ": " + e.getMessage(), e);
        }
        return c -> write(file, c);
    }

    /**
     * Writes a checkpoint as safetensors, atomically.
     *
     * @param file the file
     * @param c the checkpoint
     * @throws IOException when writing fails
     */
    public static void write(Path file, Checkpoint c) throws IOException {
        Safetensors.write(file, c.tensors(), c.metadata());
    }

    /**
     * Reads a checkpoint that {@link #write} wrote.
     *
     * @param file the file
     * @return the checkpoint
     * @throws IOException when the file cannot be read or is not a checkpoint
     */
    public static Checkpoint read(Path file) throws IOException {
        Safetensors.Contents c = Safetensors.read(file);
        return of(file, c.tensors(), c.metadata());
    }

    /**
     * A checkpoint from the tensors and metadata {@link Checkpoint#tensors} and {@link Checkpoint#metadata} gave; file is for messages.
     *
     * @param file names the file in messages
     * @param tensors the checkpoint's tensors
     * @param m its metadata
     * @return the checkpoint
     * @throws ModelFormatException when a tensor or field is missing or malformed, naming it
     */
    public static Checkpoint of(Path file, Map<String, Tensor> tensors, Map<String, String> m) throws ModelFormatException {
        if (!Checkpoint.FORMAT.equals(m.get("format"))) {
            throw new ModelFormatException(file, "not a training checkpoint (metadata format is " + m.get("format") + ", expected "
                    + Checkpoint.FORMAT + ")");
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
