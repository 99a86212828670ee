package org.gru4j.cli.speech;

import org.gru4j.cli.Threads;
import org.gru4j.speech.CtcDecoder;
import org.gru4j.speech.ErrorRate;
import org.gru4j.speech.Manifest;
import org.gru4j.speech.SpeechModel;
import org.gru4j.speech.SpeechTraining;
import org.gru4j.speech.Utterance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gru4j speech eval}: WER and CER over a manifest. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Word and character error rates over a manifest; prints ref/hyp per utterance, ends with wer=<n> cer=<n>.",
                "The audio is read on the --threads cores."})
final class SpeechEvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "M", description = "a model from `gru4j speech train`")
    Path model;
    @Option(names = "--manifest", required = true, paramLabel = "CSV", description = "test manifest (path,text)")
    Path manifest;
    @picocli.CommandLine.Mixin
    Decoding decoding = new Decoding();
    @picocli.CommandLine.Mixin
    Threads threads = new Threads();

    @Override
    public Integer call() throws IOException {
        SpeechModel m = SpeechModel.load(model);
        ErrorRate er = evaluate(m, Manifest.read(manifest), decoding.beam, decoding.wordList(), threads.count(), true);
        System.out.printf(Locale.ROOT, "wer=%.4f cer=%.4f%n", er.wer(), er.cer());
        return 0;
    }

    static ErrorRate evaluate(SpeechModel m, Manifest manifest, int beam, List<String> words, int threads, boolean print)
            throws IOException {
        List<Utterance> test = SpeechTraining.load(manifest, m, threads);
        int k = Decoding.width(beam, words);
        CtcDecoder d = new CtcDecoder(m.alphabet, k, words);
        double audio = test.stream().mapToDouble(Utterance::seconds).sum();
        long t0 = System.nanoTime();
        ErrorRate er = SpeechTraining.evaluate(m, test, d, k, (u, hyp) -> {
            if (print) System.out.println((u.text().equals(hyp) ? "  " : "✗ ") + "ref=" + u.text() + " | hyp=" + hyp + " | " + u.source());
        });
        double wall = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%d utterances, %.1fs of audio decoded in %.1fs (real-time factor %.4f, features excluded)%n",
                test.size(), audio, wall, wall / audio);
        return er;
    }
}
