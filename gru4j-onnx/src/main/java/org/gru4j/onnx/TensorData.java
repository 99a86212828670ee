package org.gru4j.onnx;

import org.gru4j.io.Untrusted;
import org.gru4j.onnx.OnnxModel.TensorProto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Turns a stored TensorProto into a {@link Value}: raw_data (little-endian) or the typed repeated fields, or, for
 * data_location EXTERNAL, the bytes [offset, offset+length) of the file named by "location", relative to the
 * model's directory (a location that leaves that directory is refused).
 * Floating types (float, double, float16, bfloat16) become float32; integer types and bool become int64.
 */
final class TensorData {
    private TensorData() {}

    // TensorProto.DataType
    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, STRING = 8, BOOL = 9,
            FLOAT16 = 10, DOUBLE = 11, UINT32 = 12, UINT64 = 13, BFLOAT16 = 16;

    static Value decode(TensorProto t, Path dir, String what) throws IOException {
        int[] shape = new int[t.dims().length];
        for (int k = 0; k < shape.length; k++) {
            long d = t.dims()[k];
            if (d < 0 || d > Value.MAX_SIZE) {
                throw new IllegalArgumentException(what + " has dimension " + d + " in dims " + Arrays.toString(t.dims()));
            }
            shape[k] = (int) d;
        }
        int n = (int) Value.size(shape, what);
        int width = width(t.dataType(), what);
        if ((long) n * width > Value.MAX_SIZE) throw new IllegalArgumentException(what + " of shape " + Arrays.toString(shape) + " is too large");
        byte[] raw = t.raw();
        if (t.externalLocation()) raw = external(t, dir, (long) n * width, what);
        boolean isFloat = isFloat(t.dataType());
        if (raw != null) {
            if (raw.length != (long) n * width) {
                throw new IllegalArgumentException(what + ": " + raw.length + " bytes of data for shape " + Arrays.toString(shape)
                        + " of " + typeName(t.dataType()) + " (" + (long) n * width + " expected)");
            }
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            if (isFloat) {
                float[] f = new float[n];
                for (int k = 0; k < n; k++) {
                    f[k] = switch (t.dataType()) {
                        case FLOAT -> b.getFloat();
                        case DOUBLE -> (float) b.getDouble();
                        case FLOAT16 -> half(b.getShort());
                        default -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);   // bfloat16
                    };
                }
                return Value.floats(shape, f);
            }
            long[] l = new long[n];
            for (int k = 0; k < n; k++) {
                l[k] = switch (t.dataType()) {
                    case INT64, UINT64 -> b.getLong();
                    case INT32 -> b.getInt();
                    case UINT32 -> b.getInt() & 0xffffffffL;
                    case INT16 -> b.getShort();
                    case UINT16 -> b.getShort() & 0xffff;
                    case INT8 -> b.get();
                    default -> b.get() & 0xff;   // uint8, bool
                };
            }
            return t.dataType() == BOOL ? Value.bools(shape, l) : Value.ints(shape, l);
        }
        // typed fields: float_data (float), double_data (double), int32_data (int32 and narrower, bool, and the bits of
        // float16/bfloat16), int64_data, uint64_data (uint32, uint64)
        int have = t.dataType() == FLOAT ? t.floatData().length : t.dataType() == DOUBLE ? t.doubleData().length : t.intData().length;
        if (have != n) {
            throw new IllegalArgumentException(what + ": " + have + " values for shape " + Arrays.toString(shape) + " (" + n + " expected)");
        }
        if (isFloat) {
            float[] f = new float[n];
            for (int k = 0; k < n; k++) {
                f[k] = switch (t.dataType()) {
                    case FLOAT -> t.floatData()[k];
                    case DOUBLE -> (float) t.doubleData()[k];
                    case FLOAT16 -> half((short) t.intData()[k]);
                    default -> Float.intBitsToFloat((int) (t.intData()[k] & 0xffff) << 16);
                };
            }
            return Value.floats(shape, f);
        }
        long[] l = t.intData().clone();
        return t.dataType() == BOOL ? Value.bools(shape, l) : Value.ints(shape, l);
    }

    /**
     * What decoding t allocates, for the load budget: its values (4 bytes a float32, 8 an int64, as {@link Value} holds
     * them) plus the bytes read from external data; saturating. Shapes and types decode refuses count as 0.
     */
    static long cost(TensorProto t) {
        long n = 1;
        for (long d : t.dims()) {
            if (d < 0) return 0;
            n = d == 0 ? 0 : n > (Long.MAX_VALUE / 32) / d ? Long.MAX_VALUE / 32 : n * d;
        }
        if (n > Value.MAX_SIZE) return 0;   // decode refuses it as too large, naming it
        int width = switch (t.dataType()) {
            case FLOAT, INT32, UINT32 -> 4;
            case DOUBLE, INT64, UINT64 -> 8;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case INT8, UINT8, BOOL -> 1;
            default -> 0;
        };
        return n * ((isFloat(t.dataType()) ? 4 : 8) + (t.externalLocation() ? width : 0));
    }

    static boolean isFloat(int type) {
        return type == FLOAT || type == DOUBLE || type == FLOAT16 || type == BFLOAT16;
    }

    private static int width(int type, String what) {
        return switch (type) {
            case FLOAT, INT32, UINT32 -> 4;
            case DOUBLE, INT64, UINT64 -> 8;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case INT8, UINT8, BOOL -> 1;
            default -> throw new IllegalArgumentException(what + " has data type " + typeName(type) + ", which gru4j does not read");
        };
    }

    static String typeName(int type) {
        return switch (type) {
            case FLOAT -> "float"; case UINT8 -> "uint8"; case INT8 -> "int8"; case UINT16 -> "uint16";
            case INT16 -> "int16"; case INT32 -> "int32"; case INT64 -> "int64"; case STRING -> "string";
            case BOOL -> "bool"; case FLOAT16 -> "float16"; case DOUBLE -> "double"; case UINT32 -> "uint32";
            case UINT64 -> "uint64"; case 14 -> "complex64"; case 15 -> "complex128"; case BFLOAT16 -> "bfloat16";
            default -> "type " + type;
        };
    }

    /** The external bytes of t: location relative to dir, optional offset and length. */
    private static byte[] external(TensorProto t, Path dir, long expected, String what) throws IOException {
        String location = t.external().get("location");
        if (location == null || location.isEmpty()) throw new IllegalArgumentException(what + ": external data without a location");
        long offset = number(t, "offset", 0, what), length = number(t, "length", expected, what);
        if (length != expected) {
            throw new IllegalArgumentException(what + ": external data length " + length + " does not fit its shape (" + expected + " bytes)");
        }
        Path base = dir.toRealPath();
        Path file;
        boolean absolute;
        try {
            file = base.resolve(location).normalize();
            absolute = Path.of(location).isAbsolute();
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException(what + ": external data location '" + Untrusted.text(location) + "' is not a valid path (" + e.getReason() + ")");
        }
        if (absolute || !file.startsWith(base)) {
            throw new IllegalArgumentException(what + ": external data location '" + Untrusted.text(location) + "' is outside the model's directory");
        }
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(what + ": external data file '" + Untrusted.text(location) + "' not found in " + base);
        if (!file.toRealPath().startsWith(base)) {
            throw new IllegalArgumentException(what + ": external data location '" + Untrusted.text(location) + "' links outside the model's directory");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (offset + length > ch.size()) {
                throw new IllegalArgumentException(what + ": external data [" + offset + ", " + (offset + length) + ") is past the end of '"
                        + Untrusted.text(location) + "' (" + ch.size() + " bytes)");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) length);
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) throw new IOException(location + ": unexpected end of file");
            }
            return buf.array();
        }
    }

    private static long number(TensorProto t, String key, long fallback, String what) {
        String s = t.external().get(key);
        if (s == null) return fallback;
        try {
            long v = Long.parseLong(s.trim());
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": external data " + key + " '" + s + "' is not a non-negative integer");
        }
    }

    /** IEEE 754 binary16 to float. */
    static float half(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16, exp = (bits >>> 10) & 0x1f, mant = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
