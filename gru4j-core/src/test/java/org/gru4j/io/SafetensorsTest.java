package org.gru4j.io;

import org.gru4j.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Safetensors: round trip, dtype conversion, and hostile headers each refused with the problem named. */
class SafetensorsTest {
    @TempDir
    Path tmp;

    /** u64 LE header length | header | data bytes. */
    private Path file(long headerLength, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLength).put(h).put(data);
        Path f = tmp.resolve("m.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private Path file(String header, int dataBytes) throws IOException {
        return file(header.getBytes(StandardCharsets.UTF_8).length, header, new byte[dataBytes]);
    }

    private String refused(Path f, String... words) {
        IOException e = assertThrows(ModelFormatException.class, () -> Safetensors.read(f));
        for (String w : words) assertTrue(e.getMessage().contains(w), "'" + w + "' not in: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
        return e.getMessage();
    }

    @Test
    void roundTripWithMetadata() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("weight_ih_l0", new Tensor(new int[]{3, 2}, new float[]{1, 2, 3, 4, 5, Float.NaN}));
        t.put("scalar", new Tensor(new int[0], new float[]{-0.5f}));
        t.put("empty", Tensor.zeros(0, 4));
        t.put("ünïcode \"name\"", new Tensor(new int[]{2}, new float[]{Float.MIN_VALUE, -Float.MAX_VALUE}));
        Map<String, String> meta = Map.of("format", "pt", "note", "line\nbreak \"quoted\"");
        Path f = tmp.resolve("rt.safetensors");
        Safetensors.write(f, t, meta);
        Safetensors.Contents c = Safetensors.read(f);
        assertEquals(meta, c.metadata());
        assertEquals(List.copyOf(t.keySet()), List.copyOf(c.tensors().keySet()), "names in file order");
        for (String k : t.keySet()) {
            assertArrayEquals(t.get(k).shape, c.tensors().get(k).shape, k);
            assertArrayEquals(t.get(k).data, c.tensors().get(k).data, k);
        }
        assertEquals(0, (8 + ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN).getLong()) % 8,
                "data starts 8-byte aligned");

