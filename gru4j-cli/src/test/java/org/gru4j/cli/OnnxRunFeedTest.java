package org.gru4j.cli;

import org.gru4j.io.Npy;
import org.gru4j.io.Safetensors;
import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code gru4j run} on an ONNX graph whose first input is integer token ids (Embedding → GRU → Linear, exported by
 * torch): int32 and int64 --input, --feed NAME=FILE, --fetch NAME=FILE; and the refusals the native path makes.
 */
class OnnxRunFeedTest {
    static final Path FIXTURES = OnnxRunTest.FIXTURES;
    static final String CASE = "torch_embed_gru_op13";

    /** A .npy of integers, written by hand (gru4j writes float32 only). */
    static Path intNpy(Path file, int width, int[] shape, long[] v) throws Exception {
        StringBuilder sh = new StringBuilder();
        for (int d : shape) sh.append(d).append(", ");
        String dict = "{'descr': '<i" + width + "', 'fortran_order': False, 'shape': (" + sh.toString().replaceAll(", $", shape.length == 1 ? "," : "") + "), }";
        String header = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + v.length * width).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (long x : v) if (width == 8) b.putLong(x); else b.putInt((int) x);
        Files.write(file, b.array());
        return file;
    }

    private static void close(Tensor want, Tensor got, String what) {
        assertArrayEquals(want.shape, got.shape, what);
        for (int i = 0; i < want.size(); i++) assertEquals(want.data[i], got.data[i], 1e-5, what + "[" + i + "]");
    }

    @Test
    void integerIdsFeedAndFetchMatchPytorch(@TempDir Path tmp) throws Exception {
        Map<String, Tensor> t = Safetensors.read(FIXTURES.resolve(CASE + ".safetensors")).tensors();
        Tensor ids = t.get("in.ids");
        long[] v = new long[ids.size()];
        for (int i = 0; i < v.length; i++) v[i] = (long) ids.data[i];
        Npy.write(tmp.resolve("state.npy"), t.get("in.state"));
        for (int width : new int[]{4, 8}) {
            Path in = intNpy(tmp.resolve("ids" + width + ".npy"), width, ids.shape, v);
            int rc = Main.execute("run", "--model", FIXTURES.resolve(CASE + ".onnx").toString(), "--input", in.toString(),
                    "--feed", "state=" + tmp.resolve("state.npy"), "--output", tmp.resolve("scores.npy").toString(),
                    "--fetch", "hn=" + tmp.resolve("hn.npy"));
            assertEquals(0, rc);
            close(t.get("out.scores"), Npy.read(tmp.resolve("scores.npy")), "scores");
            close(t.get("out.hn"), Npy.read(tmp.resolve("hn.npy")), "hn");
        }
        // everything by name
        intNpy(tmp.resolve("ids.npy"), 8, ids.shape, v);
        int rc = Main.execute("run", "--model", FIXTURES.resolve(CASE + ".onnx").toString(), "--feed", "ids=" + tmp.resolve("ids.npy"),
                "--feed", "state=" + tmp.resolve("state.npy"), "--fetch", "scores=" + tmp.resolve("s2.npy"));
        assertEquals(0, rc);
        close(t.get("out.scores"), Npy.read(tmp.resolve("s2.npy")), "scores by --fetch");
    }

    @Test
    void aLeftOutInitialStateIsZerosWhateverItsName(@TempDir Path tmp) throws Exception {
        // 'state' feeds the GRU's initial_h: no flag takes it by name, and left out it is zeros (OnnxGraph.run)
        Map<String, Tensor> t = Safetensors.read(FIXTURES.resolve(CASE + ".safetensors")).tensors();
        Tensor ids = t.get("in.ids");
        long[] v = new long[ids.size()];
        for (int i = 0; i < v.length; i++) v[i] = (long) ids.data[i];
        Path in = intNpy(tmp.resolve("ids.npy"), 8, ids.shape, v);
        Npy.write(tmp.resolve("zeros.npy"), Tensor.zeros(t.get("in.state").shape));
        String model = FIXTURES.resolve(CASE + ".onnx").toString();
        assertEquals(0, Main.execute("run", "--model", model, "--input", in.toString(), "--output", tmp.resolve("a.npy").toString(),
                "--fetch", "hn=" + tmp.resolve("ahn.npy")));
        assertEquals(0, Main.execute("run", "--model", model, "--input", in.toString(), "--feed", "state=" + tmp.resolve("zeros.npy"),
                "--output", tmp.resolve("b.npy").toString(), "--fetch", "hn=" + tmp.resolve("bhn.npy")));
        for (String[] ab : new String[][]{{"a", "b"}, {"ahn", "bhn"}}) {
            Tensor a = Npy.read(tmp.resolve(ab[0] + ".npy")), b = Npy.read(tmp.resolve(ab[1] + ".npy"));
            assertArrayEquals(b.shape, a.shape);
            assertArrayEquals(b.data, a.data, ab[0] + ": the left-out state is fed zeros, bit for bit");
        }
        Tensor fed = t.get("in.state");
        assertFalse(java.util.Arrays.equals(fed.data, new float[fed.size()]), "the fixture's state is not zeros (the comparison above means something)");
    }

    @Test
    void refusals(@TempDir Path tmp) throws Exception {
        Map<String, Tensor> t = Safetensors.read(FIXTURES.resolve(CASE + ".safetensors")).tensors();
        Npy.write(tmp.resolve("state.npy"), t.get("in.state"));
        Npy.write(tmp.resolve("float_ids.npy"), t.get("in.ids"));
        String model = FIXTURES.resolve(CASE + ".onnx").toString();
        Path y = tmp.resolve("y.npy");
        // a float file where the graph wants integer ids
        assertEquals(1, Main.execute("run", "--model", model, "--input", tmp.resolve("float_ids.npy").toString(),
                "--feed", "state=" + tmp.resolve("state.npy"), "--output", y.toString()));
        // --output and --hn on one file, as the native path refuses it
        intNpy(tmp.resolve("ids.npy"), 8, new int[]{1, 2}, new long[]{1, 2});
        assertEquals(1, Main.execute("run", "--model", model, "--input", tmp.resolve("ids.npy").toString(),
                "--feed", "state=" + tmp.resolve("state.npy"), "--output", y.toString(), "--hn", y.toString()));
        assertFalse(Files.exists(y));
        // unknown names
        assertEquals(1, Main.execute("run", "--model", model, "--input", tmp.resolve("ids.npy").toString(),
                "--feed", "nope=" + tmp.resolve("state.npy"), "--output", y.toString()));
        assertEquals(1, Main.execute("run", "--model", model, "--input", tmp.resolve("ids.npy").toString(),
                "--feed", "state=" + tmp.resolve("state.npy"), "--fetch", "nope=" + y));
        // an output that is an input
        assertEquals(1, Main.execute("run", "--model", model, "--input", tmp.resolve("ids.npy").toString(),
                "--feed", "state=" + tmp.resolve("state.npy"), "--output", tmp.resolve("state.npy").toString()));
        assertEquals(t.get("in.state").size(), Npy.read(tmp.resolve("state.npy")).size());
        assertFalse(Files.exists(y));
    }
}
