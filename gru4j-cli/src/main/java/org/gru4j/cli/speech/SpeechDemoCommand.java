package org.gru4j.cli.speech;

import org.gru4j.audio.SpecAugment;
import org.gru4j.cli.ProgressView;
import org.gru4j.cli.Threads;
import org.gru4j.speech.DigitCorpus;
import org.gru4j.speech.ErrorRate;
import org.gru4j.speech.Manifest;
import org.gru4j.speech.SpeechModel;
import org.gru4j.speech.SpeechTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gru4j speech demo-digits}: synthesise a connected-digits corpus, train, test on held-out voices. */
@Command(name = "demo-digits", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Connected digits (1–7 of zero, oh, one … nine) spoken by Debian's synthesisers (espeak-ng variants,",
                "flite, festival) with rate, pitch, gain, noise and room varied; trains a bidirectional GRU recogniser within",
                "--minutes; writes DIR/model.gru4j, DIR/train.csv, DIR/test.csv; tests on voices held out of training and on",
                "the real recordings in --real. The last line is wer=<held-out synthetic WER> (beam 8 over the digit word list;",
                "the greedy figure is on the line before).",
                "Synthesiser processes, training replicas and the tests run on the --threads cores; --quiet drops the corpus "
                        + "and training progress lines.",
                "Needs espeak-ng (apt-get install espeak-ng); flite, festival festvox-kallpc16k and sox add voices and rooms."})
final class SpeechDemoCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    ProgressView.Quiet quietOption = new ProgressView.Quiet();
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where the corpus and the model go")
    Path out;
    @Option(names = "--minutes", defaultValue = "15", paramLabel = "M", description = "time budget of the whole run (corpus, training, tests) in minutes, fractions allowed; default ${DEFAULT-VALUE}")
    double minutes;
    @Option(names = "--train", defaultValue = "3000", paramLabel = "N", description = "training utterances; default ${DEFAULT-VALUE}")
    int trainCount;
    @Option(names = "--test", defaultValue = "300", paramLabel = "N", description = "held-out-voice test utterances; default ${DEFAULT-VALUE}")
    int testCount;
    @Option(names = "--hidden", defaultValue = "128", paramLabel = "H", description = "GRU units per direction; default ${DEFAULT-VALUE}")
    int hidden;
    @Option(names = "--layers", defaultValue = "2", paramLabel = "L", description = "GRU layers; default ${DEFAULT-VALUE}")
    int layers;
    @Option(names = "--real", defaultValue = "data/speech-digits", paramLabel = "DIR",
            description = "real recordings <speaker>-<word>.wav to test on (skipped when absent); default ${DEFAULT-VALUE}")
    Path real;
    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "seed; default ${DEFAULT-VALUE}")
    long seed;
    @picocli.CommandLine.Mixin
    Threads threadsOption = new Threads();

    @Override
    public Integer call() throws IOException {
        if (!(minutes > 0)) throw new IllegalArgumentException("--minutes must be > 0, got " + minutes);
        if (trainCount < 10 || testCount < 1) throw new IllegalArgumentException("--train must be ≥ 10 and --test ≥ 1");
        int threads = threadsOption.count();
        long t0 = System.nanoTime();
        List<String> missing = DigitCorpus.missing();
        for (String m : missing) System.out.println("note: " + m + " is not installed: fewer voices");
        if (missing.stream().anyMatch(m -> m.startsWith("espeak-ng"))) {
            throw new IllegalArgumentException("espeak-ng is needed for the corpus: apt-get install espeak-ng");
        }
        Files.createDirectories(out);
        List<DigitCorpus.Item> items = DigitCorpus.build(out, trainCount, testCount, seed, threads, ProgressView.Quiet.lines(System.out::println));
        long speakers = items.stream().map(i -> i.speaker().id()).distinct().count();
        long testSpeakers = items.stream().filter(DigitCorpus.Item::test).map(i -> i.speaker().id()).distinct().count();
        double corpusSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "corpus: %d utterances from %d voices (%d held out for test) in %.0fs -> %s%n",
                items.size(), speakers, testSpeakers, corpusSeconds, out);
        // what is left, less a reserve for loading, the tests and saving
        double left = minutes - corpusSeconds / 60;
        double trainMinutes = Math.max(0.2, left * 0.9 - 0.5);
        Path modelFile = out.resolve("model.gru4j");
        SpeechModel m = SpeechTrainCommand.train(Manifest.read(out.resolve("train.csv")), modelFile,
                new SpeechTrainCommand.Settings(hidden, layers, true, 3, 40,
                        new SpeechTraining.Options(trainMinutes, 1000, 16, 2e-3, 5, SpecAugment.standard(), seed, threads), threads),
                System.out::println);
        System.out.println("model=" + modelFile);
        Files.write(out.resolve("words.txt"), DigitCorpus.WORDS);
        int realCount = DigitCorpus.realTest(real, out, 40, seed);
        if (realCount > 0) {
            Manifest rm = Manifest.read(out.resolve("real.csv"));
            ErrorRate r = SpeechEvalCommand.evaluate(m, rm, 1, null, threads, false);
            ErrorRate rw = SpeechEvalCommand.evaluate(m, rm, 8, DigitCorpus.WORDS, threads, false);
            System.out.printf(Locale.ROOT, "real recordings (%s, %d utterances, a speaker never heard in training): greedy wer=%.4f cer=%.4f;"
                    + " beam 8 + digit word list wer=%.4f cer=%.4f%n", real, realCount, r.wer(), r.cer(), rw.wer(), rw.cer());
        } else {
            System.out.println("no real recordings found in " + real + " (see data/speech-digits/SOURCE.md)");
        }
        Manifest tm = Manifest.read(out.resolve("test.csv"));
        ErrorRate er = SpeechEvalCommand.evaluate(m, tm, 1, null, threads, false);
        ErrorRate ew = SpeechEvalCommand.evaluate(m, tm, 8, DigitCorpus.WORDS, threads, false);
        System.out.printf(Locale.ROOT, "held-out synthetic voices: greedy wer=%.4f cer=%.4f; beam 8 + digit word list wer=%.4f cer=%.4f (total %.1f min)%n",
                er.wer(), er.cer(), ew.wer(), ew.cer(), (System.nanoTime() - t0) / 60e9);
        // the recogniser of a digits task decodes with its word list (as TIDIGITS systems use a digit grammar)
        System.out.printf(Locale.ROOT, "wer=%.4f%n", ew.wer());
        return 0;
    }
}
