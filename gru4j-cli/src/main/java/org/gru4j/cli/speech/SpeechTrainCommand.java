package org.gru4j.cli.speech;

import org.gru4j.audio.SpecAugment;
import org.gru4j.cli.ProgressView;
import org.gru4j.cli.Threads;
import org.gru4j.speech.CtcDecoder;
import org.gru4j.speech.ErrorRate;
import org.gru4j.speech.Manifest;
import org.gru4j.speech.SpeechConfig;
import org.gru4j.speech.SpeechModel;
import org.gru4j.speech.SpeechTraining;
import org.gru4j.speech.Utterance;
import org.gru4j.train.Init;
import org.gru4j.train.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gru4j speech train}: a CTC recogniser from a manifest. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a CTC speech recogniser (log-mel → frame stacking → GRU stack → characters + blank).",
                "The audio is read, and the batch shared out over data-parallel replicas, on the --threads cores; "
                        + "a progress line every 100 steps (none with --quiet)."})
final class SpeechTrainCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    ProgressView.Quiet quietOption = new ProgressView.Quiet();
    @Option(names = "--manifest", required = true, paramLabel = "CSV", description = "training manifest: header path,text; paths relative to it")
    Path manifest;
    @Option(names = "--model", required = true, paramLabel = "OUT", description = "where to write the model (.gru4j)")
    Path model;
    @Option(names = "--minutes", defaultValue = "10", paramLabel = "M", description = "training time budget in minutes, fractions allowed; default ${DEFAULT-VALUE}")
    double minutes;
    @Option(names = "--epochs", defaultValue = "1000", paramLabel = "N", description = "at most this many passes; default ${DEFAULT-VALUE}")
    int epochs;
    @Option(names = "--hidden", defaultValue = "128", paramLabel = "H", description = "GRU units per direction; default ${DEFAULT-VALUE}")
    int hidden;
    @Option(names = "--layers", defaultValue = "2", paramLabel = "L", description = "stacked GRU layers; default ${DEFAULT-VALUE}")
    int layers;
    @Option(names = "--bidirectional", description = "bidirectional layers (offline only; without it the model streams)")
    boolean bidirectional;
    @Option(names = "--stack", defaultValue = "3", paramLabel = "K", description = "frames stacked per step (10·K ms); default ${DEFAULT-VALUE}")
    int stack;
    @Option(names = "--mels", defaultValue = "40", paramLabel = "N", description = "log-mel bands (40–80); default ${DEFAULT-VALUE}")
    int mels;
    @Option(names = "--tokens", defaultValue = "chars", paramLabel = "chars", description = "output units: chars (the only kind so far)")
    String tokens;
    @Option(names = "--batch", defaultValue = "16", paramLabel = "B", description = "utterances processed together per step; default ${DEFAULT-VALUE}")
    int batch;
    @Option(names = "--lr", defaultValue = "2e-3", paramLabel = "X", description = "peak Adam learning rate; default ${DEFAULT-VALUE}")
    double lr;
    @Option(names = "--clip", defaultValue = "5", paramLabel = "X", description = "gradient-norm clipping (0: off); default ${DEFAULT-VALUE}")
    double clip;
    @Option(names = "--no-augment", description = "no SpecAugment masking")
    boolean noAugment;
    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "seed; default ${DEFAULT-VALUE}")
    long seed;
    @picocli.CommandLine.Mixin
    Threads threads = new Threads();

    @Override
    public Integer call() throws IOException {
        if (!tokens.equals("chars")) throw new IllegalArgumentException("--tokens: only 'chars' is implemented, got '" + tokens + "'");
        int n = threads.count();
        SpeechModel m = train(Manifest.read(manifest), model, new Settings(hidden, layers, bidirectional, stack, mels,
                new SpeechTraining.Options(minutes, epochs, batch, lr, clip, noAugment ? null : SpecAugment.standard(), seed, n),
                n), System.out::println);
        System.out.println("model=" + model);
        return 0;
    }

    record Settings(int hidden, int layers, boolean bidirectional, int stack, int mels, SpeechTraining.Options options,
                    int threads) {}

    /** Shared by train and demo-digits: loads, trains, reports the training-set error on a sample, saves. */
    static SpeechModel train(Manifest manifest, Path out, Settings s, java.util.function.Consumer<String> log)
            throws IOException {
        if (s.hidden() < 1 || s.layers() < 1 || s.stack() < 1 || s.options().batchSize() < 1) {
            throw new IllegalArgumentException("--hidden, --layers, --stack and --batch must be ≥ 1");
        }
        if (s.mels() < 8 || s.mels() > 128) throw new IllegalArgumentException("--mels must be in 8..128, got " + s.mels());
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) throw new IllegalArgumentException("--model " + out + ": folder " + parent + " does not exist");
        SpeechConfig base = SpeechConfig.standard(s.bidirectional());
        SpeechConfig cfg = new SpeechConfig(base.frontend().withMels(s.mels()), s.stack(), s.bidirectional(), base.symbols());
        SpeechModel m = SpeechModel.create(cfg, s.hidden(), s.layers(), s.bidirectional());
        Init.PYTORCH.apply(m.net, new Rng(s.options().seed()));
        long t0 = System.nanoTime();
        List<Utterance> train = SpeechTraining.load(manifest, m, s.threads());
        double audio = train.stream().mapToDouble(Utterance::seconds).sum();
        log.accept(String.format(Locale.ROOT, "loaded %d utterances (%.1f min of audio) in %.1fs; model %s, %d parameters",
                train.size(), audio / 60, (System.nanoTime() - t0) / 1e9, m.net.describe(), m.net.parameterCount()));
        m.fitGlobalStats(train.stream().map(Utterance::features).toList());
        SpeechTraining.Result r = SpeechTraining.fit(m, train, s.options(), ProgressView.Quiet.lines(log));
        log.accept(String.format(Locale.ROOT, "trained %d steps (%d epochs) in %.0fs: %.0f audio-seconds per second, loss %.4f",
                r.steps(), r.epochs(), r.wallSeconds(), r.audioSeconds() / r.wallSeconds(), r.loss()));
        List<Utterance> sample = train.subList(0, Math.min(train.size(), 200));
        ErrorRate er = SpeechTraining.evaluate(m, sample, new CtcDecoder(m.alphabet, 1, null), 1, null);
        log.accept(String.format(Locale.ROOT, "training-set sample (%d): wer=%.4f cer=%.4f", sample.size(), er.wer(), er.cer()));
        m.save(out);
        return m;
    }
}
