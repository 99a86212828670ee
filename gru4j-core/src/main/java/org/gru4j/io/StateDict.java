package org.gru4j.io;

import org.gru4j.nn.CellKind;
import org.gru4j.nn.Finite;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a {@link Recurrent} from a PyTorch state_dict of an nn.GRU / nn.LSTM / nn.RNN, possibly nested in a
 * larger model under a key prefix ("rnn.", "model.gru."). The architecture is read off the names and shapes:
 * <pre>
 * weight_hh_l0 (G·H, H)   → H, and G: 3 GRU, 4 LSTM, 1 RNN
 * weight_ih_l0 (G·H, I)   → I
 * highest l + 1           → layers;  any *_reverse → bidirectional;  bias_ih_l0 present → bias
 * </pre>
 * What names and shapes cannot tell (the RNN's nonlinearity) comes from the caller.
 */
public final class StateDict {
    private StateDict() {}

    private static final Pattern NAME = Pattern.compile("^(.*?)(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l(\\d+)(_reverse)?$");

    /**
     * The single recurrent module among the tensors; a plain RNN uses tanh.
     *
     * @param tensors a state_dict (name → tensor)
     * @return the module with the tensors' values loaded
     */
    public static Recurrent toRecurrent(Map<String, Tensor> tensors) {
        return toRecurrent(tensors, ModelFiles.Options.NONE);
    }

    /**
     * The recurrent module the options name: {@code toRecurrent(sd, Options.NONE.withPrefix("encoder.rnn."))}.
     *
     * @param tensors a state_dict (name → tensor), e.g. from {@link TorchPickle#read} or {@link Safetensors#read}
     * @param options the key prefix of the module when there are several, and a plain RNN's nonlinearity
     * @return the module with the tensors' values loaded
     * @throws IllegalArgumentException when no module, or more than one without a prefix, is found, or a tensor's
     *                                  shape does not fit; the message names the tensor
     */
    public static Recurrent toRecurrent(Map<String, Tensor> tensors, ModelFiles.Options options) {
        return contents(tensors, options).recurrent();
    }

    /** The recurrent module as a file's contents, with the names of the tensors that are not part of it. */
    static ModelFiles.Contents contents(Map<String, Tensor> tensors, ModelFiles.Options options) {
        String prefix = options.prefix();
        boolean relu = options.relu();
        Map<String, Map<String, Tensor>> modules = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Matcher m = NAME.matcher(e.getKey());
            if (m.matches()) {
                modules.computeIfAbsent(m.group(1), k -> new LinkedHashMap<>())
                        .put(e.getKey().substring(m.group(1).length()), e.getValue());
            }
        }
        if (modules.isEmpty()) {
            List<String> names = new ArrayList<>(tensors.keySet());
            String shown = names.size() > 8 ? names.subList(0, 8) + " …" : names.toString();
            throw new IllegalArgumentException("no recurrent module found: no tensor named like weight_ih_l0 among " + Untrusted.text(shown));
        }
        String p;      // the chosen module's key prefix
        if (prefix != null) {
            p = prefix.isEmpty() || prefix.endsWith(".") ? prefix : prefix + ".";
            if (!modules.containsKey(p)) throw new IllegalArgumentException("no recurrent module under prefix '" + p + "'; found " + prefixes(modules));
        } else if (modules.size() > 1) {
            throw new IllegalArgumentException("several recurrent modules " + prefixes(modules) + ": choose one by its key prefix");
        } else {
            p = modules.keySet().iterator().next();
        }
        Map<String, Tensor> sd = modules.get(p);
        if (sd.containsKey("weight_hr_l0")) throw new IllegalArgumentException("LSTM with proj_size (weight_hr_l0) is not supported");
        Tensor whh = need(sd, "weight_hh_l0"), wih = need(sd, "weight_ih_l0");
        if (whh.rank() != 2 || whh.dim(1) < 1 || whh.dim(0) % whh.dim(1) != 0) {
            throw new IllegalArgumentException("weight_hh_l0 has shape " + whh.shapeString() + "; expected (gates·hidden, hidden)");
        }
        if (wih.rank() != 2) throw new IllegalArgumentException("weight_ih_l0 has shape " + wih.shapeString() + "; expected (gates·hidden, input)");
        int hidden = whh.dim(1), gates = whh.dim(0) / hidden;
        CellKind cell = switch (gates) {
            case 3 -> CellKind.GRU;
            case 4 -> CellKind.LSTM;
            case 1 -> relu ? CellKind.RNN_RELU : CellKind.RNN_TANH;
            default -> throw new IllegalArgumentException("weight_hh_l0 has shape " + whh.shapeString() + ": " + gates
                    + " gate blocks fit no GRU (3), LSTM (4) or RNN (1)");
        };
        // layer indices bounded by the tensors present (each layer has at least two), then dense
        int layers = 0;
        boolean reverse = false;
        long available = 0;
        for (Map.Entry<String, Tensor> e : sd.entrySet()) {
            Matcher m = NAME.matcher(e.getKey());
            m.matches();
            String digits = m.group(3);
            long l = digits.length() > 10 ? Long.MAX_VALUE : Long.parseLong(digits);
            if (l >= sd.size() / 2) {
                throw new IllegalArgumentException("tensor '" + Untrusted.text(e.getKey()) + "' names layer " + Untrusted.text(digits)
                        + ", but the module has only " + sd.size() + " tensors (at most " + sd.size() / 2 + " layers)");
            }
            layers = Math.max(layers, (int) l + 1);
            reverse |= m.group(4) != null;
            available += e.getValue().data.length;
        }
        for (int l = 0; l < layers; l++) {
            for (String d : reverse ? new String[]{"", "_reverse"} : new String[]{""}) {
                for (String w : new String[]{"weight_ih_l", "weight_hh_l"}) {
                    if (!sd.containsKey(w + l + d)) {
                        throw new IllegalArgumentException("missing tensor '" + w + l + d + "' (layer indices go up to " + (layers - 1)
                                + "; they must be dense from 0)");
                    }
                }
            }
        }
        boolean bias = sd.containsKey("bias_ih_l0");
        RecurrentConfig config = RecurrentConfig.pytorch(cell, wih.dim(1), hidden, layers, reverse, bias);
        config.checkSize(available, "the state_dict");
        requireFinite(sd);
        Recurrent r = new Recurrent(config);
        r.load(sd);
        List<String> unused = new ArrayList<>();
        for (String name : tensors.keySet()) if (!(name.startsWith(p) && sd.containsKey(name.substring(p.length())))) unused.add(name);
        return new ModelFiles.Contents(r, null, Map.of(), unused);
    }

    /**
     * Refuses weights holding NaN or infinity (unless {@link Recurrent#checkFinite} is off): a model loaded with them
     * gives NaN for every input, silently. The message names the tensor and the position.
     *
     * @param tensors name → tensor
     */
    public static void requireFinite(Map<String, Tensor> tensors) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            int bad = Finite.firstNonFinite(t.data);
            if (bad >= 0) {
                throw new IllegalArgumentException("tensor '" + Untrusted.text(e.getKey()) + "' holds " + t.data[bad] + " at "
                        + Finite.position(bad, t.shape) + ": a model with non-finite weights outputs NaN for every input"
                        + " (set Recurrent.checkFinite = false to load it anyway)");
            }
        }
    }

    private static Tensor need(Map<String, Tensor> sd, String name) {
        Tensor t = sd.get(name);
        if (t == null) throw new IllegalArgumentException("missing tensor '" + name + "'");
        return t;
    }

    private static String prefixes(Map<String, ?> modules) {
        TreeSet<String> s = new TreeSet<>();
        for (String p : modules.keySet()) s.add(p.isEmpty() ? "(no prefix)" : "'" + p + "'");
        return Untrusted.text(s);
    }
}