        Safetensors.write(f, Map.of(), null);
        assertEquals(Map.of(), Safetensors.read(f).tensors());
    }

    @Test
    void convertsOtherDtypesToFloat32() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        // F16: 1, -2.5, 65504 (largest), 2^-24 (smallest subnormal), -0, +inf
        for (int h : new int[]{0x3C00, 0xC100, 0x7BFF, 0x0001, 0x8000, 0x7C00}) d.putShort((short) h);   // 0..12
        // BF16: 1, -3, 0x3DCD (0.10009765625)
        for (int h : new int[]{0x3F80, 0xC040, 0x3DCD}) d.putShort((short) h);                           // 12..18
        d.putShort((short) 0);                                                                           // 18..20 unused
        d.putInt(0);                                                                                     // 20..24 unused
        d.putDouble(0.1).putDouble(-1e-300);                                                             // F64 24..40
        d.putLong(-3).putLong(1L << 40);                                                                 // I64 40..56
        d.put((byte) 255).put((byte) -1).put((byte) 1).put((byte) 0);                                    // U8, I8, BOOL 56..60
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[12,18]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[24,40]},"
                + "\"l\":{\"dtype\":\"I64\",\"shape\":[2,1],\"data_offsets\":[40,56]},"
                + "\"u\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[56,57]},"
                + "\"i\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[57,58]},"
                + "\"z\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[58,60]}}";
        Map<String, Tensor> t = Safetensors.read(file(header.length(), header, d.array())).tensors();
        assertArrayEquals(new int[]{2, 3}, t.get("h").shape);
        assertArrayEquals(new float[]{1f, -2.5f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY}, t.get("h").data);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(t.get("h").data[4]), "negative zero");
        assertArrayEquals(new float[]{1f, -3f, 0.10009765625f}, t.get("b").data);
        assertArrayEquals(new float[]{0.1f, -0f}, t.get("d").data);
        assertArrayEquals(new int[]{2, 1}, t.get("l").shape);
        assertArrayEquals(new float[]{-3f, 0x1p40f}, t.get("l").data);
        assertArrayEquals(new float[]{255f}, t.get("u").data);
        assertArrayEquals(new float[]{-1f}, t.get("i").data);
        assertArrayEquals(new float[]{1f, 0f}, t.get("z").data);
    }

    @Test
    void halfMatchesTheJdkOnEveryBitPattern() throws Exception {
        Method jdk;
        try {
            jdk = Float.class.getMethod("float16ToFloat", short.class);      // JDK 20 and later
        } catch (NoSuchMethodException e) {
            Assumptions.abort("Float.float16ToFloat needs JDK 20");
            return;
        }
        for (int h = 0; h < 0x10000; h++) {
            float want = (float) jdk.invoke(null, (short) h), got = Half.toFloat((short) h);
            if (Float.isNaN(want)) assertTrue(Float.isNaN(got), Integer.toHexString(h));
            else assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), Integer.toHexString(h));
        }
    }

    private static final String GOOD = "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}";

    @Test
    void refusesHeaderLengthsTheFileCannotHold() throws IOException {
        refused(file(1000, "{" + GOOD + "}", new byte[16]), "header length 1000", "exceeds");
        refused(file(1L << 40, "{}", new byte[0]), "header length 1099511627776", "exceeds");
        refused(file(-1L, "{}", new byte[0]), "header length 18446744073709551615");
        refused(file(1, "{}", new byte[0]), "too small");
        Path f = tmp.resolve("short.safetensors");
        Files.write(f, new byte[]{1, 0, 0});
        refused(f, "not a safetensors file");
    }

    /** Bytes the current thread allocates while refusing the file. */
    private long allocatedRefusing(Path f) {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        assertThrows(ModelFormatException.class, () -> Safetensors.read(f));
        return mx.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void hostileSizesAreRefusedBeforeAllocating() throws IOException {
        long limit = 4 << 20;
        // a header length just under the 100 MB cap, in a tiny file
        long a = allocatedRefusing(file(Safetensors.MAX_HEADER - 8, "{" + GOOD + "}", new byte[16]));
        // a tensor of 2^38 floats whose byte count agrees with its offsets, past the end of the data
        long b = allocatedRefusing(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[262144,1048576],\"data_offsets\":[0,1099511627776]}}", 16));
        long c = allocatedRefusing(file(1L << 40, "{}", new byte[0]));
        System.out.println("hostile safetensors: allocated " + a + ", " + b + ", " + c + " bytes");
        assertTrue(a < limit && b < limit && c < limit, "allocated " + a + ", " + b + ", " + c + " bytes");
    }

    @Test
    void refusesHeadersThatAreNotAJsonObject() throws IOException {
        refused(file("{\"w\": {\"dtype\": \"F32\",", 0), "not valid JSON");
        refused(file("\u0000\u0001binary", 0), "not valid JSON");
        refused(file("[1, 2, 3]", 0), "not a JSON object");
        refused(file("\"text\"", 0), "not a JSON object");
        refused(file("{}  trailing", 0), "not valid JSON", "trailing");
        refused(file("[".repeat(5000) + "]".repeat(5000), 0), "nested deeper");
        refused(file("{\"w\": 3}", 0), "tensor 'w'", "not an object");
    }

    @Test
    void refusesBadOffsets() throws IOException {
        refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,1000]}}", 16),
                "tensor 'w'", "[0, 1000]", "outside the 16 data bytes");
        refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 16), "tensor 'w'", "outside");
        refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 16), "tensor 'w'", "[8, 4]");
        refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0]}}", 16), "tensor 'w'", "not [begin, end]");
        refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4611686018427387904]}}", 16), "tensor 'w'", "outside");
        refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}", 16), "not valid JSON", "out of range");
        refused(file("{" + GOOD + ",\"v\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 24),
                "'w' and 'v' overlap");
        refused(file("{" + GOOD + ",\"v\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16), "overlap");
    }

    @Test
    void emptyTensorsMayShareAnOffset() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]}}";
        Map<String, Tensor> t = Safetensors.read(file(h, 8)).tensors();
        assertArrayEquals(new int[]{0, 3}, t.get("e").shape);
        assertEquals(3, t.size());
    }

    @Test
    void refusesShapesThatDoNotMatchTheBytes() throws IOException {
        refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", 16),
                "tensor 'w'", "F32 shape [2, 3] needs 24 bytes", "give 16");
        refused(file("{\"w\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16), "needs 32 bytes");
        refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1,4],\"data_offsets\":[0,16]}}", 16), "tensor 'w'", "bad dimension -1");
        refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,16]}}", 16), "bad dimension 2.5");
        refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"4\"],\"data_offsets\":[0,16]}}", 16), "bad dimension");
        refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296],\"data_offsets\":[0,16]}}", 16), "bad dimension 4294967296");
        // a product that would wrap around 2^64 to 16 bytes
        refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647,2147483647],\"data_offsets\":[0,16]}}", 16),
                "tensor 'w'", "give 16");
        refused(file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,16]}}", 16), "tensor 'w'", "no shape");
        refused(file("{\"w\":{\"shape\":[4],\"data_offsets\":[0,16]}}", 16), "tensor 'w'", "no dtype");
    }

    @Test
    void refusesUnsupportedDtypes() throws IOException {
        refused(file("{\"w\":{\"dtype\":\"C64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 16), "tensor 'w'", "unsupported dtype C64");
        refused(file("{\"w\":{\"dtype\":\"f32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16), "unsupported dtype f32");
    }

    @Test
    void refusesBadMetadata() throws IOException {
        refused(file("{\"__metadata__\":{\"epoch\":3}," + GOOD + "}", 16), "__metadata__ value of 'epoch' is not a string");
        refused(file("{\"__metadata__\":{\"a\":null}," + GOOD + "}", 16), "'a' is not a string");
        refused(file("{\"__metadata__\":{\"a\":{\"b\":\"c\"}}}", 0), "'a' is not a string");
        refused(file("{\"__metadata__\":[\"a\"]}", 0), "__metadata__ is not an object");
    }

    @Test
    void refusesDuplicateKeys() throws IOException {
        refused(file("{" + GOOD + "," + GOOD + "}", 16), "duplicate key \"w\"");
        refused(file("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F64\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16), "duplicate key \"dtype\"");
        refused(file("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}", 0), "duplicate key \"a\"");
    }
}
