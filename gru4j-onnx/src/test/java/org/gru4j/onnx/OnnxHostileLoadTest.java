package org.gru4j.onnx;

import org.gru4j.io.ModelFormatException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, item 4 (read side): initializers that share one external blob used to be decoded one by one until the
 * heap ran out (300 uint8 views of 10 MB → 24 GB of int64). Now their decoded size is charged to the load budget
 * before any is decoded. Runs in the -Xmx512m surefire execution.
 */
@Tag("hostile")
class OnnxHostileLoadTest {
    @TempDir
    Path tmp;

    private static byte[] externalTensor(String name, long[] dims, int type, String location) {
        ProtoWriter.Msg t = new ProtoWriter.Msg();
        for (long d : dims) t.int64(1, d);
        t.int64(2, type).string(8, name);
        t.message(13, new ProtoWriter.Msg().string(1, "location").string(2, location).toBytes());
        t.int64(14, 1);   // data_location = EXTERNAL
        return t.toBytes();
    }

    private Path model(int initializers, long values) throws IOException {
        ProtoWriter.Msg g = new ProtoWriter.Msg().string(2, "g");
        for (int i = 0; i < initializers; i++) g.message(5, externalTensor("u" + i, new long[]{values}, TensorData.UINT8, "blob.bin"));
        byte[] m = new ProtoWriter.Msg().int64(1, 8).message(7, g.toBytes())
                .message(8, new ProtoWriter.Msg().string(1, "").int64(2, 17).toBytes()).toBytes();
        Path f = tmp.resolve("m.onnx");
        Files.write(f, m);
        return f;
    }

    @Test
    void manyInitializersSharingOneBlobAreRefusedBeforeDecoding() throws IOException {
        int n = 10 << 20;
        Files.write(tmp.resolve("blob.bin"), new byte[n]);
        Path f = model(300, n);
        long t0 = System.nanoTime();
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxGraph.load(f));
        assertTrue(System.nanoTime() - t0 < 5e9);
        String m = e.getMessage();
        assertTrue(m.contains("initializer 'u") && m.contains("budget") && m.contains("64 MiB + 8 ×"), m);
        assertTrue(m.indexOf('\n') < 0 && m.length() < 600, m);
    }

    @Test
    void devicesAreNotModels() {
        if (!Files.exists(Path.of("/dev/zero"))) return;
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxGraph.load(Path.of("/dev/zero")));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        assertThrows(ModelFormatException.class, () -> OnnxImport.readModel(Path.of("/dev/zero")));
    }
}
