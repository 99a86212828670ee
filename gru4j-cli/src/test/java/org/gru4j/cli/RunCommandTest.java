package org.gru4j.cli;

import org.gru4j.io.Npy;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gru4j run} in-process through {@link Main#execute}: outputs against PyTorch's (examples/ and run-fixtures/,
 * from scripts/make_example.py and scripts/make_io_fixtures.py), and every failure a single line on stderr, exit 1,
 * with no output file written and none left half-written.
 */
public class RunCommandTest {
    static final double TOL = 1e-5;

    @TempDir
    Path tmp;

    public record Result(int code, String out, String err) {}

    public static Result gru4j(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The repository's examples/ directory (tests run in gru4j-cli/). */
    static Path examples() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("examples/gru.pt"))) return d.resolve("examples");
        }
        throw new IllegalStateException("examples/gru.pt not found above " + Path.of("").toAbsolutePath());
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(RunCommandTest.class.getResource("/run-fixtures/" + name).toURI());
    }

    static String s(Path p) {
        return p.toString();
    }

    static double maxAbsDiff(Tensor want, Tensor got) {
        assertArrayEquals(want.shape, got.shape, "shape");
        double worst = 0;
        for (int i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(want.data[i] - got.data[i]));
        return worst;
    }

    static void assertClose(Path want, Path got) throws IOException {
        double d = maxAbsDiff(Npy.read(want), Npy.read(got));
        assertTrue(d <= TOL, got.getFileName() + " differs from " + want.getFileName() + " by " + d);
    }

    static void ok(Result r) {
        assertEquals("", r.err(), "stderr");
        assertEquals(0, r.code(), "exit code");
    }

    /** (A,B,C) → (B,A,C), written to a file. */
    static Path swapped(Path in, Path out) throws IOException {
        Npy.write(out, RunCommand.swapFirstTwo(Npy.read(in)));
        return out;
    }

    @Test
    void bundledExampleMatchesPytorch() throws IOException {
        Path ex = examples(), y = tmp.resolve("y.npy"), hn = tmp.resolve("hn.npy");
        ok(gru4j("run", "--model", s(ex.resolve("gru.pt")), "--input", s(ex.resolve("x.npy")), "--output", s(y), "--hn", s(hn)));
        assertClose(ex.resolve("y_torch.npy"), y);
        assertClose(ex.resolve("hn_torch.npy"), hn);
        assertEquals(List.of(hn, y), files(tmp), "nothing else written");
    }

    @Test
    void aStateDictOfALargerNetworkRunsItsRecurrentModuleAndSaysWhatWasLeftOut() throws IOException {
        Path ex = examples(), y = tmp.resolve("y.npy"), f = tmp.resolve("net.safetensors");
        java.util.Map<String, Tensor> sd = new java.util.LinkedHashMap<>();
        sd.put("emb.weight", Tensor.zeros(10, 8));
        org.gru4j.io.ModelFiles.read(ex.resolve("gru.pt")).model().stateDict().forEach((k, v) -> sd.put("gru." + k, v));
        sd.put("fc.weight", Tensor.zeros(3, 16));
        org.gru4j.io.Safetensors.write(f, sd, java.util.Map.of());
        Result r = gru4j("run", "--model", s(f), "--input", s(ex.resolve("x.npy")), "--output", s(y));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("note: ") && r.err().contains("only the recurrent module runs; 2 tensors outside the recurrent module: "
                + "emb.weight, fc.weight") && r.err().lines().count() == 1, r.err());
        assertClose(ex.resolve("y_torch.npy"), y);
        Result c = gru4j("convert", s(f), s(tmp.resolve("g.gru4j")));
        assertTrue(c.code() == 0 && c.out().contains("left out: 2 tensors outside the recurrent module"), c.out() + c.err());
    }

    @Test
    void batchFirst() throws IOException {
        Path ex = examples(), y = tmp.resolve("y.npy"), hn = tmp.resolve("hn.npy");
        Path xbf = swapped(ex.resolve("x.npy"), tmp.resolve("x_bf.npy"));
        ok(gru4j("run", "--batch-first", "--model", s(ex.resolve("gru.pt")), "--input", s(xbf), "--output", s(y), "--hn", s(hn)));
        assertClose(swapped(ex.resolve("y_torch.npy"), tmp.resolve("y_torch_bf.npy")), y);
        assertClose(ex.resolve("hn_torch.npy"), hn);                      // h_n is (L·D,B,H) either way
    }

    @Test
    void initialState() throws Exception {
        Path ex = examples(), y = tmp.resolve("y.npy"), hn = tmp.resolve("hn.npy");
        ok(gru4j("run", "--model", s(ex.resolve("gru.pt")), "--input", s(ex.resolve("x.npy")), "--h0", s(fixture("example_h0.npy")),
                "--output", s(y), "--hn", s(hn)));
        assertClose(fixture("example_y_h0.npy"), y);
        assertClose(fixture("example_hn_h0.npy"), hn);
        assertTrue(maxAbsDiff(Npy.read(ex.resolve("hn_torch.npy")), Npy.read(hn)) > 1e-3, "h0 made a difference");
    }

    @Test
    void lstmSafetensorsWithCellState() throws Exception {
        Path y = tmp.resolve("y.npy"), hn = tmp.resolve("hn.npy"), cn = tmp.resolve("cn.npy");
        ok(gru4j("run", "--model", s(fixture("lstm.safetensors")), "--input", s(fixture("lstm_x_bf.npy")), "--batch-first",
                "--h0", s(fixture("lstm_h0.npy")), "--c0", s(fixture("lstm_c0.npy")),
                "--output", s(y), "--hn", s(hn), "--cn", s(cn)));
        assertClose(fixture("lstm_y_bf.npy"), y);
        assertClose(fixture("lstm_hn.npy"), hn);
        assertClose(fixture("lstm_cn.npy"), cn);
    }

    @Test
    void moduleInsideACheckpointIsFoundOrChosenByPrefix() throws Exception {
        Path y = tmp.resolve("y.npy"), hn = tmp.resolve("hn.npy");
        for (String[] prefix : new String[][]{{}, {"--prefix", "model.gru."}, {"--prefix", "model.gru"}}) {
            List<String> args = new ArrayList<>(List.of("run", "--model", s(fixture("tagger.pt")), "--input", s(fixture("tagger_x.npy")),
                    "--output", s(y), "--hn", s(hn)));
            args.addAll(List.of(prefix));
            Result r = gru4j(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            // without --prefix the tensors that do not run are named; with it the user has chosen
            assertEquals(prefix.length == 0 ? "note: " + s(fixture("tagger.pt")) + ": only the recurrent module runs; 4 tensors outside the "
                    + "recurrent module: model.embed.weight, model.embed.bias, model.head.weight, model.head.bias (a state_dict does not "
                    + "say how they connect: export the whole model to ONNX to run it whole)\n" : "", r.err().replace(System.lineSeparator(), "\n"));
            assertClose(fixture("tagger_y.npy"), y);
            assertClose(fixture("tagger_hn.npy"), hn);
        }
    }

    @Test
    void prefixChoosesAmongTwoModules() throws Exception {
        Path y = tmp.resolve("y.npy"), hn = tmp.resolve("hn.npy");
        String model = s(fixture("seq2seq.pt")), x = s(fixture("seq2seq_x.npy"));
        ok(gru4j("run", "--model", model, "--input", x, "--prefix", "encoder.", "--output", s(y)));
        assertClose(fixture("seq2seq_encoder_y.npy"), y);
        ok(gru4j("run", "--model", model, "--input", x, "--prefix", "decoder", "--nonlinearity", "relu", "--output", s(y), "--hn", s(hn)));
        assertClose(fixture("seq2seq_decoder_y.npy"), y);
        assertClose(fixture("seq2seq_decoder_hn.npy"), hn);
        ok(gru4j("run", "--model", model, "--input", x, "--prefix", "decoder", "--output", s(y)));
        assertTrue(maxAbsDiff(Npy.read(fixture("seq2seq_decoder_y.npy")), Npy.read(y)) > 1e-3, "tanh is not relu");
    }

    // --------------------------------------------------------------------------------------------- failures

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /**
     * Runs a command that must fail: exit 1, one line "run: error: …" on stderr naming each of {@code words}, and
     * the output directory exactly as it was (an existing Y.npy untouched, nothing new, no temporary files).
     */
    Result fails(Path outDir, List<String> args, String... words) throws IOException {
        List<Path> before = files(outDir);
        List<String> olds = new ArrayList<>();
        for (Path p : before) olds.add(Files.readString(p, StandardCharsets.ISO_8859_1));
        Result r = gru4j(args.toArray(String[]::new));
        System.out.print("refused: " + r.err());
        assertEquals(1, r.code(), "exit code; stderr: " + r.err());
        assertEquals("", r.out(), "stdout");
        assertTrue(r.err().startsWith("run: error: "), r.err());
        assertTrue(r.err().endsWith("\n") && r.err().indexOf('\n') == r.err().length() - 1, "one line: " + r.err());
        for (String w : words) assertTrue(r.err().contains(w), "'" + w + "' not in: " + r.err());
        assertEquals(before, files(outDir), "files in the output directory");
        for (int i = 0; i < before.size(); i++) assertEquals(olds.get(i), Files.readString(before.get(i), StandardCharsets.ISO_8859_1));
        return r;
    }

    List<String> run(Path model, Path input, String... more) {
        List<String> a = new ArrayList<>(List.of("run", "--model", s(model), "--input", s(input),
                "--output", s(tmp.resolve("out/Y.npy")), "--hn", s(tmp.resolve("out/HN.npy"))));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void everyBadInputFailsCleanly() throws Exception {
        Path ex = examples(), gru = ex.resolve("gru.pt"), x = ex.resolve("x.npy"), out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("Y.npy"), "an earlier result");
        Path missing = tmp.resolve("missing.pt");
        fails(out, run(missing, x), s(missing), "no such file");
        fails(out, run(gru, tmp.resolve("nox.npy")), "nox.npy", "no such file");
        fails(out, run(gru, fixture("x_f64.npy")), "x_f64.npy", "float64");
        fails(out, run(gru, fixture("x_2d.npy")), "x_2d.npy", "[20, 8]", "not 3-d");
        fails(out, run(gru, fixture("x_7features.npy")), "x_7features.npy", "7 input features", "takes 8");
        Tensor nan = Npy.read(x);
        nan.data[(2 * nan.dim(1) + 1) * nan.dim(2) + 5] = Float.NaN;   // (t,b,i) = (2,1,5)
        Path xNan = tmp.resolve("x_nan.npy");
        Npy.write(xNan, nan);
        fails(out, run(gru, xNan), "x_nan.npy", "NaN at (t,b,i) = (2,1,5)", "refuses non-finite");
        Tensor inf = Npy.read(fixture("example_h0.npy"));
        inf.data[inf.data.length - 1] = Float.NEGATIVE_INFINITY;
        Path h0Inf = tmp.resolve("h0_inf.npy");
        Npy.write(h0Inf, inf);
        fails(out, run(gru, x, "--h0", s(h0Inf)), "--h0", "h0_inf.npy", "-Infinity");
        fails(out, run(gru, x, "--h0", s(fixture("h0_wrong.npy"))), "--h0", "h0_wrong.npy", "[1, 3, 16]", "[2, 3, 16]");
        fails(out, run(gru, x, "--c0", s(fixture("h0_wrong.npy"))), "--c0", "LSTM");
        fails(out, run(gru, x, "--cn", s(out.resolve("CN.npy"))), "--cn", "LSTM");
        Path h5 = tmp.resolve("model.h5");
        Files.write(h5, new byte[]{1, 2, 3});
        fails(out, run(h5, x), "model.h5", "unknown model format");
        Path onnx = tmp.resolve("model.onnx");
        Files.write(onnx, new byte[]{1, 2, 3});
        fails(out, run(onnx, x), "model.onnx", "not a readable ONNX model");
        fails(out, run(gru, x, "--nonlinearity", "bogus"), "--nonlinearity", "bogus");
        fails(out, run(gru, x, "--prefix", "encoder."), "encoder.", "no recurrent module");
        fails(out, run(fixture("seq2seq.pt"), fixture("seq2seq_x.npy")), "seq2seq.pt", "'decoder.'", "'encoder.'");
        fails(out, run(x, x), "x.npy", "unknown model format");
        Path dirPt = Files.createDirectories(tmp.resolve("dir.pt"));
        fails(out, run(dirPt, x), "dir.pt", "is a directory");
        Path npyAsPt = tmp.resolve("x.pt");
        Files.copy(x, npyAsPt);
        fails(out, run(npyAsPt, x), "x.pt", "not a torch.save file");
        fails(out, run(ex.resolve("y_torch.npy"), x), "unknown model format");
        fails(out, List.of("run", "--model", s(gru), "--input", s(x), "--output", s(out.resolve("Y.npy")), "--hn", s(out.resolve("Y.npy"))),
                "--hn", "different files");
        Path noDir = tmp.resolve("no-such-dir");
        fails(out, List.of("run", "--model", s(gru), "--input", s(x), "--output", s(noDir.resolve("Y.npy"))),
                s(noDir.resolve("Y.npy")), "directory does not exist");
        // a good --output beside a --hn in a missing directory: neither is written
        fails(out, List.of("run", "--model", s(gru), "--input", s(x), "--output", s(out.resolve("Y.npy")), "--hn", s(noDir.resolve("HN.npy"))),
                "HN.npy", "directory does not exist");
        fails(out, List.of("run", "--model", s(gru), "--input", s(x), "--output", s(out)), s(out), "is a directory");
        assertFalse(Files.exists(noDir));
        assertEquals("an earlier result", Files.readString(out.resolve("Y.npy")));
    }

    @Test
    void picklesThatAreNotStateDictsAreRefusedByName() throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Path torch = examples().getParent().resolve("gru4j-core/src/test/resources/io-fixtures/torch");
        Path x = examples().resolve("x.npy");
        fails(out, run(torch.resolve("evil_os_system.pt"), x), "evil_os_system.pt", "refusing global 'posix.system'");
        fails(out, run(torch.resolve("whole_module.pt"), x), "whole_module.pt", "torch.nn.modules.rnn.GRU");
        fails(out, run(torch.resolve("torchscript.pt"), x), "torchscript.pt", "TorchScript");
        fails(out, run(torch.resolve("legacy.pt"), x), "legacy.pt", "legacy");
        fails(out, run(torch.resolve("truncated.pt"), x), "truncated.pt", "corrupt zip");
        assertFalse(Files.exists(Path.of("/tmp/gru4j-pwned")), "a malicious pickle ran");
    }

    @Test
    void helpListsRun() {
        Result r = gru4j("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("run") && r.out().contains("Run a recurrent model"), r.out());
        Result sub = gru4j("run", "--help");
        assertEquals(0, sub.code());
        for (String flag : List.of("--model", "--input", "--out", "--hn", "--h0", "--c0", "--cn", "--batch-first", "--prefix", "--nonlinearity")) {
            assertTrue(sub.out().contains(flag), flag + " in: " + sub.out());
        }
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        Result r = gru4j("run", "--model", "m.pt");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'--input=X.npy'") && r.err().contains("'--out=Y.npy'"), r.err());
    }
}
