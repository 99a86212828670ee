package org.gru4j.io;

import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A state_dict of a larger network: the recurrent module is read by name, and the tensors left out are named. */
class StateDictTest {
    @TempDir
    Path tmp;

    /** emb → gru → fc, as torch.save(model.state_dict()) writes it, plus a second GRU under "dec.". */
    static Map<String, Tensor> network(boolean twoModules) {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("emb.weight", Tensor.zeros(10, 3));
        Recurrent gru = new Recurrent(RecurrentConfig.pytorch(CellKind.GRU, 3, 4, 1, false, true));
        for (int i = 0; i < gru.params.length; i++) gru.params[i] = 0.01f * i;
        gru.stateDict().forEach((k, v) -> sd.put("enc." + k, v));
        if (twoModules) {
            new Recurrent(RecurrentConfig.pytorch(CellKind.RNN_TANH, 4, 2, 1, false, false)).stateDict().forEach((k, v) -> sd.put("dec." + k, v));
        }
        sd.put("fc.weight", Tensor.zeros(2, 4));
        sd.put("fc.bias", Tensor.zeros(2));
        return sd;
    }

    @Test
    void theTensorsOutsideTheRecurrentModuleAreNamed() throws IOException {
        Path f = tmp.resolve("net.safetensors");
        Safetensors.write(f, network(false), Map.of());
        ModelFiles.Contents c = ModelFiles.read(f);
        assertEquals(List.of("emb.weight", "fc.weight", "fc.bias"), c.unused());
        assertEquals("3 tensors outside the recurrent module: emb.weight, fc.weight, fc.bias", c.unusedNote());
        assertEquals(0.01f * 5, c.recurrent().params[5], 0f);
        // the other module counts as unused when a prefix chooses one
        ModelFiles.Contents dec = StateDict.contents(network(true), ModelFiles.Options.NONE.withPrefix("dec"));
        assertEquals(CellKind.RNN_TANH, dec.recurrent().config.cell());
        assertTrue(dec.unused().containsAll(List.of("emb.weight", "enc.weight_ih_l0", "enc.bias_hh_l0", "fc.bias")), dec.unused().toString());
        assertEquals(3 + 4, dec.unused().size());
        ModelFiles.Contents relu = StateDict.contents(network(true), ModelFiles.Options.NONE.withPrefix("dec.").withRelu(true));
        assertEquals(CellKind.RNN_RELU, relu.recurrent().config.cell());
        // a bare module leaves nothing out
        Map<String, Tensor> bare = new Recurrent(RecurrentConfig.pytorch(CellKind.LSTM, 2, 3, 2, true, true)).stateDict();
        ModelFiles.Contents b = StateDict.contents(bare, ModelFiles.Options.NONE);
        assertTrue(b.unused().isEmpty());
        assertNull(b.unusedNote());
        assertArrayEquals(new Recurrent(b.recurrent().config).stateDict().keySet().toArray(), bare.keySet().toArray());
    }
}
