package org.gru4j.onnx.vad;

import org.gru4j.audio.Resampler;
import org.gru4j.audio.Wav;
import org.gru4j.onnx.OnnxGraph;
import org.gru4j.onnx.OnnxModel.ValueInfo;
import org.gru4j.onnx.Value;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A Silero VAD ONNX model run chunk by chunk the way the silero-vad Python wrapper (OnnxWrapper) runs it.
 *
 * <ul>
 * <li>Chunks are 512 samples at 16 kHz, 256 at 8 kHz; the audio is zero-padded to a whole number of chunks.</li>
 * <li>Models with a {@code state} input (v5, v6, the opset-15 16 kHz, half and if-less opset-18 exports): each chunk
 *     is preceded by the last 64 samples (32 at 8 kHz) of the previous model input, zeros before the first; the
 *     state (2, 1, 128) is carried from {@code stateN} to {@code state}.</li>
 * <li>v4 ("legacy", inputs {@code h} and {@code c}): the chunk alone; (2, 1, 64) h and c carried from hn and cn.</li>
 * <li>{@code sr} (int64 scalar) is fed when the model has that input; models without it, and those with "16k" in
 *     their file name (as the wrapper decides), take 16 kHz only.</li>
 * </ul>
 * Not thread-safe: one instance holds one stream's state (see {@link #reset}).
 */
public final class SileroVad {
    /** Which interface the file has. */
    public enum Kind {
        /** One {@code state} input (2, 1, 128) and output {@code stateN}: v5, v6 and their exports. */
        STATE,
        /** {@code h} and {@code c} inputs (2, 1, 64) and outputs {@code hn}, {@code cn}: v4. */
        LEGACY_HC
    }

    /** Which interface the model has. */
    public final Kind kind;
    /** Whether the model takes an {@code sr} input (else it runs 16 kHz only). */
    public final boolean takesSampleRate;
    /** False for the 16 kHz-only exports: no sr input, or "16k" in the file name (the Python wrapper's rule). */
    public final boolean runs8k;
    private final OnnxGraph graph;
    private final String inputName, srName;
    private final int stateSize;
    private Value state, h, c;
    private float[] context = new float[0];
    private int lastRate;

    /**
     * Reads a Silero VAD model and finds its interface.
     *
     * @param model the .onnx file
     * @throws IOException when it cannot be read or is not a Silero VAD model
     */
    public SileroVad(Path model) throws IOException {
        this.graph = OnnxGraph.load(model);
        Map<String, ValueInfo> in = new HashMap<>();
        for (ValueInfo v : graph.inputs) in.put(v.name(), v);
        String file = model.getFileName().toString();
        if (!in.containsKey("input")) throw notVad(file);
        if (in.containsKey("state")) kind = Kind.STATE;
        else if (in.containsKey("h") && in.containsKey("c")) kind = Kind.LEGACY_HC;
        else throw notVad(file);
        inputName = "input";
        takesSampleRate = in.containsKey("sr");
        srName = takesSampleRate ? "sr" : null;
        runs8k = takesSampleRate && !file.contains("16k");
        int expected = (kind == Kind.STATE ? 2 : 3) + (takesSampleRate ? 1 : 0);
        if (graph.inputs.size() != expected) throw notVad(file);
        stateSize = kind == Kind.STATE ? 128 : 64;
        reset();
    }

    private IllegalArgumentException notVad(String file) {
        return new IllegalArgumentException(file + " is not a Silero VAD model: its inputs are " + graph.inputNames()
                + " (expected input, state[, sr] or input, h, c[, sr])");
    }

    /**
     * Chunk length the wrapper uses at this rate: 512 at 16 kHz, 256 at 8 kHz.
     *
     * @param rate 8000 or 16000
     * @return the chunk length
     */
    public static int window(int rate) {
        return rate == 16000 ? 512 : 256;
    }

    /**
     * Samples of the previous input prepended to each chunk (models with a state input): 64 at 16 kHz, 32 at 8 kHz.
     *
     * @param rate the sample rate
     * @return the context length, 0 without a state input
     */
    public int contextSize(int rate) {
        return kind == Kind.STATE ? (rate == 16000 ? 64 : 32) : 0;
    }

