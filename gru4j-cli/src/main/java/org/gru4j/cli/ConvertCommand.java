package org.gru4j.cli;

import org.gru4j.io.ModelFile;
import org.gru4j.io.ModelFiles;
import org.gru4j.io.ModelFormat;
import org.gru4j.io.TorchPt;
import org.gru4j.io.TorchSafetensors;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.RecurrentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code gru4j convert IN --out OUT} (or the older {@code convert IN OUT}): a model from one file format to another, chosen by the extensions (see {@link ModelFiles}).
 * What a format cannot express is converted exactly where that is possible (the GRU update convention, for
 * .safetensors: z' = 1 − z by negating the update gate) and refused otherwise (a reset-before GRU as .safetensors).
 * The output is written atomically. Last line: {@code parameters=N tensors=K}.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        customSynopsis = {"gru4j convert [-hV] [--drop-training] [--nonlinearity=tanh|relu] [--prefix=KEY]",
                "                     IN --out=OUT"},
        description = {"Convert a model between .pt/.pth (read only), .safetensors (PyTorch names), .gru4j and .onnx, by extension.",
                "--out is required. The output is written atomically: a failure leaves no file."})
final class ConvertCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", paramLabel = "IN", description = "model to read: .pt, .pth, .safetensors, .gru4j or .onnx")
    Path in;
    @Option(names = "--out", paramLabel = "OUT", description = "model to write: .safetensors, .gru4j or .onnx")
    Path out;
    /** The older spelling {@code convert IN OUT}. */
    @Parameters(index = "1", arity = "0..1", hidden = true, paramLabel = "OUT", description = "old spelling of --out")
    Path outArgument;
    @picocli.CommandLine.Mixin
    Nonlinearity nonlinearity = new Nonlinearity();
    @Option(names = "--prefix", paramLabel = "KEY", description = "key prefix of the recurrent module in a .pt/.safetensors holding several (e.g. encoder.rnn.)")
    String prefix;
    @Option(names = "--drop-training", description = "leave a .gru4j's training state (optimizer moments, step) out of the output")
    boolean dropTraining;

    @Override
    public Integer call() throws IOException {
        if ((out == null) == (outArgument == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), out == null
                    ? "Missing required option: '--out=OUT'" : "--out " + out + " and a second argument " + outArgument + ": give the output once");
        }
        String outFlag = out != null ? "--out" : "OUT";
        if (out == null) out = outArgument;
        ModelFormat from = ModelFiles.format(in), to = ModelFiles.format(out);
        if (to instanceof TorchPt) to.write(out, null);   // refuses, explaining why
        Outputs.check(outFlag, out, in);
        boolean relu = nonlinearity.relu();
        if (prefix != null && !(from instanceof TorchPt) && !(from instanceof TorchSafetensors)) {
            throw new IllegalArgumentException("--prefix applies to a .pt/.pth/.safetensors state_dict, not to " + in.getFileName());
        }
        ModelFiles.Contents c = ModelFiles.read(in, new ModelFiles.Options(prefix, relu));
        String note = c.unusedNote() == null ? "" : "; left out: " + c.unusedNote();
        if (c.training() != null && (dropTraining || !(to instanceof ModelFile))) {
            if (!dropTraining) note += "; training state left out (only .gru4j holds it)";
            c = c.withoutTraining();
        }
        RecurrentConfig r = c.recurrentConfig();
        if (r.cell() == CellKind.GRU && !r.zKeepsState() && !(to instanceof ModelFile)) {
            note += "; update gate negated to the z-keeps-state convention (exact)";
        }
        to.write(out, c);
        System.out.println("convert: " + in + " (" + from.label() + ") → " + out + " (" + to.label() + "): " + c.model().describe() + note);
        System.out.println("parameters=" + c.model().parameterCount() + " tensors=" + c.model().parameters().size());
        return 0;
    }
}
