package org.gru4j.cli;

import org.gru4j.io.Npy;
import org.gru4j.onnx.OnnxGraph;
import org.gru4j.onnx.OnnxModel.ValueInfo;
import org.gru4j.onnx.Value;
import org.gru4j.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code gru4j run --model FILE.onnx}: the graph's first input is X, in the graph's own layout; an input named like
 * h0 / initial_h takes --h0 and one named like c0 / initial_c takes --c0 (zeros when the flag is absent); the first
 * output goes to --output, the second to --hn, the third to --cn.
 */
final class OnnxRun {
    private OnnxRun() {}

    static int run(RunCommand c) throws IOException {
        if (c.batchFirst) throw new IllegalArgumentException("--batch-first does not apply to an ONNX model: X is read in the graph's own layout");
        if (c.prefix != null) throw new IllegalArgumentException("--prefix does not apply to an ONNX model");
        OnnxGraph g = OnnxGraph.load(c.model);
        if (g.inputs.isEmpty()) throw new IllegalArgumentException(c.model.getFileName() + ": the graph has no inputs");
        Tensor x = Npy.read(c.input);
        RunCommand.requireFinite(c.input.toString(), x, "index");
        Map<String, Value> feeds = new LinkedHashMap<>();
        ValueInfo xInfo = g.inputs.get(0);
        feeds.put(xInfo.name(), Value.of(x));
        boolean usedH0 = false, usedC0 = false;
        for (ValueInfo v : g.inputs.subList(1, g.inputs.size())) {
            String n = v.name().toLowerCase(Locale.ROOT);
            boolean isH = n.contains("h0") || n.contains("h_0") || n.contains("initial_h");
            boolean isC = n.contains("c0") || n.contains("c_0") || n.contains("initial_c");
            Path flag = isH ? c.h0 : isC ? c.c0 : null;
            if (!isH && !isC) {
                throw new IllegalArgumentException(c.model.getFileName() + ": input '" + v.name() + "' has no flag (gru4j run feeds X, h0 and c0)");
            }
            usedH0 |= isH && flag != null;
            usedC0 |= isC && flag != null;
            Tensor state = flag != null ? Npy.read(flag) : null;
            if (state != null) RunCommand.requireFinite((isH ? "--h0 " : "--c0 ") + flag, state, "index");
            feeds.put(v.name(), state != null ? Value.of(state) : zeros(v, xInfo, x, c.model));
        }
        if (c.h0 != null && !usedH0) throw new IllegalArgumentException("--h0: " + c.model.getFileName() + " has no initial-state input (inputs: " + g.inputNames() + ")");
        if (c.c0 != null && !usedC0) throw new IllegalArgumentException("--c0: " + c.model.getFileName() + " has no initial cell-state input (inputs: " + g.inputNames() + ")");
        Map<String, Value> out;
        try {
            out = g.run(feeds);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(c.model.getFileName() + ": " + e.getMessage(), e);
        }
        Iterator<Value> it = out.values().iterator();
        Map<Path, Tensor> writes = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(out.keySet());
        writes.put(c.output, tensor(it.next(), names.get(0)));
        if (c.hn != null) {
            if (!it.hasNext()) throw new IllegalArgumentException("--hn: " + c.model.getFileName() + " has one output only");
            writes.put(c.hn, tensor(it.next(), names.get(1)));
        }
        if (c.cn != null) {
            if (out.size() < 3) throw new IllegalArgumentException("--cn: " + c.model.getFileName() + " has no third output (outputs: " + names + ")");
            writes.put(c.cn, tensor(new ArrayList<>(out.values()).get(2), names.get(2)));
        }
        RunCommand.writeAll(writes);
        return 0;
    }

    private static Tensor tensor(Value v, String name) {
        return v.toTensor("output '" + name + "'");
    }

    /** Zeros in the declared shape of v; a symbolic dimension takes the size X has where X declares the same symbol. */
    private static Value zeros(ValueInfo v, ValueInfo xInfo, Tensor x, Path model) {
        int[] shape = new int[v.dims().size()];
        for (int k = 0; k < shape.length; k++) {
            Object d = v.dims().get(k);
            if (d instanceof Long l && l > 0) {
                shape[k] = (int) (long) l;
                continue;
            }
            int at = xInfo.dims().indexOf(d);
            if (!(d instanceof String) || at < 0 || at >= x.rank()) {
                throw new IllegalArgumentException(model.getFileName() + ": input '" + v.name() + "' has dimension " + d
                        + " that X does not determine; pass it with --h0/--c0");
            }
            shape[k] = x.dim(at);
        }
        return Value.of(Tensor.zeros(shape));
    }
}
