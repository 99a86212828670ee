package org.gru4j.cli;

import org.gru4j.io.Npy;
import org.gru4j.io.Safetensors;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gru4j run --model X.onnx} on a committed torch.onnx.export fixture of gru4j-onnx, against PyTorch's outputs. */
class OnnxRunTest {
    static final Path FIXTURES = Path.of("..", "gru4j-onnx", "src", "test", "resources", "onnx-fixtures");

    @Test
    void lstmWithInitialStatesMatchesPytorch(@TempDir Path tmp) throws Exception {
        String c = "torch_lstm_L2_bi_h0_bf_op17_dyn";
        Map<String, Tensor> t = Safetensors.read(FIXTURES.resolve(c + ".safetensors")).tensors();
        for (String k : new String[]{"x", "h0", "c0"}) Npy.write(tmp.resolve(k + ".npy"), t.get("in." + k));
        int rc = Main.execute("run", "--model", FIXTURES.resolve(c + ".onnx").toString(), "--input", tmp.resolve("x.npy").toString(),
                "--h0", tmp.resolve("h0.npy").toString(), "--c0", tmp.resolve("c0.npy").toString(),
                "--output", tmp.resolve("y.npy").toString(), "--hn", tmp.resolve("hn.npy").toString(), "--cn", tmp.resolve("cn.npy").toString());
        assertEquals(0, rc);
        for (String[] pair : new String[][]{{"y", "out.y"}, {"hn", "out.hn"}, {"cn", "out.cn"}}) {
            Tensor got = Npy.read(tmp.resolve(pair[0] + ".npy")), want = t.get(pair[1]);
            assertArrayEquals(want.shape, got.shape);
            for (int i = 0; i < want.size(); i++) assertEquals(want.data[i], got.data[i], 1e-5, pair[0] + "[" + i + "]");
        }
    }

    @Test
    void anInputWithoutAFlagIsAnError(@TempDir Path tmp) throws Exception {
        Npy.write(tmp.resolve("x.npy"), Tensor.zeros(7, 4, 3));
        int rc = Main.execute("run", "--model", FIXTURES.resolve("helper_gru_seqlens_bi.onnx").toString(), "--input",
                tmp.resolve("x.npy").toString(), "--output", tmp.resolve("y.npy").toString());
        assertEquals(1, rc);
        assertFalse(Files.exists(tmp.resolve("y.npy")));
        assertTrue(Files.isDirectory(FIXTURES));
    }
}
