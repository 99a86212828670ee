package org.gru4j.io;

import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** .npy reading against files numpy wrote (io-fixtures/npy, made by scripts/make_io_fixtures.py), and writing. */
class NpyTest {
    @TempDir
    Path tmp;

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(NpyTest.class.getResource("/io-fixtures/npy/" + name).toURI());
    }

    /** The (2,3,4) array every 2x3x4 fixture holds, in C order, as numpy's little-endian file stores it. */
    static float[] reference() throws Exception {
        byte[] b = Files.readAllBytes(fixture("f32_2x3x4.npy"));
        int headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        float[] v = new float[24];
        ByteBuffer.wrap(b, 10 + headerLen, 96).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    @Test
    void readsNumpysShapes() throws Exception {
        Tensor scalar = Npy.read(fixture("f32_scalar.npy"));
        assertArrayEquals(new int[0], scalar.shape);
        assertArrayEquals(new float[]{3.5f}, scalar.data);

        Tensor empty = Npy.read(fixture("f32_empty.npy"));
        assertArrayEquals(new int[]{0}, empty.shape);
        assertEquals(0, empty.data.length);

        Tensor v = Npy.read(fixture("f32_3.npy"));
        assertArrayEquals(new int[]{3}, v.shape);
        assertArrayEquals(new float[]{1.5f, -2.25f, 1e-3f}, v.data);

        Tensor a = Npy.read(fixture("f32_2x3x4.npy"));
        assertArrayEquals(new int[]{2, 3, 4}, a.shape);
        assertArrayEquals(reference(), a.data);
        assertTrue(a.data[0] != a.data[1] && a.data[1] != a.data[4], "the reference values must tell positions apart");
    }

    @Test
    void fortranOrderBigEndianAndVersion2ReadAsTheSameArray() throws Exception {
        float[] want = reference();
        for (String f : List.of("f32_fortran_2x3x4.npy", "f32_bigendian_2x3x4.npy", "f32_v2_2x3x4.npy")) {
            Tensor t = Npy.read(fixture(f));
            assertArrayEquals(new int[]{2, 3, 4}, t.shape, f);
            assertArrayEquals(want, t.data, f);
        }
    }

    @Test
    void rejectsOtherDtypesNamingThem() throws Exception {
        IOException e = assertThrows(ModelFormatException.class, () -> Npy.read(fixture("f64_2x3.npy")));
        assertTrue(e.getMessage().contains("float64") && e.getMessage().contains("<f8"), e.getMessage());
        assertTrue(e.getMessage().contains("f64_2x3.npy"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> Npy.read(fixture("i64_2x3.npy")));
        assertTrue(e.getMessage().contains("int64"), e.getMessage());
    }

    @Test
    void roundTripsEveryShape() throws IOException {
        Random rnd = new Random(3);
        for (int[] shape : new int[][]{{}, {0}, {3}, {2, 3, 4}, {1, 0, 5}, {2, 1, 1, 3, 2}}) {
            Tensor t = Tensor.zeros(shape);
            for (int i = 0; i < t.data.length; i++) t.data[i] = (float) rnd.nextGaussian();
            if (t.data.length >= 3) {
                t.data[0] = Float.NaN;
                t.data[1] = -0f;
                t.data[2] = Float.NEGATIVE_INFINITY;
            }
            Path f = tmp.resolve("t" + Arrays.toString(shape) + ".npy");
            Npy.write(f, t);
            Tensor back = Npy.read(f);
            assertArrayEquals(shape, back.shape);
            for (int i = 0; i < t.data.length; i++) {
                assertEquals(Float.floatToRawIntBits(t.data[i]), Float.floatToRawIntBits(back.data[i]), "value " + i);
            }
            assertEquals(0, (Files.size(f) - 4L * t.data.length) % 64, "data aligned to 64 bytes, as numpy aligns it");
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.allMatch(p -> p.getFileName().toString().endsWith(".npy")), "no temporary files left");
        }
    }

    @Test
    void writesTheHeaderNumpyWrites() throws Exception {
        // numpy pads differently (room to grow), but the dictionary must read the same: (3,) not (3, )
        for (String name : List.of("f32_scalar.npy", "f32_empty.npy", "f32_3.npy", "f32_2x3x4.npy")) {
            Tensor t = Npy.read(fixture(name));
            Path f = tmp.resolve(name);
            Npy.write(f, t);
            assertEquals(dict(fixture(name)), dict(f), name);
            byte[] ours = Files.readAllBytes(f), theirs = Files.readAllBytes(fixture(name));
            assertArrayEquals(Arrays.copyOfRange(theirs, theirs.length - 4 * t.data.length, theirs.length),
                    Arrays.copyOfRange(ours, ours.length - 4 * t.data.length, ours.length), name);
        }
    }

    private static String dict(Path f) throws IOException {
        String s = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        return s.substring(s.indexOf('{'), s.indexOf('}') + 1);
    }

    @Test
    void rejectsTruncatedData() throws Exception {
        byte[] b = Files.readAllBytes(fixture("f32_2x3x4.npy"));
        Path f = tmp.resolve("cut.npy");
        Files.write(f, Arrays.copyOf(b, b.length - 5));
        IOException e = assertThrows(ModelFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("cut.npy"), e.getMessage());

        Files.write(f, Arrays.copyOf(b, 40));                      // inside the header
        e = assertThrows(ModelFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Files.write(f, Arrays.copyOf(b, 8));                       // inside the preamble
        assertThrows(ModelFormatException.class, () -> Npy.read(f));

        Files.write(f, Arrays.copyOf(b, b.length + 4));            // trailing bytes are not float32 data of this shape
        e = assertThrows(ModelFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("100"), e.getMessage());
    }

    @Test
    void rejectsBadMagicAndVersions() throws Exception {
        byte[] b = Files.readAllBytes(fixture("f32_2x3x4.npy"));
        Path f = tmp.resolve("bad.npy");
        byte[] c = b.clone();
        c[1] = 'X';
        Files.write(f, c);
        IOException e = assertThrows(ModelFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("not a .npy file"), e.getMessage());

        Files.writeString(f, "x,y\n1,2\n");
        assertThrows(ModelFormatException.class, () -> Npy.read(f));
        Files.write(f, new byte[0]);
        assertThrows(ModelFormatException.class, () -> Npy.read(f));

        c = b.clone();
        c[6] = 9;
        Files.write(f, c);
        e = assertThrows(ModelFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
    }

    @Test
    void rejectsHostileHeaders() throws IOException {
        Path f = tmp.resolve("h.npy");
        // a header length past the end of the file (v2 lets it claim 4 GB)
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(-1).putInt(0);
        Files.write(f, b.array());
        IOException e = assertThrows(ModelFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("4294967295"), e.getMessage());

        // dimensions whose product wraps around 2^64 to 0: must not pass as an empty array
        writeHeader(f, "{'descr': '<f4', 'fortran_order': False, 'shape': (1073741824, 1073741824, 16), }", 0);
        e = assertThrows(ModelFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());

        writeHeader(f, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }", 0);
        e = assertThrows(ModelFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("-3"), e.getMessage());

        writeHeader(f, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", 8);
        assertThrows(ModelFormatException.class, () -> Npy.read(f));

        writeHeader(f, "{'descr': '<f4', 'fortran_order': False, }", 8);
        e = assertThrows(ModelFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("'shape'"), e.getMessage());

        writeHeader(f, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 20);
        e = assertThrows(ModelFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    private static void writeHeader(Path f, String dict, int dataBytes) throws IOException {
        String header = dict + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        Files.write(f, b.array());
    }

    /** A hand-made .npy file: format 1.0, the given header dict, then data. */
    private Path npy(String name, String dict, byte[] data) throws IOException {
        String header = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        Path p = tmp.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    @Test
    void readsInt32AndInt64() throws Exception {
        ByteBuffer i4 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[]{0, 7, -3, 1 << 30, 5, 2}) i4.putInt(v);
        Npy.Ints a = Npy.readInts(npy("a.npy", "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", i4.array()));
        assertArrayEquals(new int[]{2, 3}, a.shape());
        assertArrayEquals(new long[]{0, 7, -3, 1 << 30, 5, 2}, a.data());

        ByteBuffer i8 = ByteBuffer.allocate(48).order(ByteOrder.BIG_ENDIAN);
        for (long v : new long[]{1, 2, 3, 4, 5, 1L << 40}) i8.putLong(v);
        // Fortran order (2,3): memory holds column by column
        Npy.Ints b = Npy.readInts(npy("b.npy", "{'descr': '>i8', 'fortran_order': True, 'shape': (2, 3), }", i8.array()));
        assertArrayEquals(new long[]{1, 3, 5, 2, 4, 1L << 40}, b.data());

        Exception e = assertThrows(ModelFormatException.class,
                () -> Npy.readInts(npy("f.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4])));
        assertTrue(e.getMessage().contains("expected int32"), e.getMessage());
        e = assertThrows(ModelFormatException.class,
                () -> Npy.readInts(npy("t.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", new byte[16])));
        assertTrue(e.getMessage().contains("needs 24 bytes"), e.getMessage());
    }
}
