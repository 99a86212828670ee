package org.gru4j.io;

import org.gru4j.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's .npy format, float32 only (format versions 1.0, 2.0 and 3.0; either byte order; C or Fortran order).
 * <pre>
 * "\x93NUMPY" major minor | header length (uint16 LE in 1.0, uint32 LE in 2.0/3.0) | header | data
 * header: {'descr': '&lt;f4', 'fortran_order': False, 'shape': (T, B, I), }  padded with spaces, ends in '\n'
 * </pre>
 */
public final class Npy {
    private Npy() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 20;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** What a .npy header says: dtype, order, shape, and where the data start in a file of the given size. */
    private record Header(String descr, boolean fortran, int[] shape, long dataStart, long size) {}

    private static Header header(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        ByteBuffer pre = readExactly(ch, file, 0, Math.min(size, 12), "the .npy preamble");
        if (size < 10 || !Arrays.equals(Arrays.copyOf(pre.array(), 6), MAGIC)) {
            throw new ModelFormatException(file, "not a .npy file (no \\x93NUMPY magic)");
        }
        int major = pre.get(6) & 0xff;
        long headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = pre.order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (size < 12) throw new ModelFormatException(file, "truncated .npy header");
            headerLen = pre.order(ByteOrder.LITTLE_ENDIAN).getInt(8) & 0xffffffffL;
            headerStart = 12;
        } else {
            throw new ModelFormatException(file, "unsupported .npy format version " + major);
        }
        if (headerLen > MAX_HEADER || headerStart + headerLen > size) {
            throw new ModelFormatException(file, "truncated or corrupt .npy header (declares " + headerLen + " bytes)");
        }
        String header = new String(readExactly(ch, file, headerStart, headerLen, "the .npy header").array(),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = field(file, header, DESCR, "descr");
        boolean fortran = field(file, header, FORTRAN, "fortran_order").equals("True");
        int[] shape = parseShape(file, field(file, header, SHAPE, "shape"));
        return new Header(descr, fortran, shape, headerStart + headerLen, size);
    }

    /**
     * An integer array read from a .npy file: its shape and values, row-major.
     *
     * @param shape the sizes of the dimensions
     * @param data the values, row-major
     */
    public record Ints(int[] shape, long[] data) {}

    /**
     * Reads an int32 or int64 .npy file (either byte order, C or Fortran order).
     *
     * @param file the .npy file
     * @return its shape and values
     * @throws IOException when the file cannot be read or is not an integer array, naming it
     */
    public static Ints readInts(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = header(ch, file);
            String d = h.descr();
            int width = d.endsWith("i8") ? 8 : d.endsWith("i4") ? 4 : 0;
            if (width == 0 || d.length() != 3 || "<>=|".indexOf(d.charAt(0)) < 0) {
                throw new ModelFormatException(file, "dtype '" + d + "' (" + dtypeName(d) + "); expected int32 ('<i4') or int64 ('<i8')");
            }
            long n = count(h.shape());
            if (n * width > Integer.MAX_VALUE - 8) throw new ModelFormatException(file, "shape " + Arrays.toString(h.shape()) + " is too large");
            if (h.size() - h.dataStart() != n * width) {
                throw new ModelFormatException(file, "shape " + Arrays.toString(h.shape()) + " needs " + n * width
                        + " bytes of " + dtypeName(d) + " data, the file has " + (h.size() - h.dataStart()));
            }
            ByteBuffer b = readExactly(ch, file, h.dataStart(), n * width, "the .npy data")
                    .order(d.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            long[] data = new long[(int) n];
            for (int k = 0; k < data.length; k++) data[k] = width == 8 ? b.getLong() : b.getInt();
            if (h.fortran() && h.shape().length > 1) {
                int[] src = fortranSource(h.shape());
                long[] c = new long[data.length];
                for (int k = 0; k < c.length; k++) c[k] = data[src[k]];
                data = c;
            }
            return new Ints(h.shape(), data);
        }
    }

