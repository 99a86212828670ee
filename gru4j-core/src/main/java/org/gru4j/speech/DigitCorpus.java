package org.gru4j.speech;

import org.gru4j.audio.Resampler;
import org.gru4j.audio.Wav;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * A connected-digits corpus (the TIDIGITS task: strings of one to seven of "zero", "oh", "one" … "nine") spoken by
 * Debian's speech synthesisers, each utterance varied in speaking rate, pitch, gain, background noise and room.
 *
 * <p>Speakers are (engine, voice) pairs: espeak-ng's English accents × its voice variants, flite's voices, festival's
 * voice. The test split's speakers are held out: espeak-ng variants {@link #TEST_VARIANTS} (with every accent), the
 * whole accent {@link #TEST_ACCENT} and flite's {@code rms}, none of which the training split contains.
 *
 * <p>Per utterance: the engine speaks the words at a random rate and pitch; with sox installed, half the
 * utterances get a random room (sox {@code reverb}); a third are read with a pause after each word (commas in the
 * text given to the engine); then (here, in Java) the audio is resampled to 16 kHz, half of the utterances sped up or
 * slowed by 0.88–1.12 (a crude vocal-tract-length change: formants, pitch and tempo scale together), a fifth passed
 * through 8 kHz (the telephone band), padded
 * with 0.05–0.35 s of silence at each end, scaled to a peak of 0.05–0.95, and white noise at an SNR of 15–40 dB is
 * added (a quarter of the utterances are left clean). Engines that are not installed are skipped with a note naming
 * the Debian package; {@link #missing} lists them.
 */
public final class DigitCorpus {
    /** The spoken digit words; "oh" is a zero. */
    public static final List<String> WORDS = List.of("zero", "oh", "one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine");
    static final List<String> ACCENTS = List.of("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan",
            "en-gb-x-gbcwmd", "en-029");
    static final List<String> VARIANTS = List.of("m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5",
            "klatt", "klatt2", "klatt3", "andy", "annie", "david", "linda", "max", "steph", "paul", "quincy", "edward");
    static final List<String> TEST_VARIANTS = List.of("m6", "f4", "klatt3", "steph", "paul");
    static final String TEST_ACCENT = "en-029";
    static final List<String> FLITE = List.of("kal", "kal16", "awb", "rms", "slt");
    static final String FLITE_TEST = "rms";

    /**
     * A synthetic speaker.
     *
     * @param engine the speech synthesiser
     * @param voice its voice
     * @param test whether the speaker is held out for the test set
     */
    public record Speaker(String engine, String voice, boolean test) {
        /**
         * The speaker's name, engine:voice.
         *
         * @return the name
         */
        public String id() {
            return engine + ":" + voice;
        }
    }

    /**
     * One written utterance.
     *
     * @param wav the audio file
     * @param text its transcript
     * @param speaker who says it
     * @param test whether it is in the test set
     * @param seconds its duration
     */
    public record Item(Path wav, String text, Speaker speaker, boolean test, double seconds) {}

    private DigitCorpus() {
    }

    /**
     * Engines not found on PATH, each with the Debian package that provides it.
     *
     * @return the engines and their packages
     */
    public static List<String> missing() {
        List<String> out = new ArrayList<>();
        if (!onPath("espeak-ng")) out.add("espeak-ng (apt-get install espeak-ng)");
        if (!onPath("flite")) out.add("flite (apt-get install flite)");
        if (!onPath("text2wave")) out.add("festival (apt-get install festival festvox-kallpc16k)");
        if (!onPath("sox")) out.add("sox, for room reverberation (apt-get install sox)");
        return out;
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }

    /**
     * Every speaker whose engine is installed.
     *
     * @return the speakers
     */
    public static List<Speaker> speakers() {
        List<Speaker> out = new ArrayList<>();
        if (onPath("espeak-ng")) {
            for (String a : ACCENTS) {
                for (String v : VARIANTS) {
                    out.add(new Speaker("espeak-ng", a + "+" + v, a.equals(TEST_ACCENT) || TEST_VARIANTS.contains(v)));
                }
            }
        }
        if (onPath("flite")) {
            for (String v : FLITE) out.add(new Speaker("flite", v, v.equals(FLITE_TEST)));
        }
        if (onPath("text2wave") && festivalHasKal()) out.add(new Speaker("festival", "kal_diphone", false));
        return out;
    }

    private static boolean festivalHasKal() {
        return Files.isDirectory(Path.of("/usr/share/festival/voices/english/kal_diphone"));
    }

    /**
     * A random digit string of 1–7 words.
     *
     * @param r the generator
     * @return the words, space-separated
     */
    public static String digits(Random r) {
        int n = 1 + r.nextInt(7);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : " ").append(WORDS.get(r.nextInt(WORDS.size())));
        return sb.toString();
    }

    /**
     * Writes {@code trainCount} training and {@code testCount} test utterances under {@code dir}/wav, and
     * {@code dir}/train.csv, {@code dir}/test.csv. Utterance i's randomness depends on (seed, i) alone; {@code threads}
     * run the engines in parallel.
     *
     * @param dir the corpus folder
     * @param trainCount training utterances
     * @param testCount test utterances
     * @param seed the corpus's seed
     * @param threads engines run side by side
     * @param log takes progress lines
     * @return the utterances written
     * @throws IOException when a file cannot be written or an engine fails
     */
    public static List<Item> build(Path dir, int trainCount, int testCount, long seed, int threads, Consumer<String> log)
            throws IOException {
        Path wavDir = dir.resolve("wav");
        List<Item> items;
        Files.createDirectories(wavDir);
        boolean sox = onPath("sox");
        int total = trainCount + testCount;
        // plan every utterance first (speaker, words, speed), so that festival's can be spoken by one process
        List<Plan> plans = plan(trainCount, testCount, seed, wavDir);
        List<Plan> festival = plans.stream().filter(p -> p.speaker().engine().equals("festival")).toList();
        Path festivalDir = festival.isEmpty() ? null : Files.createTempDirectory("gru4j-festival");
        try {
            if (!festival.isEmpty()) {
                log.accept("corpus: festival speaks " + festival.size() + " utterances in one process");
                try {
                    festivalBatch(festival, festivalDir);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("corpus: interrupted");
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
            List<Future<Item>> futures = new ArrayList<>();
            for (Plan p : plans) {
                futures.add(pool.submit(() -> {
                    Path raw = p.speaker().engine().equals("festival") ? festivalDir.resolve(p.out().getFileName()) : null;
                    double seconds = synthesize(p, raw, sox);
                    return new Item(p.out(), p.text(), p.speaker(), p.test(), seconds);
                }));
            }
            items = collect(pool, futures, total, log);
        } finally {
            if (festivalDir != null) {
                try (var fs = Files.list(festivalDir)) {
                    for (Path f : fs.toList()) Files.deleteIfExists(f);
                }
                Files.deleteIfExists(festivalDir);
            }
        }
        List<String[]> trainRows = new ArrayList<>(), testRows = new ArrayList<>();
        for (Item it : items) {
            (it.test() ? testRows : trainRows).add(new String[]{dir.relativize(it.wav()).toString(), it.text()});
        }
        Manifest.write(dir.resolve("train.csv"), trainRows);
        Manifest.write(dir.resolve("test.csv"), testRows);
        return items;
    }

    /**
     * Picks the engine first (espeak-ng 55%, flite 35%, festival 10%: festival is slow and has one voice; weights of
     * missing engines are shared by the rest), then one of its voices, so that espeak-ng's many voices do not drown
     * the others.
     */
    /** Speaker, words and speed of every utterance; utterance i's draws depend on (seed, i) alone. */
    static List<Plan> plan(int trainCount, int testCount, long seed, Path wavDir) throws IOException {
        List<Speaker> all = speakers();
        List<Speaker> train = all.stream().filter(s -> !s.test()).toList();
        List<Speaker> test = all.stream().filter(Speaker::test).toList();
        if (train.isEmpty() || test.isEmpty()) {
            throw new IOException("no speech synthesiser found: install espeak-ng (apt-get install espeak-ng), "
                    + "and for more voices flite, festival festvox-kallpc16k and sox");
        }
        List<Plan> plans = new ArrayList<>();
        for (int i = 0; i < trainCount + testCount; i++) {
            boolean isTest = i >= trainCount;
            // java.util.Random's first draws from neighbouring seeds are nearly equal: mix the seed first
            Random r = new Random(new java.util.SplittableRandom(seed * 1_000_003L + i).nextLong());
            Speaker s = pickSpeaker(isTest ? test : train, r);
            String text = digits(r);
            // a third are read as a list, a pause after each word (the engines pause at commas)
            String spoken = r.nextDouble() < 0.35 ? text.replace(" ", ", ") : text;
            double rate = 0.8 + 0.5 * r.nextDouble();
            Path out = wavDir.resolve(String.format(Locale.ROOT, "%s-%05d.wav", isTest ? "test" : "train", i));
            plans.add(new Plan(s, text, spoken, rate, r, out, isTest));
        }
        return plans;
    }

    /** One planned utterance; r continues the utterance's own random stream (room, gain, noise). */
    record Plan(Speaker speaker, String text, String spoken, double rate, Random r, Path out, boolean test) {}

    private static List<Item> collect(ExecutorService pool, List<Future<Item>> futures, int total,
                                      Consumer<String> log) throws IOException {
        pool.shutdown();
        List<Item> items = new ArrayList<>();
        int done = 0;
        try {
            for (Future<Item> f : futures) {
                items.add(f.get());
                if (++done % 500 == 0) log.accept("corpus: " + done + "/" + total + " utterances");
            }
        } catch (Exception e) {
            pool.shutdownNow();
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw new IOException("corpus: " + c.getMessage(), c);
        }
        return items;
    }

    /** Festival starts slowly (~0.5 s): one process speaks all its utterances, from a generated Scheme script. */
    private static void festivalBatch(List<Plan> plans, Path dir) throws IOException, InterruptedException {
        StringBuilder scm = new StringBuilder("(voice_kal_diphone)\n");
        for (Plan p : plans) {
            scm.append(String.format(Locale.ROOT, "(Parameter.set 'Duration_Stretch %.3f)%n", 1 / p.rate()));
            scm.append("(utt.save.wave (utt.synth (Utterance Text \"").append(p.spoken()).append("\")) \"")
                    .append(dir.resolve(p.out().getFileName()).toString().replace("\\", "/")).append("\" 'riff)\n");
        }
        Path script = dir.resolve("batch.scm");
        Files.writeString(script, scm.toString(), StandardCharsets.UTF_8);
        run(List.of("festival", "-b", script.toString()));
        Files.deleteIfExists(script);
    }

    static Speaker pickSpeaker(List<Speaker> speakers, Random r) {
        String[] engines = {"espeak-ng", "flite", "festival"};
        double[] weight = {0.55, 0.35, 0.10};
        double total = 0;
        for (int i = 0; i < engines.length; i++) {
            final String e = engines[i];
            if (speakers.stream().noneMatch(s -> s.engine().equals(e))) weight[i] = 0;
            total += weight[i];
        }
        double u = r.nextDouble() * total;
        int pick = 0;
        while (pick < engines.length - 1 && (u -= weight[pick]) >= 0) pick++;
        while (weight[pick] == 0) pick = (pick + 1) % engines.length;
        final String e = engines[pick];
        List<Speaker> of = speakers.stream().filter(s -> s.engine().equals(e)).toList();
        return of.get(r.nextInt(of.size()));
    }

    /** Speaks plan p (festival's already spoken into {@code spoken}) into p.out (16 kHz PCM16, varied); returns seconds. */
    static double synthesize(Plan p, Path spoken, boolean sox) throws IOException, InterruptedException {
        Speaker s = p.speaker();
        String text = p.spoken();
        Random r = p.r();
        Path out = p.out();
        double rate = p.rate();
        Path raw = spoken != null ? spoken : Files.createTempFile("gru4j-tts", ".wav");
        Path room = null;
        try {
            switch (s.engine()) {
                case "espeak-ng" -> run(List.of("espeak-ng", "-v", s.voice(), "-s", Integer.toString((int) (165 * rate)),
                        "-p", Integer.toString(20 + r.nextInt(61)), "-w", raw.toString(), text));
                case "flite" -> run(List.of("flite", "-voice", s.voice(), "--setf",
                        String.format(Locale.ROOT, "duration_stretch=%.3f", 1 / rate), "--setf",
                        String.format(Locale.ROOT, "int_f0_target_mean=%d", 80 + r.nextInt(120)), "-t", text, "-o",
                        raw.toString()));
                case "festival" -> {
                    if (!Files.exists(raw)) throw new IOException("festival did not write " + raw);
                }
                default -> throw new IOException("unknown engine " + s.engine());
            }
            Path src = raw;
            if (sox && r.nextBoolean()) {
                room = Files.createTempFile("gru4j-room", ".wav");
                run(List.of("sox", raw.toString(), room.toString(), "reverb", Integer.toString(20 + r.nextInt(60)),
                        "50", Integer.toString(20 + r.nextInt(80)), "100", "0", "0"));
                src = room;
            }
            Wav.Audio a = Wav.read(src);
            float[] x = a.sampleRate() == 16000 ? a.samples() : Resampler.resample(a.samples(), a.sampleRate(), 16000);
            if (r.nextDouble() < 0.5) {
                // another vocal tract: played 0.88–1.12× faster, which scales formants, pitch and tempo together
                // (in steps of 80 Hz: the rates' gcd stays ≥ 80, so the polyphase filter has ≤ 200 phases)
                int from = 80 * (int) Math.round(200 * (0.88 + 0.24 * r.nextDouble()));
                x = Resampler.resample(x, from, 16000);
            }
            if (r.nextDouble() < 0.2) {
                // telephone band: through 8 kHz and back (what 8 kHz recordings sound like to the front end)
                x = Resampler.resample(Resampler.resample(x, 16000, 8000), 8000, 16000);
            }
            float[] y = vary(x, r);
            Wav.writePcm16(out, y, 16000);
            return y.length / 16000.0;
        } finally {
            Files.deleteIfExists(raw);
            if (room != null) Files.deleteIfExists(room);
        }
    }

    /** Silence at both ends, a random peak level and (three times in four) white noise at 15–40 dB SNR. */
    static float[] vary(float[] x, Random r) {
        int lead = (int) (16000 * (0.05 + 0.3 * r.nextDouble())), tail = (int) (16000 * (0.05 + 0.3 * r.nextDouble()));
        float[] y = new float[lead + x.length + tail];
        double peak = 1e-9, power = 0;
        for (float v : x) {
            peak = Math.max(peak, Math.abs(v));
            power += v * v;
        }
        double gain = (0.05 + 0.9 * r.nextDouble()) / peak;
        power = power / Math.max(1, x.length) * gain * gain;
        for (int i = 0; i < x.length; i++) y[lead + i] = (float) (x[i] * gain);
        if (r.nextDouble() < 0.75) {
            double snr = 15 + 25 * r.nextDouble();
            double sigma = Math.sqrt(power / Math.pow(10, snr / 10));
            for (int i = 0; i < y.length; i++) y[i] += (float) (sigma * r.nextGaussian());
        }
        for (int i = 0; i < y.length; i++) y[i] = Math.max(-1f, Math.min(1f, y[i]));
        return y;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        int rc = p.waitFor();
        if (rc != 0) {
            String msg = new String(output, StandardCharsets.UTF_8).strip().replace('\n', ' ');
            throw new IOException(command.get(0) + " failed (exit " + rc + "): " + (msg.length() > 200 ? msg.substring(0, 200) : msg));
        }
    }

    /**
     * Real-voice test utterances from isolated recordings {@code <speaker>-<word>.wav} in {@code dir} (one file per
     * digit word per speaker): digit strings spliced from them with 80–250 ms pauses, written to
     * {@code out}/real and listed in {@code out}/real.csv; the isolated words are included as one-word utterances.
     * Returns how many were written (0 when dir holds no recordings).
     *
     * @param dir the recordings
     * @param out where the utterances go
     * @param strings digit strings to splice
     * @param seed the splicing's seed
     * @return the utterances written
     * @throws IOException when a recording cannot be read or a file written
     */
    public static int realTest(Path dir, Path out, int strings, long seed) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        java.util.Map<String, java.util.Map<String, float[]>> bySpeaker = new java.util.TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".wav") || name.indexOf('-') < 0) continue;
                String speaker = name.substring(0, name.lastIndexOf('-'));
                String word = name.substring(name.lastIndexOf('-') + 1, name.length() - 4);
                if (!WORDS.contains(word)) continue;
                Wav.Audio a = Wav.read(f);
                float[] x = a.sampleRate() == 16000 ? a.samples() : Resampler.resample(a.samples(), a.sampleRate(), 16000);
                bySpeaker.computeIfAbsent(speaker, k -> new java.util.TreeMap<>()).put(word, trim(x));
            }
        }
        Path realDir = out.resolve("real");
        Files.createDirectories(realDir);
        List<String[]> rows = new ArrayList<>();
        Random r = new Random(seed);
        int n = 0;
        for (var e : bySpeaker.entrySet()) {
            List<String> have = new ArrayList<>(e.getValue().keySet());
            Collections.sort(have);
            for (String w : have) {
                Path f = realDir.resolve(e.getKey() + "-" + w + ".wav");
                Wav.writePcm16(f, pad(e.getValue().get(w), r), 16000);
                rows.add(new String[]{out.relativize(f).toString(), w});
                n++;
            }
            for (int i = 0; i < strings; i++) {
                int len = 2 + r.nextInt(6);
                List<String> words = new ArrayList<>();
                List<float[]> parts = new ArrayList<>();
                for (int j = 0; j < len; j++) {
                    String w = have.get(r.nextInt(have.size()));
                    words.add(w);
                    parts.add(e.getValue().get(w));
                    parts.add(new float[(int) (16000 * (0.08 + 0.17 * r.nextDouble()))]);
                }
                int total = 0;
                for (float[] p : parts) total += p.length;
                float[] x = new float[total];
                int at = 0;
                for (float[] p : parts) {
                    System.arraycopy(p, 0, x, at, p.length);
                    at += p.length;
                }
                Path f = realDir.resolve(String.format(Locale.ROOT, "%s-string%03d.wav", e.getKey(), i));
                Wav.writePcm16(f, pad(x, r), 16000);
                rows.add(new String[]{out.relativize(f).toString(), String.join(" ", words)});
                n++;
            }
        }
        Manifest.write(out.resolve("real.csv"), rows);
        return n;
    }

    /** Drops leading and trailing samples below 2% of the peak (the recordings' own silence varies). */
    static float[] trim(float[] x) {
        double peak = 0;
        for (float v : x) peak = Math.max(peak, Math.abs(v));
        int a = 0, b = x.length;
        while (a < b && Math.abs(x[a]) < 0.02 * peak) a++;
        while (b > a && Math.abs(x[b - 1]) < 0.02 * peak) b--;
        a = Math.max(0, a - 320);
        b = Math.min(x.length, b + 320);
        return java.util.Arrays.copyOfRange(x, a, b);
    }

    static float[] pad(float[] x, Random r) {
        int lead = (int) (16000 * (0.1 + 0.2 * r.nextDouble())), tail = (int) (16000 * (0.1 + 0.2 * r.nextDouble()));
        float[] y = new float[lead + x.length + tail];
        System.arraycopy(x, 0, y, lead, x.length);
        return y;
    }
}
