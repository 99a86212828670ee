package org.gru4j.io;

import org.gru4j.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face): no code, only a JSON header and raw little-endian tensor bytes.
 * <pre>
 * u64 LE N | N bytes of JSON: {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}, …} | data
 * </pre>
 * Offsets are relative to the start of the data. Every header field is checked against the file before a byte of
 * data is read: the header length, each dtype, shape and byte range, and that no two tensors overlap. Floating-point
 * and integer dtypes are converted to float32 on reading; writing is float32.
 */
public final class Safetensors {
    private Safetensors() {}

    /** The spec's own limit on the header size. */
    static final long MAX_HEADER = 100L << 20;

    /**
     * What a file holds: its tensors in header order and its {@code __metadata__} (empty when absent).
     *
     * @param tensors name → tensor
     * @param metadata the string metadata
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        /**
         * The values of all tensors: what a config read from the metadata may ask for at most.
         *
         * @return the count
         */
        public long values() {
            long n = 0;
            for (Tensor t : tensors.values()) n += t.data.length;
            return n;
        }
    }

    private record Entry(String name, String dtype, int[] shape, long begin, long end) {}

    /** Tensors in one file: above this a header is refused (a real checkpoint shard holds a few thousand). */
    static final int MAX_TENSORS = 1 << 20;

    /**
     * Reads the file, checking every header field against it before a byte of data is read. Linear in the header:
     * entries are turned into compact records one at a time as the JSON is parsed, and what the load allocates (the
     * header text, each tensor's float32 values) is charged to the file's {@link LoadBudget}.
     *
     * @param file the .safetensors file
     * @return its tensors (as float32) and metadata
     * @throws IOException when the file cannot be read or is refused, naming the field or tensor
     */
    public static Contents read(Path file) throws IOException {
        LoadBudget budget = LoadBudget.of(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new ModelFormatException(file, "not a safetensors file (" + size + " bytes, no header)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            while (lenBuf.hasRemaining()) if (ch.read(lenBuf, lenBuf.position()) < 0) break;
            long n = lenBuf.getLong(0);
            if (n < 2 || n > MAX_HEADER || n > size - 8) {
                throw new ModelFormatException(file, "not a safetensors file: header length " + Long.toUnsignedString(n)
                        + (n > size - 8 || n < 0 ? " exceeds the file's " + size + " bytes" : n > MAX_HEADER ? " exceeds the 100 MB limit" : " is too small"));
            }
            budget.charge(3 * n, "the " + n + "-byte header");   // its bytes, then its text
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            while (hb.hasRemaining()) if (ch.read(hb, 8 + hb.position()) < 0) throw new ModelFormatException(file, "truncated header");
            String text = new String(hb.array(), StandardCharsets.UTF_8);
            hb = null;
            String first = text.stripLeading();
            if (!first.isEmpty() && first.charAt(0) != '{' && "[\"0123456789-tfn".indexOf(first.charAt(0)) >= 0) {
                try {   // say whether it is JSON at all; a long one is not parsed for that
                    if (text.length() < SMALL) Json.parse(text);
                } catch (Json.ParseException e) {
                    throw new ModelFormatException(file, "safetensors header is not valid JSON: " + e.getMessage());
                }
                throw new ModelFormatException(file, "safetensors header is not a JSON object");
            }
            long dataStart = 8 + n, dataLen = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Entry> entries = new LinkedHashMap<>();
            boolean[] sawMetadata = {false};
            try {
                Json.parseObject(text, (name, value, at) -> {
                    if (name.equals("__metadata__")) {
                        if (sawMetadata[0]) throw new Json.ParseException("duplicate key \"__metadata__\"", at);
                        sawMetadata[0] = true;
                        metadata(file, value, metadata);
                        return;
                    }
                    if (entries.size() >= MAX_TENSORS) throw new Json.ParseException("more than " + MAX_TENSORS + " tensors", at);
                    if (entries.containsKey(name)) throw new Json.ParseException("duplicate key \"" + Untrusted.text(name) + "\"", at);
                    try {
                        entries.put(name, entry(file, name, value, dataLen));
                    } catch (ModelFormatException e) {
                        throw new Refused(e);
                    }
                });
            } catch (Json.ParseException e) {
                throw new ModelFormatException(file, "safetensors header is not valid JSON: " + e.getMessage());
            } catch (Refused r) {
                throw r.e;
            }
            text = null;
            List<Entry> byOffset = new ArrayList<>(entries.values());
            // by begin, then end: an empty tensor at another's first byte does not overlap it
            byOffset.sort((a, b) -> a.begin != b.begin ? Long.compare(a.begin, b.begin) : Long.compare(a.end, b.end));
            for (int i = 1; i < byOffset.size(); i++) {
                Entry a = byOffset.get(i - 1), b = byOffset.get(i);
                if (b.begin < a.end) {
                    throw new ModelFormatException(file, "tensors '" + Untrusted.text(a.name) + "' and '" + Untrusted.text(b.name)
                            + "' overlap (bytes " + a.begin + "–" + a.end + " and " + b.begin + "–" + b.end + ")");
                }
            }
            byOffset = null;
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            byte[] small = new byte[SMALL];
            for (Entry en : entries.values()) {
                long values = (en.end - en.begin) / dtypeBytes(en.dtype);
                budget.charge(4 * values + 64, "tensor '" + Untrusted.text(en.name) + "'");
                tensors.put(en.name, load(ch, dataStart, en, small));
            }
            return new Contents(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
        }
    }

    /** A ModelFormatException carried out of the JSON member callback. */
    private static final class Refused extends RuntimeException {
        final ModelFormatException e;

        Refused(ModelFormatException e) {
            super(null, null, false, false);
            this.e = e;
        }
    }

    private static void metadata(Path file, Object value, Map<String, String> metadata) {
        try {
            if (!(value instanceof Map<?, ?> m)) throw new ModelFormatException(file, "__metadata__ is not an object");
            for (Map.Entry<?, ?> me : m.entrySet()) {
                if (!(me.getValue() instanceof String v)) {
                    throw new ModelFormatException(file, "__metadata__ value of '" + Untrusted.text(me.getKey()) + "' is not a string");
                }
                metadata.put((String) me.getKey(), v);
            }
        } catch (ModelFormatException e) {
            throw new Refused(e);
        }
    }

    /**
     * Float32 tensors under their names, with string metadata; written atomically.
     *
     * @param file the target
     * @param tensors name → tensor, in the order they are written
     * @param metadata the {@code __metadata__} fields
     * @throws IOException when writing fails
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<>(metadata));
        long off = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("'__metadata__' cannot name a tensor");
            Map<String, Object> en = new LinkedHashMap<>();
            en.put("dtype", "F32");
            en.put("shape", e.getValue().shape);
            long bytes = 4L * e.getValue().data.length;
            en.put("data_offsets", new long[]{off, off + bytes});
            off += bytes;
            header.put(e.getKey(), en);
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8;
        ByteBuffer head = ByteBuffer.allocate(8 + json.length + pad).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(json.length + pad).put(json);
        for (int i = 0; i < pad; i++) head.put((byte) ' ');
        head.flip();
        AtomicFile.write(file, ch -> {
            AtomicFile.writeFully(ch, head);
            ByteBuffer buf = null;
            for (Tensor t : tensors.values()) buf = AtomicFile.writeFloats(ch, t.data, buf);
        });
    }

    static int dtypeBytes(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL" -> 1;
            default -> -1;
        };
    }

    private static Entry entry(Path file, String name, Object value, long dataLen) throws ModelFormatException {
        String where = "tensor '" + Untrusted.text(name) + "'";
        if (!(value instanceof Map<?, ?> m)) throw new ModelFormatException(file, where + ": header entry is not an object");
        if (!(m.get("dtype") instanceof String dtype)) throw new ModelFormatException(file, where + ": no dtype");
        int width = dtypeBytes(dtype);
        if (width < 0) throw new ModelFormatException(file, where + ": unsupported dtype " + Untrusted.text(dtype));
        if (!(m.get("shape") instanceof List<?> sl)) throw new ModelFormatException(file, where + ": no shape");
        if (sl.size() > 32) throw new ModelFormatException(file, where + ": " + sl.size() + " dimensions");
        int[] shape = new int[sl.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(sl.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new ModelFormatException(file, where + ": bad dimension " + Untrusted.text(sl.get(i)) + " in shape " + Untrusted.text(sl));
            }
            shape[i] = (int) (long) d;
            count = d == 0 ? 0 : (count > (Long.MAX_VALUE / 8) / d ? Long.MAX_VALUE / 8 : count * d);
        }
        if (!(m.get("data_offsets") instanceof List<?> ol) || ol.size() != 2
                || !(ol.get(0) instanceof Long begin) || !(ol.get(1) instanceof Long end)) {
            throw new ModelFormatException(file, where + ": data_offsets is not [begin, end]");
        }
        if (begin < 0 || end < begin || end > dataLen) {
            throw new ModelFormatException(file, where + ": data_offsets [" + begin + ", " + end + "] outside the "
                    + dataLen + " data bytes");
        }
        if (count * width != end - begin) {
            throw new ModelFormatException(file, where + ": " + dtype + " shape " + sl + " needs " + count * width
                    + " bytes, data_offsets give " + (end - begin));
        }
        if (count > Integer.MAX_VALUE - 8) throw new ModelFormatException(file, where + ": too large for one array (" + count + " values)");
        return new Entry(name, dtype, shape, begin, end);
    }

    /** Tensors of up to this many bytes are read into one reused buffer; larger ones are mapped. */
    private static final int SMALL = 1 << 16;

    private static Tensor load(FileChannel ch, long dataStart, Entry e, byte[] small) throws IOException {
        int n = (int) ((e.end - e.begin) / dtypeBytes(e.dtype));
        float[] out = new float[n];
        if (n == 0) return new Tensor(e.shape, out);
        ByteBuffer b;
        int bytes = (int) (e.end - e.begin);
        if (bytes <= small.length) {   // a pread, not a mapping per tensor: a million small tensors stay fast
            b = ByteBuffer.wrap(small, 0, bytes).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) if (ch.read(b, dataStart + e.begin + b.position()) < 0) throw new java.io.EOFException();
            b.clear();
        } else {
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin, e.end - e.begin);
            b = map.order(ByteOrder.LITTLE_ENDIAN);
        }
        switch (e.dtype) {
            case "F32" -> b.asFloatBuffer().get(out, 0, n);
            case "F64" -> { for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(8 * i); }
            case "F16" -> { for (int i = 0; i < n; i++) out[i] = Half.toFloat(b.getShort(2 * i)); }
            case "BF16" -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16); }
            case "I64" -> { for (int i = 0; i < n; i++) out[i] = b.getLong(8 * i); }
            case "U64" -> { for (int i = 0; i < n; i++) out[i] = Float.parseFloat(Long.toUnsignedString(b.getLong(8 * i))); }
            case "I32" -> { for (int i = 0; i < n; i++) out[i] = b.getInt(4 * i); }
            case "U32" -> { for (int i = 0; i < n; i++) out[i] = b.getInt(4 * i) & 0xffffffffL; }
            case "I16" -> { for (int i = 0; i < n; i++) out[i] = b.getShort(2 * i); }
            case "U16" -> { for (int i = 0; i < n; i++) out[i] = b.getShort(2 * i) & 0xffff; }
            case "I8" -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
            case "U8", "BOOL" -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff; }
            default -> throw new IllegalStateException(e.dtype);
        }
        return new Tensor(e.shape, out);
    }
}