    /**
     * Reads a float32 .npy file (either byte order, C or Fortran order).
     *
     * @param file the .npy file
     * @return the tensor
     * @throws IOException when the file cannot be read or is refused, naming it
     */
    public static Tensor read(Path file) throws IOException {
        LoadBudget.requireRegular(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = header(ch, file);
            long size = h.size();
            String descr = h.descr();
            boolean fortran = h.fortran();
            int[] shape = h.shape();
            ByteOrder order;
            if (descr.equals("<f4") || descr.equals("=f4")) order = ByteOrder.LITTLE_ENDIAN;
            else if (descr.equals(">f4")) order = ByteOrder.BIG_ENDIAN;
            else throw new ModelFormatException(file, "dtype '" + Untrusted.text(descr) + "' (" + dtypeName(descr)
                        + "); expected float32 ('<f4'): convert with x.astype(numpy.float32)");
            long n = count(shape);
            long dataStart = h.dataStart();
            if (n > Integer.MAX_VALUE - 8) throw new ModelFormatException(file, "shape " + Arrays.toString(shape) + " is too large");
            if (size - dataStart != n * 4) {
                throw new ModelFormatException(file, "shape " + Arrays.toString(shape) + " needs " + n * 4
                        + " bytes of float32 data, the file has " + (size - dataStart) + (size - dataStart < n * 4 ? " (truncated)" : ""));
            }
            float[] data = new float[(int) n];
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(order);
            long pos = dataStart;
            int filled = 0;
            while (filled < data.length) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), (long) (data.length - filled) * 4));
                while (buf.hasRemaining()) {
                    int r = ch.read(buf, pos);
                    if (r < 0) throw new ModelFormatException(file, "truncated .npy data");
                    pos += r;
                }
                buf.flip();
                int k = buf.remaining() / 4;
                buf.asFloatBuffer().get(data, filled, k);
                filled += k;
            }
            Tensor t = new Tensor(shape, data);
            return fortran ? fromFortran(t) : t;
        }
    }

    /**
     * Writes float32, C order, format 1.0 (2.0 when the header needs it); atomically.
     *
     * @param file the target
     * @param t the tensor
     * @throws IOException when writing fails
     */
    public static void write(Path file, Tensor t) throws IOException {
        // the shape as Python's repr of a tuple: (), (3,), (2, 3, 4)
        StringBuilder sh = new StringBuilder();
        for (int d : t.shape) sh.append(sh.length() == 0 ? "" : ", ").append(d);
        if (t.rank() == 1) sh.append(',');
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + sh + "), }";
        boolean v2 = dict.length() + 1 + 63 > 0xffff;
        int pre = v2 ? 12 : 10;
        int total = pre + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer head = ByteBuffer.allocate(pre + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) (v2 ? 2 : 1)).put((byte) 0);
        if (v2) head.putInt(header.length());
        else head.putShort((short) header.length());
        head.put(header.getBytes(StandardCharsets.ISO_8859_1)).flip();
        AtomicFile.write(file, ch -> {
            AtomicFile.writeFully(ch, head);
            AtomicFile.writeFloats(ch, t.data, null);
        });
    }

    private static ByteBuffer readExactly(FileChannel ch, Path file, long pos, long len, String what) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) len);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) throw new ModelFormatException(file, "truncated: end of file inside " + what);
        }
        b.flip();
        return b;
    }

    /**
     * The value of one key of the header dict. A key given twice is refused: numpy would take the last, an earlier
     * reader of the file the first, and the two would read different arrays.
     */
    private static String field(Path file, String header, Pattern p, String name) throws ModelFormatException {
        Matcher keys = Pattern.compile("['\"]" + name + "['\"]\\s*:").matcher(header);
        if (keys.find() && keys.find()) {
            throw new ModelFormatException(file, "the .npy header gives '" + name + "' twice: " + Untrusted.text(header.trim()));
        }
        Matcher m = p.matcher(header);
        if (!m.find()) throw new ModelFormatException(file, "the .npy header has no valid '" + name + "': " + Untrusted.text(header.trim()));
        return m.group(1);
    }

    private static int[] parseShape(Path file, String s) throws ModelFormatException {
        String[] parts = s.split(",");
        int n = 0;
        int[] shape = new int[parts.length];
        for (String p : parts) {
            p = p.trim();
            if (p.isEmpty()) continue;
            if (p.endsWith("L")) p = p.substring(0, p.length() - 1);
            try {
                long d = Long.parseLong(p);
                if (d < 0 || d > Integer.MAX_VALUE) throw new NumberFormatException();
                shape[n++] = (int) d;
            } catch (NumberFormatException e) {
                throw new ModelFormatException(file, "bad dimension '" + Untrusted.text(p) + "' in the .npy shape (" + Untrusted.text(s) + ")");
            }
        }
        return Arrays.copyOf(shape, n);
    }

    /** Number of values a shape holds, saturating at Long.MAX_VALUE (a hostile shape must not wrap around). */
    private static long count(int[] shape) {
        long n = 1;
        for (int d : shape) if (d == 0) return 0;
        for (int d : shape) n = n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d;
        return n;
    }

    private static String dtypeName(String descr) {
        String k = descr.length() > 1 ? descr.substring(1) : descr;
        return switch (k) {
            case "f4" -> "float32";
            case "f8" -> "float64";
            case "f2" -> "float16";
            case "i8" -> "int64";
            case "i4" -> "int32";
            case "i2" -> "int16";
            case "i1" -> "int8";
            case "u1" -> "uint8";
            case "b1" -> "bool";
            default -> "not float32";
        };
    }

    /** For each row-major position of shape, the position of the same element in Fortran (column-major) order. */
    private static int[] fortranSource(int[] shape) {
        int r = shape.length;
        int[] src = new int[(int) count(shape)];
        int[] idx = new int[r];
        long[] fStride = new long[r];
        long st = 1;
        for (int i = 0; i < r; i++) {
            fStride[i] = st;
            st *= shape[i];
        }
        for (int flat = 0; flat < src.length; flat++) {
            long at = 0;
            for (int i = 0; i < r; i++) at += idx[i] * fStride[i];
            src[flat] = (int) at;
            for (int i = r - 1; i >= 0; i--) {
                if (++idx[i] < shape[i]) break;
                idx[i] = 0;
            }
        }
        return src;
    }

    /** Fortran (column-major) data of shape s to row-major. */
    private static Tensor fromFortran(Tensor t) {
        if (t.rank() < 2) return t;
        int[] src = fortranSource(t.shape);
        float[] out = new float[t.data.length];
        for (int flat = 0; flat < out.length; flat++) out[flat] = t.data[src[flat]];
        return new Tensor(t.shape, out);
    }
}
