package org.gru4j.cli;

import org.gru4j.audio.Wav;
import org.gru4j.onnx.vad.SileroVad;
import org.gru4j.onnx.vad.SpeechSegments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gru4j vad}: speech segments of a WAV file by a Silero VAD ONNX model, run in pure Java. */
@Command(name = "vad", mixinStandardHelpOptions = true,
        description = {"Voice activity detection with a Silero VAD ONNX model (v4 with h/c, v5/v6 with state, the opset-15, "
                + "half and if-less opset-18 exports), chunked as the silero-vad Python wrapper does.",
                "Prints one line per speech segment, 'start_s end_s', then 'segments=<n> speech_s=<total> us_per_chunk=<median>'.",
                "Audio: WAV PCM 8/16/24/32-bit or float, channels mixed to mono; 8 and 16 kHz as they are, other rates "
                        + "resampled to 16 kHz (Kaiser-windowed sinc)."})
final class VadCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE.onnx", description = "a Silero VAD ONNX file")
    Path model;
    @Option(names = "--wav", required = true, paramLabel = "AUDIO.wav", description = "the recording")
    Path wav;
    @Option(names = "--out", paramLabel = "OUT.csv", description = "write chunk,start_s,prob for every chunk")
    Path probs;
    @Option(names = "--probs", hidden = true, paramLabel = "OUT.csv", description = OldNames.PREFIX + "--out")
    void probs(Path p) {
        probs = p;
    }
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--threshold", defaultValue = "0.5", description = "speech starts at p ≥ this; ends below it − 0.15 (default ${DEFAULT-VALUE})")
    double threshold;
    @Option(names = "--min-speech-ms", defaultValue = "250", description = "shorter segments are dropped (default ${DEFAULT-VALUE})")
    int minSpeechMs;
    @Option(names = "--min-silence-ms", defaultValue = "100", description = "silence that ends a segment (default ${DEFAULT-VALUE})")
    int minSilenceMs;
    @Option(names = "--speech-pad-ms", defaultValue = "30", description = "padding on each side of a segment (default ${DEFAULT-VALUE})")
    int speechPadMs;

    @Override
    public Integer call() throws IOException {
        if (!(threshold > 0 && threshold < 1)) throw new IllegalArgumentException("--threshold must be in (0, 1), got " + threshold);
        if (minSpeechMs < 0 || minSilenceMs < 0 || speechPadMs < 0) throw new IllegalArgumentException("--min-speech-ms, --min-silence-ms and --speech-pad-ms must be ≥ 0");
        if (probs != null) {
            for (Path in : new Path[]{model, wav}) {
                if (Files.exists(probs) && Files.exists(in) && Files.isSameFile(probs, in)) {
                    throw new IllegalArgumentException(OldNames.typed(spec, "--out") + " " + probs + " is also an input; gru4j vad does not overwrite its inputs");
                }
            }
        }
        SileroVad vad = new SileroVad(model);
        Wav.Audio audio = vad.prepare(Wav.read(wav));
        int rate = audio.sampleRate();
        SileroVad.Probabilities p = vad.run(audio.samples(), rate);
        SpeechSegments.Params params = new SpeechSegments.Params(threshold, Math.max(threshold - 0.15, 0.01), minSpeechMs, minSilenceMs,
                speechPadMs, Double.POSITIVE_INFINITY);
        List<SpeechSegments.Segment> segments = SpeechSegments.find(p.probs(), p.window(), rate, audio.samples().length, params);
        if (probs != null) writeProbs(p, rate);
        PrintStream out = System.out;
        double speech = 0;
        for (SpeechSegments.Segment s : segments) {
            out.printf(Locale.ROOT, "%.3f %.3f%n", s.startSeconds(rate), s.endSeconds(rate));
            speech += s.endSeconds(rate) - s.startSeconds(rate);
        }
        long[] t = p.nanos().clone();
        Arrays.sort(t);
        long median = t.length == 0 ? 0 : t[t.length / 2] / 1000;
        out.printf(Locale.ROOT, "segments=%d speech_s=%.3f us_per_chunk=%d%n", segments.size(), speech, median);
        return 0;
    }

    /** chunk,start_s,prob — written beside the target first, then moved over it. */
    private void writeProbs(SileroVad.Probabilities p, int rate) throws IOException {
        Path dir = probs.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new IOException(probs + ": directory does not exist");
        Path tmp = Files.createTempFile(dir, ".gru4j-", ".csv");
        try {
            StringBuilder b = new StringBuilder("chunk,start_s,prob\n");
            for (int k = 0; k < p.probs().length; k++) {
                b.append(k).append(',').append(String.format(Locale.ROOT, "%.4f", k * (double) p.window() / rate))
                        .append(',').append(String.format(Locale.ROOT, "%.8f", p.probs()[k])).append('\n');
            }
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            Files.move(tmp, probs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
