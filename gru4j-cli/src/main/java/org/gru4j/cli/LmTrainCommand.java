package org.gru4j.cli;

import org.gru4j.lm.CharModel;
import org.gru4j.lm.CharTrainOptions;
import org.gru4j.nn.CellKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gru4j lm train}: a character model on a UTF-8 text; the last line is {@code val_bpc=<number>}. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a character language model on a UTF-8 text and write it as .safetensors.",
                "The last 10%% of the text is held out; the bits per character on it are the last line: val_bpc=<number>.",
                "Training walks --batch contiguous stretches of the rest in chunks of --seq-len characters, the state "
                        + "carried from chunk to chunk (truncated BPTT), with Adam and gradient clipping by global norm.",
                "It stops at --epochs passes or after --minutes, whichever comes first (2 minutes when neither is given)."})
final class LmTrainCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    ProgressView.Quiet quietOption = new ProgressView.Quiet();
    @Option(names = "--text", required = true, paramLabel = "FILE", description = "training text, UTF-8")
    Path text;
    @Option(names = "--model", required = true, paramLabel = "OUT", description = "where to write the model (.safetensors)")
    Path model;
    @Option(names = "--cell", defaultValue = "gru", paramLabel = "CELL", description = "gru, lstm or rnn (tanh); default ${DEFAULT-VALUE}")
    String cell;
    @Option(names = "--hidden", defaultValue = "256", paramLabel = "N", description = "hidden units per layer; default ${DEFAULT-VALUE}")
    int hidden;
    @Option(names = "--layers", defaultValue = "1", paramLabel = "N", description = "stacked layers; default ${DEFAULT-VALUE}")
    int layers;
    @Option(names = "--embedding", defaultValue = "64", paramLabel = "N", description = "character embedding size; default ${DEFAULT-VALUE}")
    int embedding;
    @Option(names = "--seq-len", defaultValue = "100", paramLabel = "N", description = "characters per BPTT chunk; default ${DEFAULT-VALUE}")
    int seqLen;
    @Option(names = "--batch", defaultValue = "32", paramLabel = "N", description = "parallel stretches of the text; default ${DEFAULT-VALUE}")
    int batch;
    @Option(names = "--epochs", paramLabel = "N", description = "at most this many passes over the text")
    Integer epochs;
    @Option(names = "--minutes", paramLabel = "X", description = "stop training after X minutes of wall-clock time (then evaluate and save)")
    Double minutes;
    @Option(names = "--lr", defaultValue = "2e-3", paramLabel = "X", description = "Adam learning rate; default ${DEFAULT-VALUE}")
    double lr;
    @Option(names = "--clip", defaultValue = "1.0", paramLabel = "X", description = "clip gradients to this global norm (0: off); default ${DEFAULT-VALUE}")
    double clip;
    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "seed of the initial weights; default ${DEFAULT-VALUE}")
    long seed;
    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "network replicas trained in parallel on shares of the batch (0: one per processor, at least 4 lanes each); default ${DEFAULT-VALUE}")
    int threads;

    @Override
    public Integer call() throws IOException {
        CellKind kind = CellNames.parse("--cell", cell);
        if (kind == CellKind.RNN_RELU) throw new IllegalArgumentException("--cell: a character model uses gru, lstm or rnn (tanh), not rnn_relu");
        if (epochs != null && epochs < 1) throw new IllegalArgumentException("--epochs must be ≥ 1, got " + epochs);
        if (minutes != null && !(minutes > 0 && Double.isFinite(minutes))) throw new IllegalArgumentException("--minutes must be > 0, got " + minutes);
        for (String[] f : new String[][]{{"--hidden", "" + hidden}, {"--layers", "" + layers}, {"--embedding", "" + embedding},
                {"--seq-len", "" + seqLen}, {"--batch", "" + batch}}) {
            if (Integer.parseInt(f[1]) < 1) throw new IllegalArgumentException(f[0] + " must be ≥ 1, got " + f[1]);
        }
        if (threads < 0) throw new IllegalArgumentException("--threads must be ≥ 0, got " + threads);
        if (!(lr > 0 && Double.isFinite(lr))) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        if (!(clip >= 0 && Double.isFinite(clip))) throw new IllegalArgumentException("--clip must be ≥ 0, got " + clip);
        Outputs.check("--model", model, text);
        String content = Utf8Text.read(text, "--text");
        if (content.isEmpty()) throw new IllegalArgumentException("--text " + text + " is empty");
        int n = content.codePointCount(0, content.length());
        if (n < 2 * seqLen || n / 10 < 2) {
            throw new IllegalArgumentException("--text " + text + " has " + n + " characters: too short for --seq-len " + seqLen
                    + " (needs at least " + Math.max(2 * seqLen, 20) + ")");
        }
        int capEpochs = epochs != null ? epochs : 0;
        double capMinutes = minutes != null ? minutes : epochs == null ? 2 : 0;
        CharTrainOptions o = new CharTrainOptions(kind, hidden, layers, embedding, seqLen, batch, capEpochs, capMinutes, lr, clip, seed, 0.1, threads);

        long start = System.nanoTime();
        CharModel lm;
        ProgressView bar = new ProgressView("lm train", capMinutes * 60, true);
        try (bar) {
            lm = CharModel.train(content, o, bar);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        lm.save(model);
        System.out.printf(Locale.ROOT, "%s, %d characters (vocabulary %d), %d parameters; %d steps (epoch %d); %.1f s with evaluation; model written to %s%n",
                lm.network.config.describe(), n, lm.vocabulary.size(), lm.network.parameterCount(), bar.steps, bar.epoch, secs, model);
        System.out.printf(Locale.ROOT, "val_bpc=%.4f%n", lm.validationBpc);
        return 0;
    }

    /** Fails before training, not after it, when the model cannot be written there. */
}