    /** Zero state and context: a new stream. */
    public void reset() {
        int[] s = {2, 1, stateSize};
        state = h = c = Value.floats(s, new float[2 * stateSize]);
        context = new float[0];
        lastRate = 0;
    }

    /**
     * The speech probability of one chunk of {@link #window} samples, carrying state and context.
     *
     * @param chunk the samples
     * @param rate their rate
     * @return the probability
     * @throws IOException when the model fails
     */
    public float step(float[] chunk, int rate) throws IOException {
        if (rate != 8000 && rate != 16000) throw new IllegalArgumentException("Silero VAD runs at 8000 or 16000 Hz, not " + rate);
        if (!runs8k && rate != 16000) throw new IllegalArgumentException("this Silero VAD model runs at 16000 Hz only");
        if (chunk.length != window(rate)) throw new IllegalArgumentException("a chunk at " + rate + " Hz has " + window(rate) + " samples, got " + chunk.length);
        if (lastRate != 0 && lastRate != rate) reset();
        int ctx = contextSize(rate);
        if (context.length != ctx) context = new float[ctx];
        float[] x = new float[ctx + chunk.length];
        System.arraycopy(context, 0, x, 0, ctx);
        System.arraycopy(chunk, 0, x, ctx, chunk.length);
        Map<String, Value> feeds = new HashMap<>();
        feeds.put(inputName, Value.floats(new int[]{1, x.length}, x));
        if (srName != null) feeds.put(srName, Value.ints(new int[0], new long[]{rate}));
        if (kind == Kind.STATE) feeds.put("state", state);
        else {
            feeds.put("h", h);
            feeds.put("c", c);
        }
        Map<String, Value> out = graph.run(feeds);
        Value[] o = out.values().toArray(new Value[0]);
        if (kind == Kind.STATE) state = o[1];
        else {
            h = o[1];
            c = o[2];
        }
        context = Arrays.copyOfRange(x, x.length - ctx, x.length);
        lastRate = rate;
        return o[0].floats()[0];
    }

    /**
     * Audio at a rate this model runs: 8 and 16 kHz as they are (8 kHz resampled to 16 kHz for a model without an
     * sr input), any other rate resampled to 16 kHz by {@link Resampler} (a Kaiser-windowed sinc; the Python
     * wrapper instead keeps every k-th sample of a multiple of 16 kHz and refuses other rates). For a 16 kHz-only model
 * 8 kHz audio is resampled too.
     *
     * @param a the audio
     * @return it at a rate the model runs
     */
    public Wav.Audio prepare(Wav.Audio a) {
        int r = a.sampleRate();
        if (r == 16000 || (r == 8000 && runs8k)) return a;
        return new Wav.Audio(Resampler.resample(a.samples(), r, 16000), 16000);
    }

    /**
     * Per-chunk probabilities and the model time of each chunk, in nanoseconds.
     *
     * @param probs the speech probability of each chunk
     * @param nanos the model time of each chunk
     * @param window samples per chunk
     * @param rate the sample rate
     */
    public record Probabilities(float[] probs, long[] nanos, int window, int rate) {}

    /**
     * Runs a whole recording from a fresh state: the wrapper's audio loop (the last chunk zero-padded).
     *
     * @param audio the samples
     * @param rate their rate
     * @return each chunk's probability and time
     * @throws IOException when the model fails
     */
    public Probabilities run(float[] audio, int rate) throws IOException {
        reset();
        int w = window(rate), n = (audio.length + w - 1) / w;
        float[] p = new float[n];
        long[] t = new long[n];
        for (int k = 0; k < n; k++) {
            float[] chunk = Arrays.copyOfRange(audio, k * w, Math.min(audio.length, (k + 1) * w));
            if (chunk.length < w) chunk = Arrays.copyOf(chunk, w);
            long t0 = System.nanoTime();
            p[k] = step(chunk, rate);
            t[k] = System.nanoTime() - t0;
        }
        return new Probabilities(p, t, w, rate);
    }
}
