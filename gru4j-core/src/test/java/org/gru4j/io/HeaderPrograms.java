package org.gru4j.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Well-formed .npy and safetensors files with random header values, for fuzzing the readers' checks rather than their
 * syntax: dimensions and offsets from the edges (0, 1, 2³¹−1, 2³¹, 2³², 2⁶², −1, …), every dtype and some that do not
 * exist, data a few bytes short or long, or exactly what the header asks for (so that some files are read).
 */
final class HeaderPrograms {
    private HeaderPrograms() {}

    static final long[] DIMS = {0, 1, 2, 3, 7, 255, 65536, Integer.MAX_VALUE, 1L << 31, 1L << 32, 1L << 62, Long.MAX_VALUE, -1};

    /** Zero to four dimensions: each 0 to 4 six times in seven, else an edge value. */
    static List<Long> shape(SplittableRandom random) {
        int n = random.nextInt(0, 5);
        List<Long> shape = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            shape.add(random.nextInt(7) < 6 ? random.nextLong(0, 5) : DIMS[random.nextInt(DIMS.length)]);
        }
        return shape;
    }

    static long count(List<Long> shape) {
        long n = 1;
        for (long d : shape) n = d <= 0 ? 0 : (n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d);
        return n;
    }

    /** A data length: what the header needs (when small) four times in five, else a few bytes off or none. */
    static int slack(SplittableRandom random) {
        return random.nextInt(5) < 4 ? 0 : random.nextInt(-5, 6);
    }

    static <T> T oneOf(SplittableRandom random, T[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** Descriptors repeated to weight them: mostly float32 little-endian. */
    static final String[] NPY_DESCR = {"<f4", "<f4", "<f4", ">f4", "=f4", "<f8", "|u1", "<i8", "f4", "", "<f4'"};
    static final String[] NPY_FORTRAN = {"False", "False", "True", "0", ""};
    static final Integer[] NPY_VERSION = {1, 1, 2, 3, 0, 4};

    static byte[] npy(SplittableRandom random) {
        String d = oneOf(random, NPY_DESCR);
        String f = oneOf(random, NPY_FORTRAN);
        List<Long> sh = shape(random);
        int v = oneOf(random, NPY_VERSION);
        int sl = slack(random);
        StringBuilder tuple = new StringBuilder();
        for (long x : sh) tuple.append(tuple.length() == 0 ? "" : ", ").append(x);
        if (sh.size() == 1) tuple.append(',');
        String header = "{'descr': '" + d + "', 'fortran_order': " + f + ", 'shape': (" + tuple + "), }\n";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int pre = v >= 2 ? 12 : 10;
        long need = count(sh) * 4;
        int data = (int) Math.max(0, Math.min(need, 4096) + sl);
        ByteBuffer b = ByteBuffer.allocate(pre + h.length + data).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) v, 0});
        if (v >= 2) b.putInt(h.length);
        else b.putShort((short) h.length);
        b.put(h);
        return b.array();
    }

    record Entry(String dtype, List<Long> shape, int offsetKind, long edge) {}

    static final String[] SAFETENSORS_DTYPES = {"F32", "F32", "F64", "F16", "BF16", "I64", "U64", "I32", "U32", "I16", "U16",
            "I8", "U8", "BOOL", "F8_E4M3", "f32", ""};
    // offsets: 0 consecutive and consistent (half the tensors), 1 begin at an edge value, 2 end at an edge value,
    // 3 overlapping the previous
    static final Integer[] OFFSET_KINDS = {0, 0, 0, 1, 2, 3};

    static Entry entry(SplittableRandom random) {
        return new Entry(oneOf(random, SAFETENSORS_DTYPES), shape(random), oneOf(random, OFFSET_KINDS),
                DIMS[random.nextInt(DIMS.length)]);
    }

    /** One to four tensors, with or without __metadata__. */
    static byte[] safetensors(SplittableRandom random) {
        int n = random.nextInt(1, 5);
        List<Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) entries.add(entry(random));
        int sl = slack(random);
        boolean meta = random.nextBoolean();
        Map<String, Object> header = new LinkedHashMap<>();
        if (meta) header.put("__metadata__", Map.of("format", "pt"));
        long off = 0, prevBegin = 0;
        int k = 0;
        for (Entry e : entries) {
            int w = Math.max(1, Safetensors.dtypeBytes(e.dtype()));
            long bytes = Math.min(count(e.shape()), 1 << 12) * w;
            long begin = off, end = off + bytes;
            switch (e.offsetKind()) {
                case 1 -> begin = e.edge();
                case 2 -> end = e.edge();
                case 3 -> { begin = prevBegin; end = prevBegin + bytes; }
                default -> { }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dtype", e.dtype());
            m.put("shape", new ArrayList<>(e.shape()));
            m.put("data_offsets", new long[]{begin, end});
            header.put("t" + k++, m);
            prevBegin = begin;
            off = Math.max(off, end);
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int data = (int) Math.max(0, Math.min(off, 1 << 16) + sl);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + data).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        return b.array();
    }
}
