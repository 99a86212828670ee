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
                "Training walks --batch contiguous stretches of the rest in chunks of --steps characters, the state "
                        + "carried from chunk to chunk (truncated BPTT), with Adam and gradient clipping by global norm; the "
                        + "stretches are shared out over one network replica per core (--threads; at least 4 stretches each).",
                "It stops at --epochs passes or after --minutes, whichever comes first (2 minutes when neither is given)."})
final class LmTrainCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @picocli.CommandLine.Mixin
    ProgressView.Quiet quietOption = new ProgressView.Quiet();
    @Option(names = "--text", required = true, paramLabel = "FILE", description = "training text, UTF-8")
    Path text;
    @Option(names = "--model", required = true, paramLabel = "OUT", description = "where to write the model (.safetensors)")
    Path model;
    @picocli.CommandLine.Mixin
    CellOption cell = new CellOption();
    @Option(names = "--hidden", defaultValue = "256", paramLabel = "N", description = "hidden units per layer; default ${DEFAULT-VALUE}")
    int hidden;
    @Option(names = "--layers", defaultValue = "1", paramLabel = "N", description = "stacked layers; default ${DEFAULT-VALUE}")
    int layers;
    @Option(names = "--embedding", defaultValue = "64", paramLabel = "N", description = "character embedding size; default ${DEFAULT-VALUE}")
    int embedding;
    @Option(names = "--steps", paramLabel = "N", description = "time steps (characters) per BPTT chunk; default ${DEFAULT-VALUE}")
    int steps = 100;
    @Option(names = "--seq-len", hidden = true, paramLabel = "N", description = OldNames.PREFIX + "--steps")
    void seqLen(int n) {
        steps = n;
    }
    @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "stretches of the text trained together (lanes); default ${DEFAULT-VALUE}")
    int batch;
    @Option(names = "--epochs", paramLabel = "N", description = "at most this many passes over the text")
    Integer epochs;
    @Option(names = "--minutes", paramLabel = "M", description = "training time budget in minutes, fractions allowed (then evaluate and save)")
    Double minutes;
    @Option(names = "--lr", defaultValue = "2e-3", paramLabel = "X", description = "Adam learning rate; default ${DEFAULT-VALUE}")
    double lr;
    @Option(names = "--clip", defaultValue = "1.0", paramLabel = "X", description = "clip gradients to this global norm (0: off); default ${DEFAULT-VALUE}")
    double clip;
    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "seed of the initial weights; default ${DEFAULT-VALUE}")
    long seed;
    @picocli.CommandLine.Mixin
    Threads threads = new Threads();

    @Override
    public Integer call() throws IOException {
        CellKind kind = cell.kind();
        String stepsFlag = OldNames.typed(spec, "--steps");
        if (epochs != null && epochs < 1) throw new IllegalArgumentException("--epochs must be ≥ 1, got " + epochs);
        if (minutes != null && !(minutes > 0 && Double.isFinite(minutes))) throw new IllegalArgumentException("--minutes must be > 0, got " + minutes);
        for (String[] f : new String[][]{{"--hidden", "" + hidden}, {"--layers", "" + layers}, {"--embedding", "" + embedding},
                {stepsFlag, "" + steps}, {"--batch", "" + batch}}) {
            if (Integer.parseInt(f[1]) < 1) throw new IllegalArgumentException(f[0] + " must be ≥ 1, got " + f[1]);
        }
        int replicas = threads.given();      // 0: one per core, at least 4 lanes each
        if (!(lr > 0 && Double.isFinite(lr))) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        if (!(clip >= 0 && Double.isFinite(clip))) throw new IllegalArgumentException("--clip must be ≥ 0, got " + clip);
        Outputs.check("--model", model, text);
        String content = Utf8Text.read(text, "--text");
        if (content.isEmpty()) throw new IllegalArgumentException("--text " + text + " is empty");
        int n = content.codePointCount(0, content.length());
        if (n < 2 * steps || n / 10 < 2) {
            throw new IllegalArgumentException("--text " + text + " has " + n + " characters: too short for " + stepsFlag + " " + steps
                    + " (needs at least " + Math.max(2 * steps, 20) + ")");
        }
        int capEpochs = epochs != null ? epochs : 0;
        double capMinutes = minutes != null ? minutes : epochs == null ? 2 : 0;
        CharTrainOptions o = new CharTrainOptions(kind, hidden, layers, embedding, steps, batch, capEpochs, capMinutes, lr, clip, seed, 0.1, replicas);

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
}
