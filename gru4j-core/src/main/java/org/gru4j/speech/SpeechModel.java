package org.gru4j.speech;

import org.gru4j.audio.Frontend;
import org.gru4j.audio.FrontendConfig;
import org.gru4j.audio.MelScale;
import org.gru4j.audio.Resampler;
import org.gru4j.audio.Wav;
import org.gru4j.io.ModelFile;
import org.gru4j.io.ModelFormatException;
import org.gru4j.io.Safetensors;
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
    public final SpeechConfig config;
    public final SequenceModel net;
    public final Alphabet alphabet;
    /** Global feature mean and deviation (F), used when {@code !config.utterance()}; ones/zeros until fitted. */
    public final float[] mean, std;
    private final Frontend frontend;

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

    /** Shares this model's parameters (and copies its feature statistics): for another thread. */
    public SpeechModel replica() {
        SpeechModel r = new SpeechModel(config, net.replica());
        System.arraycopy(mean, 0, r.mean, 0, mean.length);
        System.arraycopy(std, 0, r.std, 0, std.length);
        return r;
    }

    /** A GRU stack of the given shape over the config's input, with a linear head over the alphabet and blank. */
    public static SpeechModel create(SpeechConfig config, int hidden, int layers, boolean bidirectional) {
        RecurrentConfig rc = RecurrentConfig.pytorch(CellKind.GRU, config.input(), hidden, layers, bidirectional, true);
        return new SpeechModel(config, new SequenceModel(new SequenceModelConfig(0, rc, 0, Head.PER_STEP,
                config.alphabet().classes())));
    }

    /** Audio at any rate → mono 16 kHz (or the front end's rate) samples. */
    public float[] prepare(Wav.Audio audio) {
        int rate = config.frontend().sampleRate();
        return audio.sampleRate() == rate ? audio.samples() : Resampler.resample(audio.samples(), audio.sampleRate(), rate);
    }

    /** Raw features (T, F) of samples at the front end's rate. One thread at a time (the front end's buffers). */
    public synchronized float[] rawFeatures(float[] samples) {
        return frontend.compute(samples);
    }

    /** Samples → the network's input (T', k·F): features, normalised, stacked. */
    public float[] input(float[] samples) {
        float[] f = rawFeatures(samples);
        normalize(f);
        return stack(f, config.frontend().dim(), config.stack());
    }

    /** Normalises raw features (T, F) in place, per utterance or with the global statistics. */
    public void normalize(float[] f) {
        int d = config.frontend().dim();
        if (config.utterance()) {
            Frontend.normalize(f, d);
        } else {
            for (int i = 0; i < f.length; i++) {
                int j = i % d;
                f[i] = (f[i] - mean[j]) / std[j];
            }
        }
    }

    /** Sets the global mean and deviation from raw training features, each (T_i, F). */
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
     */
    public static float[] stack(float[] x, int f, int k) {
        if (k == 1) return x;
        int t = x.length / f, steps = (t + k - 1) / k;
        float[] out = new float[steps * k * f];
        System.arraycopy(x, 0, out, 0, x.length);
        return out; // row-major (T, F) padded to a multiple of k is already (T/k, k·F)
    }

    /** Steps after stacking for a raw utterance of the given frames. */
    public int steps(int frames) {
        return (frames + config.stack() - 1) / config.stack();
    }

    /** Logits (T', C) for one utterance's network input (T', I). */
    public float[] logits(float[] input) {
        int i = config.input(), t = input.length / i;
        SequenceModel.Output o = net.forward(new Tensor(new int[]{t, 1, i}, input));
        return o.logits().data; // (T', 1, C) is (T', C)
    }

    /** Transcribes samples at the front end's rate; beam ≤ 1 is greedy. */
    public String transcribe(float[] samples, CtcDecoder decoder, int beam) {
        float[] logits = logits(input(samples));
        int c = alphabet.classes(), t = logits.length / c;
        return beam <= 1 ? decoder.greedy(logits, t, c) : decoder.beamSearch(logits, t, c);
    }

    // ------------------------------------------------------------------------------------------------ the file
    public void save(Path file) throws IOException {
        Map<String, String> meta = ModelFile.metadata(ModelFile.Contents.of(net), "gru4j");
        FrontendConfig f = config.frontend();
        meta.put("speech.sample_rate", Integer.toString(f.sampleRate()));
        meta.put("speech.window_length", Integer.toString(f.windowLength()));
        meta.put("speech.hop_length", Integer.toString(f.hopLength()));
        meta.put("speech.n_fft", Integer.toString(f.nFft()));
        meta.put("speech.window", f.window().name().toLowerCase(Locale.ROOT));
        meta.put("speech.preemphasis", Double.toString(f.preemphasis()));
        meta.put("speech.n_mels", Integer.toString(f.nMels()));
        meta.put("speech.fmin", Double.toString(f.fmin()));
        meta.put("speech.fmax", Double.toString(f.fmax()));
        meta.put("speech.scale", f.scale().name().toLowerCase(Locale.ROOT));
        meta.put("speech.area_norm", Boolean.toString(f.areaNorm()));
        meta.put("speech.power", Double.toString(f.power()));
        meta.put("speech.n_mfcc", Integer.toString(f.nMfcc()));
        meta.put("speech.log_floor", Double.toString(f.logFloor()));
        meta.put("speech.stack", Integer.toString(config.stack()));
        meta.put("speech.normalization", config.utterance() ? "utterance" : "global");
        meta.put("speech.symbols", config.symbols());
        meta.put("speech.mean", join(mean));
        meta.put("speech.std", join(std));
        Safetensors.write(file, net.stateDict(), meta);
    }

    public static SpeechModel load(Path file) throws IOException {
        Safetensors.Contents st = Safetensors.read(file);
        Map<String, String> m = st.metadata();
        if (!m.containsKey("speech.stack")) {
            throw new ModelFormatException(file, "no speech.* metadata: not a speech model (train one with `gru4j speech train`)");
        }
        ModelFile.Contents c = ModelFile.build(file, m);
        if (c.sequence() == null) {
            throw new ModelFormatException(file, "a speech model is a sequence model; this file holds a bare recurrent module");
        }
        ModelFile.loadChecked(file, c, new LinkedHashMap<>(st.tensors()));
        SpeechConfig sc;
        try {
            FrontendConfig f = new FrontendConfig(integer(m, "speech.sample_rate"), integer(m, "speech.window_length"),
                    integer(m, "speech.hop_length"), integer(m, "speech.n_fft"),
                    FrontendConfig.Window.valueOf(m.get("speech.window").toUpperCase(Locale.ROOT)),
                    Double.parseDouble(m.get("speech.preemphasis")), integer(m, "speech.n_mels"),
                    Double.parseDouble(m.get("speech.fmin")), Double.parseDouble(m.get("speech.fmax")),
                    MelScale.valueOf(m.get("speech.scale").toUpperCase(Locale.ROOT)),
                    Boolean.parseBoolean(m.get("speech.area_norm")), Double.parseDouble(m.get("speech.power")),
                    integer(m, "speech.n_mfcc"), Double.parseDouble(m.get("speech.log_floor")));
            sc = new SpeechConfig(f, integer(m, "speech.stack"), "utterance".equals(m.get("speech.normalization")),
                    m.get("speech.symbols"));
        } catch (RuntimeException e) {
            throw new ModelFormatException(file, "speech metadata: " + e.getMessage());
        }
        SpeechModel s;
        try {
            s = new SpeechModel(sc, c.sequence());
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
