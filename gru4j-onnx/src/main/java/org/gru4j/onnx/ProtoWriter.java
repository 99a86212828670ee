package org.gru4j.onnx;

import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Builds ONNX protobuf messages as bytes with protobuf's wire-format writer; field numbers as listed in
 * {@link OnnxModel}. Each method returns one serialized message, to be embedded with {@link Msg#message}.
 */
final class ProtoWriter {
    private ProtoWriter() {}

    /** One message being written. */
    static final class Msg {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        Msg string(int field, String s) {
            try {
                out.writeString(field, s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Msg int64(int field, long v) {
            try {
                out.writeInt64(field, v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Msg float32(int field, float v) {
            try {
                out.writeFloat(field, v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Msg bytes(int field, byte[] b) {
            try {
                out.writeByteArray(field, b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Msg message(int field, byte[] m) {
            return bytes(field, m);   // an embedded message travels as length-delimited bytes
        }

        byte[] toBytes() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }

    /** TensorProto: dims 1, data_type 2, name 8, raw_data 9 (float32 little-endian). */
    static byte[] floatTensor(String name, int[] dims, float[] data) {
        Msg m = new Msg();
        for (int d : dims) m.int64(1, d);
        m.int64(2, TensorData.FLOAT).string(8, name);
        ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) b.putFloat(f);
        return m.bytes(9, b.array()).toBytes();
    }

    static byte[] int64Tensor(String name, long[] data) {
        Msg m = new Msg().int64(1, data.length).int64(2, TensorData.INT64).string(8, name);
        ByteBuffer b = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : data) b.putLong(v);
        return m.bytes(9, b.array()).toBytes();
    }

    /** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5. */
    static byte[] node(String op, String name, List<String> inputs, List<String> outputs, List<byte[]> attributes) {
        Msg m = new Msg();
        for (String i : inputs) m.string(1, i);
        for (String o : outputs) m.string(2, o);
        m.string(3, name).string(4, op);
        for (byte[] a : attributes) m.message(5, a);
        return m.toBytes();
    }

    /** AttributeProto: name 1, f 2, i 3, s 4, ints 8, strings 9, type 20. */
    static byte[] intAttr(String name, long v) {
        return new Msg().string(1, name).int64(3, v).int64(20, OnnxModel.Attribute.INT).toBytes();
    }

    static byte[] stringAttr(String name, String v) {
        return new Msg().string(1, name).bytes(4, v.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .int64(20, OnnxModel.Attribute.STRING).toBytes();
    }

    static byte[] intsAttr(String name, long... v) {
        Msg m = new Msg().string(1, name);
        for (long x : v) m.int64(8, x);
        return m.int64(20, OnnxModel.Attribute.INTS).toBytes();
    }

    static byte[] stringsAttr(String name, List<String> v) {
        Msg m = new Msg().string(1, name);
        for (String s : v) m.bytes(9, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return m.int64(20, OnnxModel.Attribute.STRINGS).toBytes();
    }

    /** ValueInfoProto of a float tensor; each dim a Long (dim_value) or a String (dim_param). */
    static byte[] valueInfo(String name, Object... dims) {
        Msg shape = new Msg();
        for (Object d : dims) {
            Msg dim = d instanceof String s ? new Msg().string(2, s) : new Msg().int64(1, ((Number) d).longValue());
            shape.message(1, dim.toBytes());
        }
        byte[] tensorType = new Msg().int64(1, TensorData.FLOAT).message(2, shape.toBytes()).toBytes();
        byte[] type = new Msg().message(1, tensorType).toBytes();
        return new Msg().string(1, name).message(2, type).toBytes();
    }
}
