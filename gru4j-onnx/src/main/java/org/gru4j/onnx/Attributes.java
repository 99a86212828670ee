package org.gru4j.onnx;

import org.gru4j.onnx.OnnxModel.Attribute;
import org.gru4j.onnx.OnnxModel.Node;

import java.util.ArrayList;
import java.util.List;

/** Typed reads of a node's attributes, with defaults; a wrongly typed attribute throws, naming node and attribute. */
final class Attributes {
    private Attributes() {}

    static boolean has(Node n, String name) {
        return n.attributes().containsKey(name);
    }

    static long i(Node n, String name, long fallback) {
        Attribute a = n.attributes().get(name);
        if (a == null) return fallback;
        if (a.type() != Attribute.INT) throw wrong(n, name, "an int");
        return a.i();
    }

    static float f(Node n, String name, float fallback) {
        Attribute a = n.attributes().get(name);
        if (a == null) return fallback;
        if (a.type() != Attribute.FLOAT) throw wrong(n, name, "a float");
        return a.f();
    }

    static String s(Node n, String name, String fallback) {
        Attribute a = n.attributes().get(name);
        if (a == null) return fallback;
        if (a.type() != Attribute.STRING) throw wrong(n, name, "a string");
        return OnnxReader.utf8(a.s());
    }

    /** ints, or null when absent. */
    static long[] ints(Node n, String name) {
        Attribute a = n.attributes().get(name);
        if (a == null) return null;
        if (a.type() != Attribute.INTS) throw wrong(n, name, "a list of ints");
        return a.ints();
    }

    /** floats, or null when absent. */
    static float[] floats(Node n, String name) {
        Attribute a = n.attributes().get(name);
        if (a == null) return null;
        if (a.type() != Attribute.FLOATS) throw wrong(n, name, "a list of floats");
        return a.floats();
    }

    /** strings, or null when absent. */
    static List<String> strings(Node n, String name) {
        Attribute a = n.attributes().get(name);
        if (a == null) return null;
        if (a.type() != Attribute.STRINGS) throw wrong(n, name, "a list of strings");
        List<String> out = new ArrayList<>();
        for (byte[] b : a.strings()) out.add(OnnxReader.utf8(b));
        return out;
    }

    static OnnxModel.TensorProto tensor(Node n, String name) {
        Attribute a = n.attributes().get(name);
        if (a == null) return null;
        if (a.type() != Attribute.TENSOR) throw wrong(n, name, "a tensor");
        return a.t();
    }

    private static IllegalArgumentException wrong(Node n, String name, String want) {
        return new IllegalArgumentException(n.opType() + " '" + n.name() + "': attribute '" + name + "' is not " + want);
    }
}
