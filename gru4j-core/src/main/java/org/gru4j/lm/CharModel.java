package org.gru4j.lm;

import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Adam;
import org.gru4j.train.Clipping;
import org.gru4j.train.Init;
import org.gru4j.train.Progress;
import org.gru4j.train.Rng;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.IntConsumer;

/**
 * A character language model: a {@link CharVocabulary} and a {@link SequenceModel#SequenceModel next-token network}
 * (embedding → GRU/LSTM/RNN stack → linear head over the vocabulary).
 * <pre>
 * CharModel lm = CharModel.train(text, CharTrainOptions.defaults().withLimits(0, 2));   // 2 minutes
 * lm.validationBpc;                                  // bits per character on the held-out end of the text
 * lm.sample("Call me ", 200, 0.8, 42);               // 200 characters after the prime
 * lm.save(Path.of("moby.safetensors"));  CharModel.load(Path.of("moby.safetensors"));
 * </pre>
 *
 * <p>Training. The last {@code heldOut} fraction of the text (10%) is held out. The rest, as (input, next character)
 * pairs, is cut into B contiguous stretches of equal length (the remainder, under B characters, is dropped), one per
 * batch lane; each epoch walks the lanes in chunks of {@code seqLen} steps, carrying the state from one chunk to the
 * next (truncated BPTT), with Adam and clipping by global norm ({@link CharTrainer}: the lanes split over one network
 * replica per thread).
 *
 * <p>Bits per character of a text x₀…x_N (what {@link #bitsPerChar} and the validation figure measure):
 * <pre>
 * bpc = − (1/N) Σ_{n=1..N} log₂ p(x_n | x₀…x_{n−1})
 * </pre>
 * computed over S = min(B, max(1, ⌊N/seqLen⌋)) contiguous stretches of the N pairs (lengths differing by at most one)
 * run side by side in chunks of seqLen steps with the state carried, so every character but the first of each stretch
 * is predicted with its stretch's whole history.
 */
public final class CharModel {
    public final CharVocabulary vocabulary;
    public final SequenceModel network;
    /** The BPTT chunk it was trained with; evaluation runs in chunks of this length. */
    public final int seqLen;
    /** Bits per character on the held-out text after training (NaN when not known). */
    public final double validationBpc;

    public CharModel(CharVocabulary vocabulary, SequenceModel network, int seqLen, double validationBpc) {
        if (!network.config.tokens() || network.config.vocab() != vocabulary.size() || network.config.outputs() != vocabulary.size()) {
            throw new IllegalArgumentException("network " + network.config.describe() + " does not fit a vocabulary of " + vocabulary.size());
        }
        this.vocabulary = vocabulary;
        this.network = network;
        this.seqLen = seqLen;
        this.validationBpc = validationBpc;
    }

    public static CharModel train(String text, CharTrainOptions o) {
        return train(text, o, Progress.SILENT);
    }

    /** Trains a new model on the text (see the class comment) and measures it on the held-out part. */
    public static CharModel train(String text, CharTrainOptions o, Progress progress) {
        if (text.isEmpty()) throw new IllegalArgumentException("the text is empty");
        CharVocabulary vocab = CharVocabulary.of(text);
        int[] ids = vocab.encode(text, "the text");
        int n = ids.length, nVal = (int) (n * o.heldOut()), nTrain = n - nVal;
        if (n < 2 * o.seqLen() || nVal < 2) {
            throw new IllegalArgumentException("the text has " + n + " characters: too short for seq-len " + o.seqLen()
                    + " (needs at least " + Math.max(2 * o.seqLen(), (int) Math.ceil(2 / o.heldOut())) + ")");
        }
        // B lanes of the nTrain − 1 (input, target) pairs
        int pairs = nTrain - 1, lanes = Math.min(o.batch(), pairs), len = pairs / lanes;
        // by default a replica per core, each with at least 4 lanes (fewer make its matrix products too thin to pay)
        int threads = o.threads() > 0 ? o.threads() : Math.min(Runtime.getRuntime().availableProcessors(), Math.max(1, lanes / 4));
        SequenceModelConfig cf = SequenceModelConfig.nextToken(o.cell(), vocab.size(), o.embedding(), o.hidden(), o.layers());
        SequenceModel[] replicas = new SequenceModel[Math.max(1, Math.min(threads, lanes))];
        for (int r = 0; r < replicas.length; r++) replicas[r] = new SequenceModel(cf);
        SequenceModel net = replicas[0];
        Init.PYTORCH.apply(net, new Rng(o.seed()));
        CharTrainer trainer = new CharTrainer(replicas, lanes, Adam.adam(net.parameterCount()),
                o.clip() > 0 ? Clipping.byNorm(o.clip()) : Clipping.NONE, o.lr());
        long deadline = o.minutes() > 0 ? System.nanoTime() + (long) (o.minutes() * 60e9) : Long.MAX_VALUE;
        trainer.run(java.util.Arrays.copyOf(ids, nTrain), len, o.seqLen(), o.epochs(), deadline, progress);
        int[] val = java.util.Arrays.copyOfRange(ids, nTrain, n);
        double bpc = bitsPerChar(net, val, o.batch(), o.seqLen());
        return new CharModel(vocab, net, o.seqLen(), bpc);
    }

