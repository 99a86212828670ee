package org.gru4j.cli;

import org.gru4j.io.Npy;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Finite;
import org.gru4j.io.ModelFiles;
import org.gru4j.model.SequenceModel;
import org.gru4j.nn.Module;
import org.gru4j.nn.Recurrent;
import org.gru4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code gru4j run}: a recurrent model over a .npy input, as PyTorch's module(x, h0) would. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a recurrent model over an input sequence: an nn.GRU / nn.LSTM / nn.RNN state_dict (.pt, .pth, .safetensors), "
                + "a .gru4j file, or an ONNX graph (whose own input layout applies; --batch-first is for the others).",
                "X is float32 (T,B,I), or (B,T,I) with --batch-first. Y is the last layer's output (T,B,D*H) "
                        + "or (B,T,D*H); HN the final hidden states (L*D,B,H), as PyTorch returns them."})
final class RunCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "model: .pt, .pth (torch.save of a state_dict), .safetensors, .gru4j or .onnx")
    Path model;
    @Option(names = "--input", paramLabel = "X.npy", description = "input sequence, float32 (ONNX: the graph's first input; int32/int64 when it is an integer tensor)")
    Path input;
    @Option(names = "--out", paramLabel = "Y.npy", description = "where to write the outputs (ONNX: the graph's first output)")
    Path out;
    @Option(names = "--output", hidden = true, paramLabel = "Y.npy", description = OldNames.PREFIX + "--out")
    void output(Path y) {
        out = y;
    }
    @Option(names = "--feed", paramLabel = "NAME=FILE.npy", description = "ONNX: feed the graph input NAME from FILE (repeatable)")
    Map<String, Path> feed = new LinkedHashMap<>();
    @Option(names = "--fetch", paramLabel = "NAME=FILE.npy", description = "ONNX: write the graph output NAME to FILE (repeatable)")
    Map<String, Path> fetch = new LinkedHashMap<>();
    @Option(names = "--hn", paramLabel = "HN.npy", description = "where to write the final hidden states")
    Path hn;
    @Option(names = "--h0", paramLabel = "H0.npy", description = "initial hidden states (L*D,B,H); zeros when absent (ONNX: an input that is an initial state, see README)")
    Path h0;
    @Option(names = "--cn", paramLabel = "CN.npy", description = "LSTM: where to write the final cell states")
    Path cn;
    @Option(names = "--c0", paramLabel = "C0.npy", description = "LSTM: initial cell states (L*D,B,H); zeros when absent")
    Path c0;
    @Option(names = "--batch-first", description = "X and Y are (batch, steps, features)")
    boolean batchFirst;
    @picocli.CommandLine.Mixin
    Nonlinearity nonlinearity = new Nonlinearity();
    @Option(names = "--prefix", paramLabel = "KEY", description = "key prefix of the recurrent module when the file holds several (e.g. encoder.rnn.)")
    String prefix;

    @Override
    public Integer call() throws IOException {
        boolean onnx = ModelFiles.format(model) instanceof org.gru4j.onnx.OnnxFormat;
        if (!onnx && (input == null || out == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required options: '--input=X.npy', '--out=Y.npy'");
        }
        if (onnx && out == null && fetch.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--out=Y.npy' (or --fetch NAME=FILE.npy)");
        }
        java.util.List<Object> outs = new java.util.ArrayList<>(java.util.Arrays.asList(OldNames.typed(spec, "--out"), out, "--hn", hn, "--cn", cn));
        fetch.forEach((name, file) -> { outs.add("--fetch " + name); outs.add(file); });
        java.util.List<Path> ins = new java.util.ArrayList<>(java.util.Arrays.asList(model, input, h0, c0));
        ins.addAll(feed.values());
        Outputs.check(outs.toArray(), ins.toArray(new Path[0]));
        if (onnx) return OnnxRun.run(this);
        if (!feed.isEmpty() || !fetch.isEmpty()) throw new IllegalArgumentException("--feed and --fetch are for ONNX models");
        boolean relu = nonlinearity.relu();
        // a sequence model runs its recurrent stack (its rnn.* part)
        ModelFiles.Contents contents = ModelFiles.read(model, new ModelFiles.Options(prefix, relu));
        if (contents.unusedNote() != null && prefix == null) {     // with --prefix the user has chosen among them
            System.err.println("note: " + model + ": only the recurrent module runs; " + contents.unusedNote()
                    + " (a state_dict does not say how they connect: export the whole model to ONNX to run it whole)");
        }
        Module m = contents.model();
        Recurrent rnn = m instanceof SequenceModel s ? s.stack : (Recurrent) m;
        Tensor x = Npy.read(input);
        if (x.rank() != 3) {
            throw new IllegalArgumentException(input + ": shape " + x.shapeString() + " is not 3-d; expected "
                    + (batchFirst ? "(batch, steps, input)" : "(steps, batch, input)"));
        }
        requireFinite(input.toString(), x, batchFirst ? "b,t,i" : "t,b,i");
        if (batchFirst) x = swapFirstTwo(x);
        if (x.dim(2) != rnn.config.input()) {
            throw new IllegalArgumentException(input + ": " + x.dim(2) + " input features, the model takes "
                    + rnn.config.input() + " (" + rnn.config.describe() + ")");
        }
        if (c0 != null && rnn.config.cell() != CellKind.LSTM) throw new IllegalArgumentException("--c0 is only for an LSTM model");
        if (cn != null && rnn.config.cell() != CellKind.LSTM) throw new IllegalArgumentException("--cn is only for an LSTM model");
        int[] state = {rnn.config.layers() * rnn.config.directions(), x.dim(1), rnn.config.hidden()};
        Tensor h0t = h0 == null ? null : readState("--h0", h0, state);
        Tensor c0t = c0 == null ? null : readState("--c0", c0, state);
        Recurrent.Output result;
        try {
            result = rnn.forward(x, null, h0t, c0t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(model.getFileName() + ": " + e.getMessage(), e);
        }
        Tensor y = batchFirst ? swapFirstTwo(result.y()) : result.y();
        Map<Path, Tensor> writes = new LinkedHashMap<>();
        writes.put(out, y);
        if (hn != null) writes.put(hn, result.hn());
        if (cn != null) writes.put(cn, result.cn());
        writeAll(writes);
        return 0;
    }

    /** An initial state (L·D,B,H), its shape checked against the model and the input. */
    private Tensor readState(String flag, Path file, int[] want) throws IOException {
        Tensor s = Npy.read(file);
        if (!Arrays.equals(s.shape, want)) {
            throw new IllegalArgumentException(flag + " " + file + ": shape " + s.shapeString() + ", expected "
                    + Arrays.toString(want) + " (layers·directions, batch, hidden)");
        }
        requireFinite(flag + " " + file, s, "l·D+d,b,j");
        return s;
    }

    /** A NaN or infinity in an input file is refused, naming the file and the position (the file's own axes). */
    static void requireFinite(String what, Tensor t, String axes) {
        int at = Finite.firstNonFinite(t.data);
        if (at >= 0) {
            throw new IllegalArgumentException(what + ": holds " + t.data[at] + " at (" + axes + ") = " + Finite.position(at, t.shape)
                    + "; gru4j run refuses non-finite inputs");
        }
    }

    /**
     * Writes every tensor to a temporary file beside its target first; only when all are written do they replace
     * their targets, so a failure leaves no half-written or partial set of outputs.
     */
    static void writeAll(Map<Path, Tensor> files) throws IOException {
        Map<Path, Path> temps = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, Tensor> f : files.entrySet()) {
                Path dir = f.getKey().toAbsolutePath().getParent();
                if (dir == null || !Files.isDirectory(dir)) throw new IOException(f.getKey() + ": directory does not exist");
                if (Files.isDirectory(f.getKey())) throw new IOException(f.getKey() + ": is a directory, not a file name");
                Path tmp = Files.createTempFile(dir, ".gru4j-", ".npy");
                temps.put(f.getKey(), tmp);
                Npy.write(tmp, f.getValue());
            }
            for (Map.Entry<Path, Path> t : temps.entrySet()) {
                Files.move(t.getValue(), t.getKey(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            for (Path tmp : temps.values()) Files.deleteIfExists(tmp);
        }
    }

    /** (A,B,C) → (B,A,C). */
    static Tensor swapFirstTwo(Tensor t) {
        int a = t.dim(0), b = t.dim(1), c = t.dim(2);
        Tensor o = Tensor.zeros(b, a, c);
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) System.arraycopy(t.data, (i * b + j) * c, o.data, (j * a + i) * c, c);
        }
        return o;
    }
}
