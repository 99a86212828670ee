package org.gru4j.cli;

import org.gru4j.kernel.Parallel;
import org.gru4j.nn.CellKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

import static org.gru4j.cli.RunCommandTest.Result;
import static org.gru4j.cli.RunCommandTest.examples;
import static org.gru4j.cli.RunCommandTest.gru4j;
import static org.gru4j.cli.RunCommandTest.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One name per meaning (README, "Command-line vocabulary"): every old spelling is a hidden option that sets what the new
 * name sets, --help lists the new names only, both names in one command line are a usage error, an error names the
 * spelling used; one set of cell names with --nonlinearity; --threads 0 is all cores.
 */
class VocabularyTest {
    @TempDir
    Path tmp;

    /** The command a command line selects, parsed but not run. */
    @SuppressWarnings("unchecked")
    static <T> T parsed(String... args) {
        CommandLine.ParseResult pr = new CommandLine(new Main()).parseArgs(args);
        while (pr.subcommand() != null) pr = pr.subcommand();
        return (T) pr.commandSpec().userObject();
    }

    static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** The command line with the new spelling and with the old one set the same value; neither leaves the default. */
    static <T> void same(String[] command, Function<T, Object> value, Object byDefault, String[] now, String[] old) {
        Object a = value.apply(parsed(concat(command, now))), b = value.apply(parsed(concat(command, old)));
        assertEquals(a, b, String.join(" ", old) + " vs " + String.join(" ", now));
        assertFalse(a.equals(byDefault), "the test value differs from the default");
        assertEquals(byDefault, value.apply(parsed(command)), "default of " + now[0]);
    }

    @Test
    void everyOldSpellingSetsWhatTheNewNameSets() {
        String[] run = {"run", "--model", "m.pt", "--input", "x.npy"};
        same(run, (RunCommand c) -> String.valueOf(c.out), "null", new String[]{"--out", "y.npy"}, new String[]{"--output", "y.npy"});
        String[] vad = {"vad", "--model", "m.onnx", "--wav", "a.wav"};
        same(vad, (VadCommand c) -> String.valueOf(c.probs), "null", new String[]{"--out", "p.csv"}, new String[]{"--probs", "p.csv"});
        String[] lm = {"lm", "train", "--text", "t.txt", "--model", "m.safetensors"};
        same(lm, (LmTrainCommand c) -> c.steps, 100, new String[]{"--steps", "7"}, new String[]{"--seq-len", "7"});
        same(lm, (LmTrainCommand c) -> c.steps, 100, new String[]{"--steps=8"}, new String[]{"--seq-len=8"});
        String[] bench = {"bench"};
        same(bench, (BenchCommand c) -> c.inputSize.value, 64, new String[]{"--input-size", "5"}, new String[]{"--input", "5"});
        same(bench, (BenchCommand c) -> c.warmupSeconds, 2.0, new String[]{"--warmup-seconds", "0.5"}, new String[]{"--warmup", "0.5"});
        String[] sessions = {"bench-sessions"};
        same(sessions, (SessionsBenchCommand c) -> c.inputSize.value, 8, new String[]{"--input-size", "3"}, new String[]{"--input", "3"});
        String[] anomaly = {"anomaly", "--csv", "a.csv", "--columns", "v"};
        same(anomaly, (AnomalyCommand c) -> c.window, 30, new String[]{"--baseline-window", "12"}, new String[]{"--window", "12"});
        String[] memory = {"experiment", "long-memory"};
        same(memory, (LongMemoryCommand c) -> String.valueOf(c.batches), "null", new String[]{"--batches", "3"}, new String[]{"--steps", "3"});
        same(memory, (LongMemoryCommand c) -> String.valueOf(c.cells), "null", new String[]{"--cell", "gru,rnn"}, new String[]{"--cells", "gru,rnn"});
        String[] demo = {"demo"};
        same(demo, (DemoCommand c) -> c.minutes, 0.5, new String[]{"--minutes", "0.25"}, new String[]{"--seconds", "15"});
        String[] convert = {"convert", "in.pt"};
        ConvertCommand byFlag = parsed(concat(convert, "--out", "o.gru4j")), byArgument = parsed(concat(convert, "o.gru4j"));
        assertEquals(Path.of("o.gru4j"), byFlag.out);
        assertEquals(Path.of("o.gru4j"), byArgument.outArgument);
    }

