package org.gru4j.cli.speech;

import org.gru4j.audio.Wav;
import org.gru4j.speech.CtcDecoder;
import org.gru4j.speech.SpeechModel;
import org.gru4j.speech.SpeechStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gru4j speech recognize}: one WAV file to text. */
@Command(name = "recognize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Transcribe a WAV file (any rate, channels mixed to mono). The last line is text=<transcript>.",
                "With --stream (unidirectional models) the audio is fed in chunks, state carried, and words are printed as they come."})
final class SpeechRecognizeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "M", description = "a model from `gru4j speech train` (.gru4j)")
    Path model;
    @Option(names = "--wav", required = true, paramLabel = "FILE", description = "the audio")
    Path wav;
    @picocli.CommandLine.Mixin
    Decoding decoding = new Decoding();
    @Option(names = "--stream", description = "decode chunk by chunk with the recurrent state carried (unidirectional model)")
    boolean stream;
    @Option(names = "--chunk-ms", defaultValue = "100", paramLabel = "MS", description = "chunk length for --stream; default ${DEFAULT-VALUE}")
    int chunkMs;

    @Override
    public Integer call() throws IOException {
        SpeechModel m = SpeechModel.load(model);
        float[] x = m.prepare(Wav.read(wav));
        double seconds = x.length / (double) m.config.frontend().sampleRate();
        String text;
        long t0 = System.nanoTime();
        if (stream) {
            if (decoding.beam > 1 || decoding.words != null) throw new IllegalArgumentException("--stream decodes greedily: drop --beam/--words");
            if (chunkMs < 10) throw new IllegalArgumentException("--chunk-ms must be ≥ 10, got " + chunkMs);
            SpeechStream s = new SpeechStream(m);
            int chunk = m.config.frontend().sampleRate() * chunkMs / 1000;
            double worst = 0, sum = 0;
            int chunks = 0;
            java.util.List<Double> times = new java.util.ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (int at = 0; at < x.length; at += chunk) {
                long c0 = System.nanoTime();
                String got = s.accept(Arrays.copyOfRange(x, at, Math.min(x.length, at + chunk)));
                double ms = (System.nanoTime() - c0) / 1e6;
                worst = Math.max(worst, ms);
                times.add(ms);
                sum += ms;
                chunks++;
                if (!got.isEmpty()) {
                    line.append(got);
                    System.out.printf(Locale.ROOT, "%6.2fs  %s%n", (at + chunk) / (double) m.config.frontend().sampleRate(), line.toString().strip());
                }
            }
            s.finish();
            text = s.text();
            java.util.Collections.sort(times);
            System.out.printf(Locale.ROOT, "latency per %d ms chunk: median %.2f ms, mean %.2f ms, max %.2f ms (%d chunks; the first ones include JIT warm-up)%n",
                    chunkMs, times.get(times.size() / 2), sum / chunks, worst, chunks);
        } else {
            List<String> list = decoding.wordList();
            int k = Decoding.width(decoding.beam, list);
            CtcDecoder d = new CtcDecoder(m.alphabet, k, list);
            text = m.transcribe(x, d, k);
            double cold = (System.nanoTime() - t0) / 1e9;
            // a fresh JVM interprets the vector kernels until they are compiled: time a second pass as well
            long t1 = System.nanoTime();
            m.transcribe(x, d, k);
            double warm = (System.nanoTime() - t1) / 1e9;
            System.out.printf(Locale.ROOT, "%.2fs of audio: first pass %.3fs (real-time factor %.4f, includes JIT warm-up), "
                    + "second pass %.3fs (real-time factor %.4f)%n", seconds, cold, cold / seconds, warm, warm / seconds);
        }
        if (stream) {
            double wall = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%.2fs of audio in %.3fs (real-time factor %.4f)%n", seconds, wall, wall / seconds);
        }
        System.out.println("text=" + text);
        return 0;
    }
}
