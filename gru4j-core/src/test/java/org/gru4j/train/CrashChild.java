package org.gru4j.train;

import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The child process of {@link CrashSafeCheckpointTest}: trains a small GRU, writing a checkpoint after every step,
 * and resumes from the checkpoint file when it exists. Prints "resumed &lt;step&gt;" once it has loaded (or not) the
 * checkpoint, and "done &lt;step&gt;" at the end. Arguments: checkpoint file, step limit.
 */
final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        Path ck = Path.of(args[0]);
        long maxSteps = Long.parseLong(args[1]);
        SequenceModel m = TrainerTest.model(SequenceModelConfig.seqToSeq(CellKind.GRU, 2, 8, 1, 1), 1);
        List<Example> data = TrainerTest.runningSums(64, 1);
        TrainConfig tc = TrainConfig.defaults(0.01).withEpochs(1_000_000).withMaxSteps(maxSteps).withBatchSize(4)
                .withCheckpoints(org.gru4j.io.CheckpointFile.to(ck), 1);
        Trainer tr = new Trainer(m, Adam.adamW(m.parameterCount()), new MeanSquaredError(), tc, null);
        long from = 0;
        if (Files.exists(ck)) {
            Checkpoint c = org.gru4j.io.CheckpointFile.read(ck);
            tr.resume(c);
            from = c.step();
        }
        System.out.println("resumed " + from);
        System.out.flush();
        Trainer.Result r = tr.fit(data);
        System.out.println("done " + r.steps());
    }
}