    /** The old names, command by command: the ones the README's table lists. */
    static final Map<String, List<String>> OLD = Map.of(
            "gru4j run", List.of("--output"), "gru4j vad", List.of("--probs"), "gru4j lm train", List.of("--seq-len"),
            "gru4j bench", List.of("--input", "--warmup"), "gru4j bench-sessions", List.of("--input"),
            "gru4j anomaly", List.of("--window"), "gru4j experiment long-memory", List.of("--cells", "--steps"),
            "gru4j demo", List.of("--seconds"), "gru4j convert", List.of("OUT"));

    static void commands(CommandLine cl, List<CommandLine> all) {
        all.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) if (!sub.getCommandName().equals("help")) commands(sub, all);
    }

    @Test
    void helpListsTheNewNamesOnlyAndEveryOldNameStandsForOne() {
        List<CommandLine> all = new ArrayList<>();
        commands(new CommandLine(new Main()), all);
        Map<String, List<String>> found = new TreeMap<>();
        for (CommandLine cl : all) {
            CommandSpec spec = cl.getCommandSpec();
            String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
            for (ArgSpec a : spec.args()) {
                if (!a.hidden()) continue;
                String name = a instanceof OptionSpec o ? o.longestName() : a.paramLabel();
                found.computeIfAbsent(spec.qualifiedName(), k -> new ArrayList<>()).add(name);
                if (a instanceof OptionSpec o) {
                    for (String n : o.names()) {
                        assertFalse(Pattern.compile("(?<![\\w-])" + Pattern.quote(n) + "(?![\\w-])").matcher(help).find(),
                                spec.qualifiedName() + " --help shows the old name " + n + ":\n" + help);
                    }
                    String now = OldNames.newName(o);
                    assertTrue(now != null && spec.findOption(now) != null && !spec.findOption(now).hidden(),
                            spec.qualifiedName() + " " + name + " stands for no visible option (" + now + ")");
                    assertTrue(help.contains(now), spec.qualifiedName() + " --help lacks " + now);
                    // a defaultValue would be applied after parsing, over what the old name set: the field's initial value it is
                    assertEquals(null, spec.findOption(now).defaultValue(), spec.qualifiedName() + " " + now + " has a defaultValue");
                }
            }
        }
        Map<String, List<String>> want = new TreeMap<>(OLD);
        for (List<String> v : found.values()) v.sort(null);
        assertEquals(want.keySet(), found.keySet());
        for (String k : want.keySet()) assertEquals(new TreeSet<>(want.get(k)), new TreeSet<>(found.get(k)), k);
        // and the README's table names each of them
        String readme;
        try {
            readme = Files.readString(Path.of("..", "README.md"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        String table = readme.substring(readme.indexOf("### Command-line vocabulary"), readme.indexOf("## `gru4j run`"));
        for (String old : List.of("`run --output`", "`vad --probs`", "`lm train --seq-len`", "`--input`", "`--warmup`", "`--window`",
                "`--steps`", "`experiment long-memory --cells`", "`demo --seconds S`", "`convert IN OUT`")) {
            assertTrue(table.contains(old), "README vocabulary table lacks " + old);
        }
    }

    @Test
    void bothNamesInOneCommandLineAreAUsageError() {
        Result r = gru4j("lm", "train", "--text", "t.txt", "--model", s(tmp.resolve("m.safetensors")), "--steps", "3", "--seq-len", "4");
        assertEquals(2, r.code(), r.err());
        assertEquals("--seq-len is the old name of --steps: give one of them", r.err().lines().findFirst().orElse(""));
        r = gru4j("run", "--model", "m.pt", "--input", "x.npy", "--out", "a.npy", "--output", "b.npy");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("--output is the old name of --out"), r.err());
        // convert: the output once, as --out or as the second argument
        Path pt = examples().resolve("gru.pt");
        r = gru4j("convert", s(pt), s(tmp.resolve("a.gru4j")), "--out", s(tmp.resolve("b.gru4j")));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("--out " + tmp.resolve("b.gru4j") + " and a second argument"), r.err());
        r = gru4j("convert", s(pt));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("Missing required option: '--out=OUT'"), r.err());
        assertFalse(Files.exists(tmp.resolve("a.gru4j")) || Files.exists(tmp.resolve("b.gru4j")));
    }

    @Test
    void anErrorNamesTheSpellingThatWasUsed() {
        String m = s(tmp.resolve("m.safetensors"));
        assertTrue(gru4j("lm", "train", "--text", "t.txt", "--model", m, "--seq-len", "0").err().contains("train: error: --seq-len must be ≥ 1, got 0"));
        assertTrue(gru4j("lm", "train", "--text", "t.txt", "--model", m, "--steps", "0").err().contains("train: error: --steps must be ≥ 1, got 0"));
        assertTrue(gru4j("bench", "--input", "0").err().contains("bench: error: --input must be ≥ 1"));
        assertTrue(gru4j("bench", "--input-size", "0").err().contains("bench: error: --input-size must be ≥ 1"));
        assertTrue(gru4j("bench", "--warmup", "-1").err().contains("bench: error: --warmup must be ≥ 0"));
        assertTrue(gru4j("anomaly", "--csv", "a.csv", "--columns", "v", "--window", "1").err().contains("anomaly: error: --window must be ≥ 2"));
        assertTrue(gru4j("anomaly", "--csv", "a.csv", "--columns", "v", "--baseline-window", "1").err().contains("--baseline-window must be ≥ 2"));
        assertTrue(gru4j("demo", "--seconds", "0").err().contains("demo: error: --seconds must be > 0, got 0.0"));
        assertTrue(gru4j("demo", "--minutes", "0").err().contains("demo: error: --minutes must be > 0, got 0.0"));
        assertTrue(gru4j("experiment", "long-memory", "--cell", "tcn").err().contains("long-memory: error: --cell: unknown cell 'tcn'"));
    }

    @Test
    void runWritesTheSameFilesUnderEitherName() throws Exception {
        Path ex = examples();
        for (String flag : List.of("--out", "--output")) {
            Path dir = Files.createDirectories(tmp.resolve(flag.substring(2)));
            Result r = gru4j("run", "--model", s(ex.resolve("gru.pt")), "--input", s(ex.resolve("x.npy")), flag, s(dir.resolve("y.npy")),
                    "--hn", s(dir.resolve("hn.npy")));
            assertEquals(0, r.code(), r.err());
            assertEquals("", r.out());
        }
        for (String f : List.of("y.npy", "hn.npy")) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("output").resolve(f)), Files.readAllBytes(tmp.resolve("out").resolve(f)), f);
        }
    }

    @Test
    void convertWritesTheSameFileFromEitherSpelling() throws Exception {
        Path pt = examples().resolve("gru.pt"), out = tmp.resolve("g.gru4j");
        Result positional = gru4j("convert", s(pt), s(out));
        assertEquals(0, positional.code(), positional.err());
        byte[] first = Files.readAllBytes(out);
        Files.delete(out);
        Result flag = gru4j("convert", s(pt), "--out", s(out));
        assertEquals(0, flag.code(), flag.err());
        assertEquals(positional.out(), flag.out());
        assertArrayEquals(first, Files.readAllBytes(out));
        // an output onto the input is refused naming the spelling used
        assertTrue(gru4j("convert", s(out), "--out", s(out)).err().contains("--out " + out + " is the input"));
        assertTrue(gru4j("convert", s(out), s(out)).err().contains("OUT " + out + " is the input"));
    }

    @Test
    void vadWritesTheSameProbabilitiesUnderEitherName() throws Exception {
        Path a = tmp.resolve("a.csv"), b = tmp.resolve("b.csv");
        Path wav = VadCommandTest.DIGITS.resolve("allison-one.wav");
        Result old = gru4j("vad", "--model", s(VadCommandTest.MODEL), "--wav", s(wav), "--probs", s(a));
        Result now = gru4j("vad", "--model", s(VadCommandTest.MODEL), "--wav", s(wav), "--out", s(b));
        assertEquals(0, old.code(), old.err());
        assertEquals(0, now.code(), now.err());
        assertEquals(old.out().lines().findFirst(), now.out().lines().findFirst());
        assertEquals(Files.readString(a), Files.readString(b));
        assertTrue(Files.readString(a).startsWith("chunk,start_s,prob\n"));
    }

    @Test
    void lmTrainStepsIsSeqLen() throws Exception {
        Path text = Files.writeString(tmp.resolve("t.txt"), "abcabd".repeat(200));
        String[] common = {"lm", "train", "--text", s(text), "--hidden", "8", "--embedding", "4", "--batch", "4", "--epochs", "1",
                "--threads", "1", "-q"};
        Result old = gru4j(concat(common, "--seq-len", "12", "--model", s(tmp.resolve("old.safetensors"))));
        Result now = gru4j(concat(common, "--steps", "12", "--model", s(tmp.resolve("new.safetensors"))));
        assertEquals(0, old.code(), old.err());
        assertEquals(0, now.code(), now.err());
        assertEquals(old.out().lines().reduce((x, y) -> y), now.out().lines().reduce((x, y) -> y));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("old.safetensors")), Files.readAllBytes(tmp.resolve("new.safetensors")));
        assertEquals("", old.err(), "-q: no progress");
    }

    @Test
    void benchAndAnomalyAndLongMemoryTakeEitherName() throws Exception {
        int threads = Parallel.threads();
        try {
            Result old = gru4j("bench", "--mode", "train", "--batch", "2", "--steps", "3", "--input", "5", "--hidden", "7", "--seconds", "0.02", "--warmup", "0");
            Result now = gru4j("bench", "--mode", "train", "--batch", "2", "--steps", "3", "--input-size", "5", "--hidden", "7", "--seconds", "0.02",
                    "--warmup-seconds", "0");
            assertEquals(0, old.code(), old.err());
            assertEquals(old.out().lines().findFirst(), now.out().lines().findFirst());
            assertTrue(now.out().startsWith("case: gru train I=5 H=7 B=2 T=3"), now.out());
        } finally {
            Parallel.setThreads(threads);
        }

        StringBuilder csv = new StringBuilder("v\n");
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < 120; i++) csv.append(String.format(java.util.Locale.ROOT, "%.4f%n", Math.sin(i / 5.0) + 0.05 * rnd.nextGaussian()));
        Path data = Files.writeString(tmp.resolve("v.csv"), csv);
        String[] anomaly = {"anomaly", "--csv", s(data), "--columns", "v", "--hidden", "4", "--epochs", "1", "-q"};
        Result old = gru4j(concat(anomaly, "--window", "7"));
        Result now = gru4j(concat(anomaly, "--baseline-window", "7"));
        assertEquals(0, old.code(), old.err());
        assertEquals(old.out(), now.out());
        assertTrue(now.out().contains("rolling z-score (w=7)"), now.out());

        String[] memory = {"experiment", "long-memory", "--tasks", "adding", "--lengths", "5", "--hidden", "4", "--epochs", "1",
                "--batch", "4", "--test", "8", "-q"};
        Result oldMemory = gru4j(concat(memory, "--cells", "gru,rnn", "--steps", "2", "--out", s(tmp.resolve("m1"))));
        Result newMemory = gru4j(concat(memory, "--cell", "gru,rnn", "--batches", "2", "--out", s(tmp.resolve("m2"))));
        assertEquals(0, oldMemory.code(), oldMemory.err());
        assertEquals(oldMemory.out().lines().reduce((x, y) -> y), newMemory.out().lines().reduce((x, y) -> y));
        assertTrue(newMemory.out().contains("1 epochs × 2 steps"), newMemory.out());
    }

    @Test
    void oneSetOfCellNamesWithNonlinearity() {
        Function<String[], CellKind> bench = a -> ((BenchCommand) parsed(concat(new String[]{"bench"}, a))).cell.kind();
        assertEquals(CellKind.GRU, bench.apply(new String[0]));
        assertEquals(CellKind.RNN_TANH, bench.apply(new String[]{"--cell", "RNN"}));
        assertEquals(CellKind.RNN_TANH, bench.apply(new String[]{"--cell", "rnn", "--nonlinearity", "tanh"}));
        assertEquals(CellKind.RNN_RELU, bench.apply(new String[]{"--cell", "rnn", "--nonlinearity", "relu"}));
        assertEquals(CellKind.RNN_RELU, bench.apply(new String[]{"--cell", "rnn_relu"}));
        assertEquals(CellKind.RNN_RELU, bench.apply(new String[]{"--cell", "rnn_relu", "--nonlinearity", "relu"}));
        assertEquals(CellKind.LSTM, bench.apply(new String[]{"--cell", "lstm"}));
        assertEquals("--nonlinearity is for a plain RNN (--cell rnn), not gru",
                assertThrows(IllegalArgumentException.class, () -> bench.apply(new String[]{"--nonlinearity", "relu"})).getMessage());
        assertEquals("--cell rnn_tanh and --nonlinearity relu disagree: give one of them",
                assertThrows(IllegalArgumentException.class, () -> bench.apply(new String[]{"--cell", "rnn_tanh", "--nonlinearity", "relu"})).getMessage());
        assertEquals("--nonlinearity must be tanh or relu, got 'sigmoid'",
                assertThrows(IllegalArgumentException.class, () -> bench.apply(new String[]{"--cell", "rnn", "--nonlinearity", "sigmoid"})).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> bench.apply(new String[]{"--cell", "tcn"})).getMessage()
                .startsWith("--cell: unknown cell 'tcn' (gru, lstm, rnn, rnn_tanh, rnn_relu)"));

        Function<String[], List<CellKind>> memory = a -> ((LongMemoryCommand) parsed(concat(new String[]{"experiment", "long-memory"}, a)))
                .kinds(org.gru4j.apps.LongMemory.CELLS);
        assertEquals(List.of(CellKind.GRU, CellKind.LSTM, CellKind.RNN_TANH), memory.apply(new String[0]));
        assertEquals(List.of(CellKind.GRU, CellKind.LSTM, CellKind.RNN_RELU), memory.apply(new String[]{"--nonlinearity", "relu"}));
        assertEquals(List.of(CellKind.GRU, CellKind.RNN_RELU), memory.apply(new String[]{"--cell", "gru,rnn", "--nonlinearity", "relu"}));
        assertEquals(List.of(CellKind.RNN_TANH, CellKind.RNN_RELU), memory.apply(new String[]{"--cells", "rnn_tanh,rnn_relu"}));
        assertEquals("--nonlinearity is for a plain RNN (--cell rnn), not gru, lstm",
                assertThrows(IllegalArgumentException.class, () -> memory.apply(new String[]{"--cell", "gru,lstm", "--nonlinearity", "relu"})).getMessage());

        // every command that builds a cell takes --nonlinearity, and so does every one that reads a state_dict
        for (String[] c : new String[][]{{"bench"}, {"bench-sessions"}, {"lm", "train"}, {"experiment", "long-memory"}, {"run"},
                {"convert"}, {"inspect"}}) {
            Result help = gru4j(concat(c, "--help"));
            assertTrue(help.out().contains("--nonlinearity=tanh|relu"), String.join(" ", c) + ": " + help.out());
        }
    }

    @Test
    void benchAndSessionsBuildTheReluRnn() {
        int threads = Parallel.threads();
        try {
            Result b = gru4j("bench", "--cell", "rnn", "--nonlinearity", "relu", "--mode", "stream", "--input-size", "3", "--hidden", "5",
                    "--seconds", "0.02", "--warmup-seconds", "0", "--threads", "0");
            assertEquals(0, b.code(), b.err());
            assertTrue(b.out().startsWith("case: rnn_relu stream I=3 H=5 L=1 threads=" + threads), b.out());
        } finally {
            Parallel.setThreads(threads);
        }
        Result s = gru4j("bench-sessions", "--cell", "rnn", "--nonlinearity", "relu", "--keys", "4", "--events", "2000", "--input-size", "3",
                "--hidden", "5");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().startsWith("rnn_relu I=3 H=5 L=1: 4 keys"), s.out());
        assertTrue(s.out().contains("2000 events, 1 threads"), "bench-sessions steps on one thread by default: " + s.out());
    }

    @Test
    void lmTrainTakesTheReluRnnAndTheFileSaysSo() throws Exception {
        Path text = Files.writeString(tmp.resolve("t.txt"), "abcabd".repeat(200));
        String[] common = {"lm", "train", "--text", s(text), "--hidden", "8", "--embedding", "4", "--steps", "12", "--batch", "4",
                "--epochs", "1", "--threads", "1", "-q"};
        Result a = gru4j(concat(common, "--cell", "rnn", "--nonlinearity", "relu", "--model", s(tmp.resolve("a.safetensors"))));
        Result b = gru4j(concat(common, "--cell", "rnn_relu", "--model", s(tmp.resolve("b.safetensors"))));
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().contains("rnn_relu input=4 hidden=8"), a.out());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a.safetensors")), Files.readAllBytes(tmp.resolve("b.safetensors")));
        Result inspect = gru4j("inspect", s(tmp.resolve("a.safetensors")));
        assertTrue(inspect.out().contains("cell:         rnn_relu"), inspect.out());
        Result sample = gru4j("lm", "sample", "--model", s(tmp.resolve("a.safetensors")), "--chars", "12", "--seed", "2");
        assertEquals(0, sample.code(), sample.err());
        assertEquals(12, sample.out().strip().length(), sample.out());
        // the relu model differs from the tanh one trained alike
        assertEquals(0, gru4j(concat(common, "--cell", "rnn", "--model", s(tmp.resolve("c.safetensors")))).code());
        assertFalse(Arrays.equals(Files.readAllBytes(tmp.resolve("a.safetensors")), Files.readAllBytes(tmp.resolve("c.safetensors"))));
    }

    @Test
    void threadsZeroIsAllCores() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(cores, new Threads().count());
        assertEquals(3, new Threads(3).count());
        assertEquals(1, new Threads(1).count());
        Threads bad = new Threads(-1);
        assertEquals("--threads must be ≥ 0 (0: all cores), got -1", assertThrows(IllegalArgumentException.class, bad::count).getMessage());
        // the defaults: all cores for the training and evaluation commands, one stepping thread for bench-sessions
        for (String[] c : new String[][]{{"lm", "train"}, {"speech", "train"}, {"speech", "eval"}, {"speech", "demo-digits"}, {"bench"}, {"forecast"}}) {
            Result help = gru4j(concat(c, "--help"));
            assertTrue(help.out().matches("(?s).*--threads=N +cores to use \\(0: all cores\\); default 0\\b.*"), String.join(" ", c) + ": " + help.out());
        }
        assertTrue(gru4j("bench-sessions", "--help").out().matches("(?s).*--threads=N +cores to use \\(0: all cores\\); default 1\\b.*"));
        assertEquals(1, ((SessionsBenchCommand) parsed("bench-sessions")).threads.count());
        assertEquals(cores, ((SessionsBenchCommand) parsed("bench-sessions", "--threads", "0")).threads.count());
    }

    @Test
    void forecastGivesTheSameResultOnOneThreadAsOnAll() throws Exception {
        StringBuilder csv = new StringBuilder("t,v\n");
        for (int i = 0; i < 80; i++) csv.append(i).append(',').append(String.format(java.util.Locale.ROOT, "%.4f%n", 10 + Math.sin(i / 3.0) + i * 0.05));
        Path data = Files.writeString(tmp.resolve("f.csv"), csv);
        String[] forecast = {"forecast", "--csv", s(data), "--column", "v", "--horizon", "4", "--season", "6", "--epochs", "3", "--seeds", "2",
                "--hidden", "4", "-q"};
        int threads = Parallel.threads();
        try {
            Result one = gru4j(concat(forecast, "--threads", "1"));
            assertEquals(1, Parallel.threads(), "--threads 1: the seeds one after the other");
            Result all = gru4j(concat(forecast, "--threads", "2"));
            assertEquals(0, one.code(), one.err());
            assertEquals(one.out(), all.out());
            assertTrue(one.out().strip().lines().reduce((x, y) -> y).orElseThrow().matches("mase=\\S+ naive_mase=\\S+"), one.out());
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void quietOnEveryCommandThatShowsProgress() {
        for (String[] c : new String[][]{{"speech", "train"}, {"speech", "demo-digits"}, {"forecast"}, {"anomaly"}, {"classify"},
                {"lm", "train"}, {"demo"}, {"experiment", "long-memory"}}) {
            assertTrue(gru4j(concat(c, "--help")).out().contains("-q, --quiet"), String.join(" ", c));
        }
        List<String> shown = new ArrayList<>();
        new ProgressView.Quiet().quiet(true);
        try {
            ProgressView.Quiet.lines(shown::add).accept("step 100 epoch 1 loss 2.0");
        } finally {
            new ProgressView.Quiet();
        }
        ProgressView.Quiet.lines(shown::add).accept("step 200 epoch 2 loss 1.0");
        assertEquals(List.of("step 200 epoch 2 loss 1.0"), shown);
    }
}
