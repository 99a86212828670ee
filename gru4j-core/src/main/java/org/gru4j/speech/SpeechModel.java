package org.gru4j.speech;

import org.gru4j.audio.Frontend;
import org.gru4j.audio.FrontendConfig;
import org.gru4j.audio.Resampler;
import org.gru4j.audio.Wav;
import org.gru4j.io.ModelFile;
import org.gru4j.io.ModelFormatException;
import org.gru4j.io.ModelFiles;
import org.gru4j.model.Head;
import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A CTC acoustic model: audio → features (T, F) → normalised → k frames stacked (T/k, k·F) → stacked (bi)GRU →
 * linear head over the alphabet plus blank → per-step logits (T/k, C).
 *
 * <p>Saved as a {@code .gru4j} file (the {@link SequenceModel} under its usual names and metadata, so the generic
 * tools open it) with the speech settings as {@code speech.*} metadata fields.
 */
public final class SpeechModel {
    /** The settings. */
    public final SpeechConfig config;
    /** The network: the recurrent stack and its per-step head. */
    public final SequenceModel net;
    /** The output classes. */
    public final Alphabet alphabet;
    /** Global feature mean and deviation (F), used when {@code !config.utterance()}; zeros/ones until fitted. */
    public final float[] mean, std;
    private final Frontend frontend;

    /**
     * A model of these settings over a network.
     *
     * @param config the settings
     * @param net a features model with a per-step head of the alphabet's classes
     * @throws IllegalArgumentException when the network does not fit the settings
     */
    public SpeechModel(SpeechConfig config, SequenceModel net) {
        if (net.config.recurrent().input() != config.input() || net.config.outputs() != config.alphabet().classes()
                || net.config.head() != Head.PER_STEP || net.config.tokens()) {
            throw new IllegalArgumentException("speech model: the network (" + net.describe() + ") must read "
                    + config.input() + " features per step and give " + config.alphabet().classes() + " outputs per step");
        }
        this.config = config;
        this.net = net;
        this.alphabet = config.alphabet();
        int f = config.frontend().dim();
        mean = new float[f];
        std = new float[f];
        Arrays.fill(std, 1f);
        frontend = new Frontend(config.frontend());
    }

    /**
     * Shares this model's parameters (and copies its feature statistics): for another thread.
     *
     * @return the replica
     */
    public SpeechModel replica() {
        SpeechModel r = new SpeechModel(config, net.replica());
        System.arraycopy(mean, 0, r.mean, 0, mean.length);
        System.arraycopy(std, 0, r.std, 0, std.length);
        return r;
    }

    /**
     * A GRU stack of the given shape over the config's input, with a linear head over the alphabet and blank.
     *
     * @param config the settings
     * @param hidden hidden size H
     * @param layers stacked layers L
     * @param bidirectional whether each layer also runs backwards
     * @return the model
     */
    public static SpeechModel create(SpeechConfig config, int hidden, int layers, boolean bidirectional) {
        RecurrentConfig rc = RecurrentConfig.pytorch(CellKind.GRU, config.input(), hidden, layers, bidirectional, true);
        return new SpeechModel(config, new SequenceModel(new SequenceModelConfig(0, rc, 0, Head.PER_STEP,
                config.alphabet().classes())));
    }

    /**
     * Audio at any rate → mono 16 kHz (or the front end's rate) samples.
     *
     * @param audio the audio
     * @return the samples
     */
    public float[] prepare(Wav.Audio audio) {
        int rate = config.frontend().sampleRate();
        return audio.sampleRate() == rate ? audio.samples() : Resampler.resample(audio.samples(), audio.sampleRate(), rate);
    }

    /**
     * Raw features (T, F) of samples at the front end's rate. One thread at a time (the front end's buffers).
     *
     * @param samples the samples
     * @return the features (T, F)
     */
    public synchronized float[] rawFeatures(float[] samples) {
        return frontend.compute(samples);
    }

    /**
     * Samples → the network's input (T', k·F): features, normalised, stacked.
     *
     * @param samples the samples
     * @return the input (T', k·F)
     */
    public float[] input(float[] samples) {
        float[] f = rawFeatures(samples);
        normalize(f);
        return stack(f, config.frontend().dim(), config.stack());
    }

    /**
     * Normalises raw features (T, F) in place: per utterance, or causally (a running mean with the global prior).
     *
     * @param f the features (T, F)
     */
    public void normalize(float[] f) {
        int d = config.frontend().dim();
        if (config.utterance()) {
            Frontend.normalize(f, d);
        } else {
            double[] sum = new double[d];
            for (int t = 0; t < f.length / d; t++) {
                for (int j = 0; j < d; j++) f[t * d + j] = causal(f[t * d + j], j, t, sum);
            }
        }
    }

    /** Frames of prior weight the global mean has in the running mean. */
    static final int PRIOR_FRAMES = 100;

    /**
     * Causal normalisation of raw feature x of band j at frame t (sum holds Σ of band j over frames before t, and is
     * updated): μ_t = (N₀·μ + Σ_{s≤t} x_s) / (N₀ + t + 1), x̂ = (x − μ_t) / σ with the global μ, σ and N₀ =
     * {@link #PRIOR_FRAMES}: the utterance's own level (gain, channel) is learnt as it is heard.
     */
    float causal(float x, int j, long t, double[] sum) {
        sum[j] += x;
        double mu = (PRIOR_FRAMES * (double) mean[j] + sum[j]) / (PRIOR_FRAMES + t + 1);
        return (float) ((x - mu) / std[j]);
    }

