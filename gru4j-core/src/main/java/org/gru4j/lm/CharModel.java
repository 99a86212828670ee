package org.gru4j.lm;

import org.gru4j.io.ConfigCodec;
import org.gru4j.io.Json;
import org.gru4j.io.ModelFiles;
import org.gru4j.io.ModelFormat;
import org.gru4j.io.ModelFormatException;
import org.gru4j.io.TorchSafetensors;
import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Adam;
import org.gru4j.train.Batches;
import org.gru4j.train.Clipping;
import org.gru4j.train.CrossEntropy;
import org.gru4j.train.Evaluation;
import org.gru4j.train.Example;
import org.gru4j.train.Init;
import org.gru4j.train.Progress;
import org.gru4j.train.Rng;
import org.gru4j.train.TrainConfig;
import org.gru4j.train.Trainer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * next (truncated BPTT), with Adam and clipping by global norm: org.gru4j.train.Trainer, the lanes split over one
 * network replica per thread.
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
    /** The characters and their ids. */
    public final CharVocabulary vocabulary;
    /** The network: an embedding, the recurrent stack, a per-step head over the vocabulary. */
    public final SequenceModel network;
    /** The BPTT chunk it was trained with; evaluation runs in chunks of this length. */
    public final int seqLen;
    /** Bits per character on the held-out text after training (NaN when not known). */
    public final double validationBpc;

    /**
     * A model of a vocabulary and a network over it.
     *
     * @param vocabulary the characters
     * @param network a token model whose vocabulary and outputs are the vocabulary's size
     * @param seqLen the BPTT chunk it was trained with
     * @param validationBpc its held-out bits per character, or NaN
     * @throws IllegalArgumentException when the network does not fit the vocabulary
     */
    public CharModel(CharVocabulary vocabulary, SequenceModel network, int seqLen, double validationBpc) {
        if (!network.config.tokens() || network.config.vocab() != vocabulary.size() || network.config.outputs() != vocabulary.size()) {
            throw new IllegalArgumentException("network " + network.config.describe() + " does not fit a vocabulary of " + vocabulary.size());
        }
        this.vocabulary = vocabulary;
        this.network = network;
        this.seqLen = seqLen;
        this.validationBpc = validationBpc;
    }

    /**
     * Trains a new model on the text, reporting nothing.
     *
     * @param text the training text
     * @param o how to build and train it
     * @return the model
     */
    public static CharModel train(String text, CharTrainOptions o) {
        return train(text, o, Progress.SILENT);
    }

    /**
     * Trains a new model on the text (see the class comment) and measures it on the held-out part.
     *
     * @param text the training text
     * @param o how to build and train it
     * @param progress where training reports
     * @return the model
     */
    public static CharModel train(String text, CharTrainOptions o, Progress progress) {
        if (text.isEmpty()) throw new IllegalArgumentException("the text is empty");
        CharVocabulary vocab = CharVocabulary.of(text);
        int[] ids = vocab.encode(text, "the text");
        int n = ids.length, nVal = (int) (n * o.heldOut()), nTrain = n - nVal;
        if (n < 2 * o.seqLen() || nVal < 2) {
            throw new IllegalArgumentException("the text has " + n + " characters: too short for seq-len " + o.seqLen()
                    + " (needs at least " + Math.max(2 * o.seqLen(), (int) Math.ceil(2 / o.heldOut())) + ")");
        }
        // B lanes of the nTrain − 1 (input, target) pairs, one contiguous stretch each
        int pairs = nTrain - 1, lanes = Math.min(o.batch(), pairs), len = pairs / lanes;
        // by default a replica per core, each with at least 4 lanes (fewer make its matrix products too thin to pay)
        int threads = o.threads() > 0 ? o.threads() : Math.min(Runtime.getRuntime().availableProcessors(), Math.max(1, lanes / 4));
        SequenceModelConfig cf = SequenceModelConfig.nextToken(o.cell(), vocab.size(), o.embedding(), o.hidden(), o.layers());
        SequenceModel net = new SequenceModel(cf);
        Init.PYTORCH.apply(net, new Rng(o.seed()));
        List<Example> stretches = new ArrayList<>();
        for (int b = 0; b < lanes; b++) stretches.add(pairs(ids, b * len, len));
        TrainConfig tc = TrainConfig.defaults(o.lr()).withEpochs(o.epochs()).withMaxSeconds(o.minutes() * 60).withBatchSize(lanes)
                .withBptt(o.seqLen()).withShuffle(false).withThreads(Math.max(1, Math.min(threads, lanes)))
                .withClipping(o.clip() > 0 ? Clipping.byNorm(o.clip()) : Clipping.NONE).withSeed(o.seed()).withReportEvery(5);
        new Trainer(net, Adam.adam(net.parameterCount()), LOSS, tc, progress).fit(stretches);
        double bpc = bitsPerChar(net, java.util.Arrays.copyOfRange(ids, nTrain, n), o.batch(), o.seqLen());
        return new CharModel(vocab, net, o.seqLen(), bpc);
    }

    private static final CrossEntropy LOSS = new CrossEntropy(CrossEntropy.IGNORE_INDEX);

    /** Pairs from … from+len−1 of the text: input ids[t], target ids[t + 1]. */
    private static Example pairs(int[] ids, int from, int len) {
        float[] x = new float[len], y = new float[len];
        for (int t = 0; t < len; t++) {
            x[t] = ids[from + t];
            y[t] = ids[from + t + 1];
        }
        return new Example(new Tensor(new int[]{len}, x), new Tensor(new int[]{len}, y));
    }

    /**
     * Bits per character of the text after its first character (see the class comment), over at most {@code lanes} stretches.
     *
     * @param text the text
     * @param lanes the most stretches run side by side
     * @return bits per character
     */
    public double bitsPerChar(String text, int lanes) {
        int[] ids = vocabulary.encode(text, "the text");
        if (ids.length < 2) throw new IllegalArgumentException("bits per character need at least 2 characters, got " + ids.length);
        return bitsPerChar(network, ids, lanes, seqLen);
    }

    /** The held-out cross-entropy over S stretches run side by side in chunks with the state carried, in bits. */
    static double bitsPerChar(SequenceModel net, int[] ids, int lanes, int chunk) {
        final int pairs = ids.length - 1, S = Math.min(lanes, Math.max(1, pairs / chunk)), q = pairs / S, r = pairs % S;
        List<Example> stretches = new ArrayList<>();
        for (int b = 0; b < S; b++) stretches.add(pairs(ids, b * q + Math.min(b, r), q + (b < r ? 1 : 0)));
        Evaluation e = Evaluation.of(net, LOSS, Batches.lanes(stretches, net.config, S, chunk, true));
        return e.lossPerRow() / Math.log(2);
    }

    /**
     * A generator that steps this model one character at a time.
     *
     * @param seed the sampling seed
     * @return the sampler
     */
    public CharSampler sampler(long seed) {
        return new CharSampler(this, seed);
    }

    /**
     * The prime followed by {@code chars} sampled characters.
     *
     * @param prime the text to start from
     * @param chars characters to sample
     * @param temperature τ &gt; 0
     * @param seed the sampling seed
     * @return the prime and the sample
     */
    public String sample(String prime, int chars, double temperature, long seed) {
        StringBuilder sb = new StringBuilder(prime);
        sample(prime, chars, temperature, seed, sb::appendCodePoint);
        return sb.toString();
    }

    /**
     * Feeds the prime (an empty prime starts from a newline, or the first character of the vocabulary when it has no
     * newline), then samples {@code chars} characters at the temperature, handing each code point to {@code out} as
     * it is drawn. A prime character outside the vocabulary throws, naming it.
     *
     * @param prime the text to start from
     * @param chars characters to sample
     * @param temperature τ &gt; 0
     * @param seed the sampling seed
     * @param out takes each sampled code point
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

    /**
     * Writes the network's state_dict ({@code embedding.weight}, {@code rnn.weight_ih_l0}, …, {@code head.bias},
     * float32; PyTorch's names for a module with attributes embedding, rnn, head) as a safetensors file whose
     * {@code __metadata__} holds
     * <pre>
     * format "gru4j-char-lm", format_version "1", cell "gru"|"lstm"|"rnn_tanh"|"rnn_relu", hidden, layers, embedding, seq_len,
     * vocab  (a JSON array of one-character strings, in id order), val_bpc (when known)
     * </pre>
     * atomically (a crash leaves the previous file whole), whatever the file's extension.
     *
     * @param file the target
     * @throws IOException when writing fails
     */
    public void save(Path file) throws IOException {
        Map<String, String> own = new LinkedHashMap<>();
        own.put("format", ConfigCodec.CHAR_LM);
        own.put("seq_len", Integer.toString(seqLen));
        own.put("vocab", Json.write(vocabulary.asStrings()));
        if (Double.isFinite(validationBpc)) own.put("val_bpc", Double.toString(validationBpc));
        ModelFiles.formatOr(file, SAFETENSORS).write(file, new ModelFiles.Contents(network, null, own));
    }

    private static final ModelFormat SAFETENSORS = new TorchSafetensors();

    /**
     * A model {@link #save} wrote; any other file is refused, naming it.
     *
     * @param file the file
     * @return the model
     * @throws IOException when it cannot be read or is not a character model
     */
    public static CharModel load(Path file) throws IOException {
        ModelFiles.Contents c = ModelFiles.formatOr(file, SAFETENSORS).read(file, ModelFiles.Options.NONE);
        Map<String, String> meta = c.metadata();
        if (!ConfigCodec.CHAR_LM.equals(meta.get("format")) || !(c.model() instanceof SequenceModel net)) {
            throw new ModelFormatException(file, "not a gru4j character model (it holds " + c.model().describe()
                    + ", without the \"format\": \"" + ConfigCodec.CHAR_LM + "\" metadata of one)");
        }
        CharVocabulary vocab;
        try {
            @SuppressWarnings("unchecked") List<String> chars = (List<String>) Json.parse(meta.get("vocab"));   // checked by ConfigCodec
            vocab = CharVocabulary.of(chars);
        } catch (Json.ParseException | IllegalArgumentException e) {
            throw new ModelFormatException(file, "metadata 'vocab': " + e.getMessage());
        }
        String seqLen = meta.get("seq_len"), bpc = meta.get("val_bpc");
        int len;
        try {
            len = Integer.parseInt(seqLen);
            if (len < 1) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw new ModelFormatException(file, "metadata 'seq_len' is not a positive integer: \"" + seqLen + "\"");
        }
        try {
            return new CharModel(vocab, net, len, bpc == null ? Double.NaN : Double.parseDouble(bpc));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, e.getMessage());
        }
    }
}
