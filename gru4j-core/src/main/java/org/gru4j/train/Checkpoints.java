package org.gru4j.train;

import java.io.IOException;

/**
 * Where a {@link Trainer} writes its checkpoints. {@code org.gru4j.io.CheckpointFile.to(path)} writes each one to a
 * file atomically (a crash leaves the previous checkpoint whole); a test may keep them in memory.
 */
@FunctionalInterface
public interface Checkpoints {
    /**
     * Keeps one checkpoint.
     *
     * @param c the checkpoint
     * @throws IOException when it cannot be written
     */
    void write(Checkpoint c) throws IOException;
}
