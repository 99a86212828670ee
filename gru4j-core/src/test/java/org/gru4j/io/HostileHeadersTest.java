package org.gru4j.io;

import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 16, the weaker items: huge safetensors headers, npy duplicate keys, devices as models. */
@Tag("hostile")
class HostileHeadersTest {
    @TempDir
    Path tmp;

    /** A safetensors file of n float32 tensors of shape [1]. */
    private Path manyTensors(int n) throws IOException {
        StringBuilder h = new StringBuilder(n * 64).append('{');
        for (int i = 0; i < n; i++) {
            if (i > 0) h.append(',');
            h.append("\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[").append(4L * i).append(',')
                    .append(4L * i + 4).append("]}");
        }
        byte[] json = h.append('}').toString().getBytes(StandardCharsets.US_ASCII);
        h = null;
        ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length);
        Path f = tmp.resolve("many.safetensors");
        try (var out = Files.newOutputStream(f)) {
            out.write(head.array());
            out.write(json);
            out.write(new byte[4 * n]);
        }
        return f;
    }

    @Test
    void aMillionTensorHeaderIsRefusedInSeconds() throws IOException {
        Path f = manyTensors(1_300_000);
        long t0 = System.nanoTime();
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Safetensors.read(f));
        double s = (System.nanoTime() - t0) / 1e9;
        assertTrue(e.getMessage().contains("more than 1048576 tensors"), e.getMessage());
        assertTrue(s < 10, s + " s");
    }

    @Test
    void manySmallTensorsReadInLinearTime() throws IOException {
        Path f = manyTensors(300_000);
        long t0 = System.nanoTime();
        Map<String, Tensor> t = Safetensors.read(f).tensors();
        double s = (System.nanoTime() - t0) / 1e9;
        assertEquals(300_000, t.size());
        assertTrue(s < 10, s + " s");
    }

    @Test
    void devicesAndDirectoriesAreNotReadAsModels() {
        for (String dev : new String[]{"/dev/zero", "/dev/null"}) {
            Path p = Path.of(dev);
            if (!Files.exists(p)) continue;
            for (FuzzCheck.Reader r : new FuzzCheck.Reader[]{Safetensors::read, TorchPickle::read, Npy::read, ModelFile::load}) {
                ModelFormatException e = assertThrows(ModelFormatException.class, () -> r.read(p));
                assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
            }
        }
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Safetensors.read(tmp));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }
}
