package org.gru4j.cli;

import org.gru4j.io.Npy;
import org.gru4j.onnx.OnnxGraph;
import org.gru4j.onnx.OnnxModel.ValueInfo;
import org.gru4j.onnx.Value;
import org.gru4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code gru4j run --model FILE.onnx}: --input feeds the graph's first input (float32, or int32/int64 when the graph
 * declares an integer tensor, e.g. token ids), in the graph's own layout; --feed NAME=FILE feeds any input by name;
 * an input left over that is named like h0 / initial_h takes --h0, one like c0 / initial_c takes --c0; an initial state
 * left out of the feeds (OnnxGraph.initialStates, whatever its name) is zeros, by OnnxGraph.run. The first output goes to --out, the second to --hn, the third to --cn; --fetch NAME=FILE
 * writes any output by name. Integer outputs are written as float32 when every value is exact in float32.
 */
final class OnnxRun {
    private OnnxRun() {}

    /** TensorProto.DataType values of the integer and bool element types. */
    private static boolean isInteger(int elemType) {
        return elemType >= 2 && elemType <= 7 || elemType == 9 || elemType == 12 || elemType == 13;
    }

    static int run(RunCommand c) throws IOException {
        if (c.batchFirst) throw new IllegalArgumentException("--batch-first does not apply to an ONNX model: X is read in the graph's own layout");
        if (c.prefix != null) throw new IllegalArgumentException("--prefix does not apply to an ONNX model");
        if (c.out == null && c.fetch.isEmpty()) throw new IllegalArgumentException("--out or --fetch is required");
        OnnxGraph g = OnnxGraph.load(c.model);
        String file = c.model.getFileName().toString();
        if (g.inputs.isEmpty()) throw new IllegalArgumentException(file + ": the graph has no inputs");
        for (String name : c.feed.keySet()) {
            if (!g.inputNames().contains(name)) throw new IllegalArgumentException("--feed " + name + ": " + file + " has no such input (inputs: " + g.inputNames() + ")");
        }
        Map<String, Value> feeds = new LinkedHashMap<>();
        ValueInfo xInfo = g.inputs.get(0);
        Value x = null;
        if (c.input != null) {
            if (c.feed.containsKey(xInfo.name())) throw new IllegalArgumentException("--input and --feed " + xInfo.name() + " both feed the first input");
            x = read("--input", c.input, xInfo);
            feeds.put(xInfo.name(), x);
        }
        for (Map.Entry<String, Path> f : c.feed.entrySet()) {
            ValueInfo v = g.inputs.stream().filter(i -> i.name().equals(f.getKey())).findFirst().orElseThrow();
            feeds.put(f.getKey(), read("--feed " + f.getKey(), f.getValue(), v));
        }
        if (x == null) x = feeds.get(xInfo.name());
        if (x == null) throw new IllegalArgumentException("--input (or --feed " + xInfo.name() + ") is required: it feeds " + file + "'s first input");
        boolean usedH0 = false, usedC0 = false;
        for (ValueInfo v : g.inputs) {
            if (feeds.containsKey(v.name())) continue;
            String n = v.name().toLowerCase(Locale.ROOT);
            boolean isH = n.contains("h0") || n.contains("h_0") || n.contains("initial_h");
            boolean isC = n.contains("c0") || n.contains("c_0") || n.contains("initial_c");
            Path flag = isH ? c.h0 : isC ? c.c0 : null;
            if (flag != null) {
                usedH0 |= isH;
                usedC0 |= isC;
                feeds.put(v.name(), read(isH ? "--h0" : "--c0", flag, v));
            } else if (!g.initialStates.contains(v.name())) {
                // an initial state left out is zeros (OnnxGraph.run); anything else must be fed
                throw new IllegalArgumentException(file + ": input '" + v.name() + "' " + (isH || isC
                        ? "is no initial state of a GRU/LSTM/RNN node, so it has no zeros default: pass " + (isH ? "--h0" : "--c0") + " FILE.npy"
                        : "has no flag (feed it with --feed " + v.name() + "=FILE.npy)"));
            }
        }
        if (c.h0 != null && !usedH0) throw new IllegalArgumentException("--h0: " + file + " has no initial-state input left to feed (inputs: " + g.inputNames() + ")");
        if (c.c0 != null && !usedC0) throw new IllegalArgumentException("--c0: " + file + " has no initial cell-state input left to feed (inputs: " + g.inputNames() + ")");
        List<String> names = new ArrayList<>();
        for (ValueInfo o : g.outputs) names.add(o.name());
        for (String name : c.fetch.keySet()) {
            if (!names.contains(name)) throw new IllegalArgumentException("--fetch " + name + ": " + file + " has no such output (outputs: " + names + ")");
        }
        if (c.hn != null && names.size() < 2) throw new IllegalArgumentException("--hn: " + file + " has one output only");
        if (c.cn != null && names.size() < 3) throw new IllegalArgumentException("--cn: " + file + " has no third output (outputs: " + names + ")");
        Map<String, Value> out;
        try {
            out = g.run(feeds);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        Map<Path, Tensor> writes = new LinkedHashMap<>();
        if (c.out != null) writes.put(c.out, tensor(out.get(names.get(0)), names.get(0)));
        if (c.hn != null) writes.put(c.hn, tensor(out.get(names.get(1)), names.get(1)));
        if (c.cn != null) writes.put(c.cn, tensor(out.get(names.get(2)), names.get(2)));
        for (Map.Entry<String, Path> f : c.fetch.entrySet()) writes.put(f.getValue(), tensor(out.get(f.getKey()), f.getKey()));
        RunCommand.writeAll(writes);
        return 0;
    }

    /** A .npy file for a graph input: integer files for integer inputs, float32 (finite) for the others. */
    private static Value read(String flag, Path file, ValueInfo v) throws IOException {
        if (isInteger(v.elemType())) {
            Npy.Ints ints = Npy.readInts(file);
            return Value.ints(ints.shape(), ints.data());
        }
        Tensor t = Npy.read(file);
        RunCommand.requireFinite(flag + " " + file, t, "index");
        return Value.of(t);
    }

    /** An output as float32: floats as they are, integers when float32 holds each exactly (|v| ≤ 2^24). */
    private static Tensor tensor(Value v, String name) {
        if (v.isFloat()) return v.toTensor("output '" + name + "'");
        float[] f = new float[v.size()];
        for (int k = 0; k < f.length; k++) {
            long l = v.ints()[k];
            if (Math.abs(l) > (1 << 24)) throw new IllegalArgumentException("output '" + name + "' holds " + l + ", which float32 .npy cannot hold exactly");
            f[k] = l;
        }
        return new Tensor(v.shape(), f);
    }
}