    /** Bits per character of the text after its first character (see the class comment), over at most {@code lanes} stretches. */
    public double bitsPerChar(String text, int lanes) {
        int[] ids = vocabulary.encode(text, "the text");
        if (ids.length < 2) throw new IllegalArgumentException("bits per character need at least 2 characters, got " + ids.length);
        return bitsPerChar(network, ids, lanes, seqLen);
    }

    static double bitsPerChar(SequenceModel net, int[] ids, int lanes, int chunk) {
        final int pairs = ids.length - 1, S = Math.min(lanes, Math.max(1, pairs / chunk)), q = pairs / S, r = pairs % S;
        final int longest = q + (r > 0 ? 1 : 0), V = net.config.outputs();
        int[] start = new int[S], len = new int[S];
        for (int b = 0; b < S; b++) {
            start[b] = b * q + Math.min(b, r);
            len[b] = q + (b < r ? 1 : 0);
        }
        double nats = 0;
        Tensor h = null, c = null;
        for (int t0 = 0; t0 < longest; t0 += chunk) {
            final int T = Math.min(chunk, longest - t0);
            Tensor x = Tensor.zeros(T, S);           // x is (T,S) ids; a finished lane reads id 0, and is not scored
            int[] target = new int[T * S];
            java.util.Arrays.fill(target, -1);
            for (int t = 0; t < T; t++) {
                for (int b = 0; b < S; b++) {
                    if (t0 + t >= len[b]) continue;
                    x.data[t * S + b] = ids[start[b] + t0 + t];
                    target[t * S + b] = ids[start[b] + t0 + t + 1];
                }
            }
            SequenceModel.Output out = net.forward(x, null, h, c, null);
            float[] z = out.logits().data;           // (T,S,V)
            for (int row = 0; row < T * S; row++) {
                if (target[row] < 0) continue;
                // −log p(y) = log Σ_v exp(z_v − m) + m − z_y
                int o = row * V;
                double m = Double.NEGATIVE_INFINITY, s = 0;
                for (int v = 0; v < V; v++) m = Math.max(m, z[o + v]);
                for (int v = 0; v < V; v++) s += Math.exp(z[o + v] - m);
                nats += Math.log(s) + m - z[o + target[row]];
            }
            h = out.hn();
            c = out.cn();
        }
        return nats / pairs / Math.log(2);
    }

    /** A generator that steps this model one character at a time. */
    public CharSampler sampler(long seed) {
        return new CharSampler(this, seed);
    }

    /** The prime followed by {@code chars} sampled characters. */
    public String sample(String prime, int chars, double temperature, long seed) {
        StringBuilder sb = new StringBuilder(prime);
        sample(prime, chars, temperature, seed, sb::appendCodePoint);
        return sb.toString();
    }

    /**
     * Feeds the prime (an empty prime starts from a newline, or the first character of the vocabulary when it has no
     * newline), then samples {@code chars} characters at the temperature, handing each code point to {@code out} as
     * it is drawn. A prime character outside the vocabulary throws, naming it.
     */
    public void sample(String prime, int chars, double temperature, long seed, IntConsumer out) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        if (chars < 0) throw new IllegalArgumentException("chars must be ≥ 0, got " + chars);
        int[] p = prime.isEmpty() ? new int[]{Math.max(0, vocabulary.id('\n'))} : vocabulary.encode(prime, "the prime");
        CharSampler s = sampler(seed);
        for (int id : p) s.feed(id);
        for (int i = 0; i < chars; i++) {
            int id = s.next(temperature);
            out.accept(vocabulary.codePoint(id));
            if (i + 1 < chars) s.feed(id);
        }
    }

    public void save(Path file) throws IOException {
        CharModelFile.write(file, this);
    }

    public static CharModel load(Path file) throws IOException {
        return CharModelFile.read(file);
    }
}