    /**
     * Sets the global mean and deviation from raw training features, each (T_i, F).
     *
     * @param features raw features of the training utterances
     */
    public void fitGlobalStats(List<float[]> features) {
        int d = config.frontend().dim();
        double[] s = new double[d], ss = new double[d];
        long n = 0;
        for (float[] f : features) {
            for (int i = 0; i < f.length; i++) {
                s[i % d] += f[i];
                ss[i % d] += (double) f[i] * f[i];
            }
            n += f.length / d;
        }
        for (int j = 0; j < d; j++) {
            double m = s[j] / Math.max(n, 1);
            mean[j] = (float) m;
            std[j] = (float) Math.sqrt(Math.max(ss[j] / Math.max(n, 1) - m * m, 0) + 1e-5);
        }
    }

    /**
     * Frame stacking: x (T, F) → (⌈T/k⌉, k·F), step s holding frames s·k … s·k + k − 1 (zeros past the end).
     *
     * @param x the frames (T, F)
     * @param f F
     * @param k k
     * @return the steps (⌈T/k⌉, k·F)
     */
    public static float[] stack(float[] x, int f, int k) {
        if (k == 1) return x;
        int t = x.length / f, steps = (t + k - 1) / k;
        float[] out = new float[steps * k * f];
        System.arraycopy(x, 0, out, 0, x.length);
        return out; // row-major (T, F) padded to a multiple of k is already (T/k, k·F)
    }

    /**
     * Steps after stacking for a raw utterance of the given frames.
     *
     * @param frames T
     * @return ⌈T/k⌉
     */
    public int steps(int frames) {
        return (frames + config.stack() - 1) / config.stack();
    }

    /**
     * Logits (T', C) for one utterance's network input (T', I).
     *
     * @param input the input (T', I)
     * @return the logits (T', C)
     */
    public float[] logits(float[] input) {
        int i = config.input(), t = input.length / i;
        SequenceModel.Output o = net.forward(new Tensor(new int[]{t, 1, i}, input));
        return o.logits().data; // (T', 1, C) is (T', C)
    }

    /**
     * Transcribes samples at the front end's rate; beam ≤ 1 is greedy.
     *
     * @param samples the samples
     * @param decoder the decoder
     * @param beam the beam width
     * @return the transcript
     */
    public String transcribe(float[] samples, CtcDecoder decoder, int beam) {
        float[] logits = logits(input(samples));
        int c = alphabet.classes(), t = logits.length / c;
        return beam <= 1 ? decoder.greedy(logits, t, c) : decoder.beamSearch(logits, t, c);
    }

    // ------------------------------------------------------------------------------------------------ the file
    /**
     * Writes the model as a .gru4j file, the speech settings and feature statistics in its metadata.
     *
     * @param file the target
     * @throws IOException when writing fails
     */
    public void save(Path file) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.putAll(config.frontend().fields("speech."));
        meta.put("speech.stack", Integer.toString(config.stack()));
        meta.put("speech.normalization", config.utterance() ? "utterance" : "causal");
        meta.put("speech.symbols", config.symbols());
        meta.put("speech.mean", join(mean));
        meta.put("speech.std", join(std));
        ModelFile.save(file, new ModelFiles.Contents(net, null, meta));
    }

    /**
     * Reads a model {@link #save} wrote (a .gru4j file whose metadata has the speech.* fields).
     *
     * @param file the file
     * @return the model
     * @throws IOException when it cannot be read or is not a speech model
     */
    public static SpeechModel load(Path file) throws IOException {
        ModelFiles.Contents c = ModelFile.load(file);
        Map<String, String> m = c.metadata();
        if (!m.containsKey("speech.stack")) {
            throw new ModelFormatException(file, "no speech.* metadata: not a speech model (train one with `gru4j speech train`)");
        }
        if (!(c.model() instanceof SequenceModel net)) {
            throw new ModelFormatException(file, "a speech model is a sequence model; this file holds a bare recurrent module");
        }
        SpeechConfig sc;
        try {
            FrontendConfig f = FrontendConfig.of(m, "speech.");
            sc = new SpeechConfig(f, integer(m, "speech.stack"), "utterance".equals(m.get("speech.normalization")),
                    m.get("speech.symbols"));
        } catch (RuntimeException e) {
            throw new ModelFormatException(file, "speech metadata: " + e.getMessage());
        }
        SpeechModel s;
        try {
            s = new SpeechModel(sc, net);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, e.getMessage());
        }
        split(file, m.get("speech.mean"), s.mean, "speech.mean");
        split(file, m.get("speech.std"), s.std, "speech.std");
        return s;
    }

    private static int integer(Map<String, String> m, String k) {
        String v = m.get(k);
        if (v == null) throw new IllegalArgumentException("field '" + k + "' is missing");
        return Integer.parseInt(v);
    }

    private static String join(float[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ",").append(v[i]);
        return sb.toString();
    }

    private static void split(Path file, String s, float[] out, String name) throws ModelFormatException {
        String[] parts = s == null ? new String[0] : s.split(",");
        if (parts.length != out.length) {
            throw new ModelFormatException(file, "metadata field '" + name + "' holds " + parts.length + " values, expected " + out.length);
        }
        for (int i = 0; i < out.length; i++) out[i] = Float.parseFloat(parts[i]);
    }
}
