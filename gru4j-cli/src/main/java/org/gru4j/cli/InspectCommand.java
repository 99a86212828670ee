package org.gru4j.cli;

import org.gru4j.io.ModelFiles;
import org.gru4j.io.ModelFormat;
import org.gru4j.io.TorchPt;
import org.gru4j.onnx.OnnxFormat;
import org.gru4j.io.Safetensors;
import org.gru4j.io.TorchPickle;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.onnx.OnnxModel;
import org.gru4j.onnx.OnnxReader;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code gru4j inspect FILE}: what a model file holds. The architecture (cell, input, hidden, layers, directions,
 * bias, reset placement and update convention, embedding and head), every tensor's name and shape, and the parameter
 * count; for ONNX also the graph's inputs and outputs and how many of each operator it has. A file that is no model
 * gru4j can rebuild still has its tensors (or graph) listed, with the reason. Last line:
 * {@code parameters=N tensors=K}.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model file's architecture, tensors (name and shape) and parameter count; for ONNX also its inputs, outputs and operators.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "model: .pt, .pth, .safetensors, .gru4j or .onnx")
    Path file;
    @picocli.CommandLine.Mixin
    Nonlinearity nonlinearity = new Nonlinearity();
    @Option(names = "--prefix", paramLabel = "KEY", description = "key prefix of the recurrent module in a state_dict holding several")
    String prefix;

    @Override
    public Integer call() throws IOException {
        ModelFormat f = ModelFiles.format(file);
        PrintStream o = System.out;
        ModelFiles.Contents model = null;
        String why = null;
        boolean relu = nonlinearity.relu();
        try {
            model = ModelFiles.read(file, new ModelFiles.Options(prefix, relu));
        } catch (IOException | IllegalArgumentException e) {
            if (e instanceof java.nio.file.NoSuchFileException) throw e;
            why = Main.message(e);
        }
        long count = 0;
        int tensors = 0;
        if (f instanceof OnnxFormat) {
            OnnxModel m = OnnxReader.read(file);
            o.println("file:         " + file + " (ONNX, IR " + m.irVersion() + ", opset " + m.opset() + ", graph '" + m.graph().name() + "')");
            List<String> inits = new ArrayList<>();
            for (OnnxModel.TensorProto t : m.graph().initializers()) inits.add(t.name());
            List<String> ins = new ArrayList<>();
            for (OnnxModel.ValueInfo v : m.graph().inputs()) if (!inits.contains(v.name())) ins.add(v.name() + " " + v.dims());
            o.println("inputs:       " + String.join(", ", ins));
            List<String> outs = new ArrayList<>();
            for (OnnxModel.ValueInfo v : m.graph().outputs()) outs.add(v.name() + " " + v.dims());
            o.println("outputs:      " + String.join(", ", outs));
            Map<String, Integer> ops = new TreeMap<>();
            for (OnnxModel.Node n : m.graph().nodes()) ops.merge(n.opType(), 1, Integer::sum);
            List<String> opList = new ArrayList<>();
            ops.forEach((k, v) -> opList.add(k + "×" + v));
            o.println("operators:    " + m.graph().nodes().size() + " nodes: " + String.join(" ", opList));
            architecture(o, model, why);
            o.println("initializers:");
            int width = 0;
            for (OnnxModel.TensorProto t : m.graph().initializers()) width = Math.max(width, t.name().length());
            for (OnnxModel.TensorProto t : m.graph().initializers()) {
                long n = 1;
                for (long d : t.dims()) n *= d;
                o.println("  " + pad(t.name(), width) + "  " + Arrays.toString(t.dims()));
                count += n;
                tensors++;
            }
        } else {
            Map<String, Tensor> all;
            if (f instanceof TorchPt) {
                all = TorchPickle.read(file);
                o.println("file:         " + file + " (" + f.label() + ")");
            } else {
                Safetensors.Contents st = Safetensors.read(file);
                all = st.tensors();
                String version = st.metadata().get("format_version");
                o.println("file:         " + file + " (" + f.label() + (version != null ? ", format_version " + version : "") + ")");
            }
            architecture(o, model, why);
            o.println("tensors:");
            int width = 0;
            for (String name : all.keySet()) width = Math.max(width, name.length());
            for (Map.Entry<String, Tensor> e : all.entrySet()) {
                o.println("  " + pad(e.getKey(), width) + "  " + e.getValue().shapeString());
                count += e.getValue().size();
                tensors++;
            }
        }
        if (model != null) {
            count = model.model().parameterCount();
            tensors = model.model().parameters().size();
        }
        o.println("parameters=" + count + " tensors=" + tensors);
        return 0;
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    private static void architecture(PrintStream o, ModelFiles.Contents c, String why) {
        if (c == null) {
            o.println("architecture: not a model gru4j rebuilds (" + why + ")");
            return;
        }
        RecurrentConfig r = c.recurrentConfig();
        o.println("model:        " + (c.recurrent() != null ? "recurrent module" : "sequence model"));
        if (c.sequence() != null && c.sequence().config.tokens()) {
            o.println("embedding:    " + c.sequence().config.vocab() + " tokens × " + r.input());
        }
        o.println("cell:         " + r.cell().id());
        o.println("input:        " + r.input());
        o.println("hidden:       " + r.hidden());
        o.println("layers:       " + r.layers());
        o.println("directions:   " + r.directions());
        o.println("bias:         " + r.bias());
        if (r.cell() == CellKind.GRU) {
            o.println("reset:        " + (r.resetAfter() ? "after the recurrent product (PyTorch, ONNX linear_before_reset=1)"
                    : "before the recurrent product (Chung et al. 2014, ONNX linear_before_reset=0)"));
            o.println("update:       " + (r.zKeepsState() ? "h' = (1 − z) ⊙ n + z ⊙ h (PyTorch, ONNX)" : "h' = (1 − z) ⊙ h + z ⊙ n"));
        }
        if (c.sequence() != null) {
            SequenceModelConfig s = c.sequence().config;
            o.println("dropout:      " + s.dropout());
            o.println("head:         linear " + r.directions() * r.hidden() + " → " + s.outputs() + ", "
                    + (s.head() == org.gru4j.model.Head.PER_STEP ? "at every step" : "on the last step's states"));
        } else {
            o.println("head:         none");
        }
        Checkpoint t = c.training();
        if (t != null) {
            o.println("training:     step " + t.step() + ", epoch " + t.epoch() + ", optimizer " + t.optimizerName()
                    + " (" + t.optimizer().keySet() + "), best loss " + t.bestLoss());
        }
    }
}
