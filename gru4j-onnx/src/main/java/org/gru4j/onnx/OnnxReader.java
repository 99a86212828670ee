package org.gru4j.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import org.gru4j.io.LoadBudget;
import org.gru4j.io.ModelFormatException;
import org.gru4j.io.Untrusted;
import org.gru4j.onnx.OnnxModel.Attribute;
import org.gru4j.onnx.OnnxModel.Graph;
import org.gru4j.onnx.OnnxModel.Node;
import org.gru4j.onnx.OnnxModel.TensorProto;
import org.gru4j.onnx.OnnxModel.ValueInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an .onnx file (a serialized ModelProto) with protobuf's wire-format reader, keeping the fields
 * {@link OnnxModel} lists and skipping every other. Repeated numeric fields are accepted packed and unpacked.
 */
public final class OnnxReader {
    private OnnxReader() {}

    /**
     * Reads the model and checks what decoding its initializers will allocate against the load budget
     * ({@link LoadBudget}: 64 MiB + 8 × the bytes of the model file and of the external data files it names), before
     * any initializer is decoded: 300 uint8 initializers that share one 10 MB external blob would decode to 24 GB.
     *
     * @param file the .onnx file
     * @return the model
     * @throws IOException when the file cannot be read, is not a ModelProto, or would pass the load budget
     */
    public static OnnxModel read(Path file) throws IOException {
        LoadBudget.requireRegular(file);
        byte[] bytes = Files.readAllBytes(file);
        Path dir = file.toAbsolutePath().getParent();
        OnnxModel m;
        try {
            m = model(CodedInputStream.newInstance(bytes), dir);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new ModelFormatException(file, "not a readable ONNX model (" + Untrusted.text(e.getMessage()) + ")", e);
        }
        checkBudget(file, m, bytes.length);
        return m;
    }

    private static void checkBudget(Path file, OnnxModel m, long modelBytes) throws IOException {
        long size = modelBytes;
        Set<String> seen = new HashSet<>();
        for (TensorProto t : m.graph().initializers()) {
            String location = t.externalLocation() ? t.external().get("location") : null;
            if (location == null || !seen.add(location)) continue;
            try {
                Path f = m.dir().resolve(location);
                if (Files.isRegularFile(f)) size += Files.size(f);
            } catch (RuntimeException | IOException e) {
                // a bad location is refused, naming it, when the initializer is decoded
            }
        }
        LoadBudget budget = LoadBudget.forBytes(file, size);
        for (TensorProto t : m.graph().initializers()) budget.charge(TensorData.cost(t), "initializer '" + Untrusted.text(t.name()) + "'");
    }

    /**
     * The values of all initializers as their dims declare them (saturating): what a config in the metadata may ask for at most.
     *
     * @param m the model
     * @return the count
     */
    public static long values(OnnxModel m) {
        long n = 0;
        for (TensorProto t : m.graph().initializers()) {
            long c = 1;
            for (long d : t.dims()) c = d <= 0 ? 0 : c > Long.MAX_VALUE / 4 / d ? Long.MAX_VALUE / 4 : c * d;
            n = Math.min(Long.MAX_VALUE / 4, n + c);
        }
        return n;
    }

    /**
     * Parses the bytes of a ModelProto; dir is where external data is looked for.
     *
     * @param bytes the ModelProto's bytes
     * @param dir where external data is looked for
     * @return the model
     * @throws IOException when the bytes are not a ModelProto gru4j reads
     */
    public static OnnxModel parse(byte[] bytes, Path dir) throws IOException {
        return model(CodedInputStream.newInstance(bytes), dir);
    }

    private static OnnxModel model(CodedInputStream in, Path dir) throws IOException {
        long ir = 0;
        Map<String, Long> opsets = new LinkedHashMap<>();
        Graph graph = null;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> ir = in.readInt64();
                case 7 -> graph = message(in, OnnxReader::graph);
                case 8 -> {
                    String[] domain = {""};
                    long[] version = {1};
                    message(in, m -> {
                        for (int t; (t = m.readTag()) != 0; ) {
                            switch (WireFormat.getTagFieldNumber(t)) {
                                case 1 -> domain[0] = m.readString();
                                case 2 -> version[0] = m.readInt64();
                                default -> m.skipField(t);
                            }
                        }
                        return null;
                    });
                    opsets.put(domain[0], version[0]);
                }
                default -> in.skipField(tag);
            }
        }
        if (graph == null) throw new InvalidProtocolBufferException("the model has no graph");
        return new OnnxModel(ir, opsets, graph, dir);
    }

    /** Subgraphs (If / Loop / Scan bodies) nest at most this deep: a file cannot buy a stack overflow. */
    static final int MAX_GRAPH_DEPTH = 32;
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private static Graph graph(CodedInputStream in) throws IOException {
        int[] depth = DEPTH.get();
        if (depth[0] >= MAX_GRAPH_DEPTH) throw new InvalidProtocolBufferException("subgraphs nest deeper than " + MAX_GRAPH_DEPTH);
        depth[0]++;
        try {
            return graphBody(in);
        } finally {
            depth[0]--;
        }
    }

    private static Graph graphBody(CodedInputStream in) throws IOException {
        String name = "";
        List<Node> nodes = new ArrayList<>();
        List<TensorProto> inits = new ArrayList<>();
        List<ValueInfo> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> nodes.add(message(in, OnnxReader::node));
                case 2 -> name = in.readString();
                case 5 -> inits.add(message(in, OnnxReader::tensor));
                case 11 -> inputs.add(message(in, OnnxReader::valueInfo));
                case 12 -> outputs.add(message(in, OnnxReader::valueInfo));
                default -> in.skipField(tag);
            }
        }
        return new Graph(name, nodes, inits, inputs, outputs);
    }

    private static Node node(CodedInputStream in) throws IOException {
        List<String> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        String name = "", op = "", domain = "";
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(in.readString());
                case 2 -> outputs.add(in.readString());
                case 3 -> name = in.readString();
                case 4 -> op = in.readString();
                case 5 -> {
                    Attribute a = message(in, OnnxReader::attribute);
                    attrs.put(a.name(), a);
                }
                case 7 -> domain = in.readString();
                default -> in.skipField(tag);
            }
        }
        return new Node(name, op, domain, inputs, outputs, attrs);
    }

    private static Attribute attribute(CodedInputStream in) throws IOException {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        byte[] s = null;
        TensorProto t = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        List<byte[]> strings = new ArrayList<>();
        boolean sawGraph = false;
        Graph g = null;
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            switch (field) {
                case 1 -> name = in.readString();
                case 2 -> f = in.readFloat();
                case 3 -> i = in.readInt64();
                case 4 -> s = in.readByteArray();
                case 5 -> t = message(in, OnnxReader::tensor);
                case 6 -> {
                    sawGraph = true;
                    g = message(in, OnnxReader::graph);   // If / Loop / Scan bodies
                }
                case 11 -> {
                    sawGraph = true;
                    in.skipField(tag);
                }
                case 7 -> floats.read(in, tag);
                case 8 -> ints.read(in, tag);
                case 9 -> strings.add(in.readByteArray());
                case 20 -> type = in.readEnum();
                default -> in.skipField(tag);
            }
        }
        if (type == 0) {   // IR < 3 writers may leave the discriminator out: infer it from what is set
            type = sawGraph ? Attribute.GRAPH : t != null ? Attribute.TENSOR : s != null ? Attribute.STRING
                    : floats.size > 0 ? Attribute.FLOATS : ints.size > 0 ? Attribute.INTS
                    : !strings.isEmpty() ? Attribute.STRINGS : f != 0 ? Attribute.FLOAT : Attribute.INT;
        }
        return new Attribute(name, type, f, i, s, t, floats.toArray(), ints.toArray(), strings, g);
    }

    static TensorProto tensor(CodedInputStream in) throws IOException {
        LongList dims = new LongList(), ints = new LongList();
        FloatList floats = new FloatList();
        List<Double> doubles = new ArrayList<>();
        int type = 0;
        String name = "";
        byte[] raw = null;
        Map<String, String> external = new LinkedHashMap<>();
        boolean externalLocation = false;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> dims.read(in, tag);
                case 2 -> type = in.readInt32();
                case 4 -> floats.read(in, tag);
                case 5, 7 -> ints.read(in, tag);
                case 8 -> name = in.readString();
                case 9 -> raw = in.readByteArray();
                case 10 -> readDoubles(in, tag, doubles);
                case 11 -> ints.readUnsigned(in, tag);
                case 13 -> {
                    String[] kv = {"", ""};
                    message(in, m -> {
                        for (int t; (t = m.readTag()) != 0; ) {
                            switch (WireFormat.getTagFieldNumber(t)) {
                                case 1 -> kv[0] = m.readString();
                                case 2 -> kv[1] = m.readString();
                                default -> m.skipField(t);
                            }
                        }
                        return null;
                    });
                    external.put(kv[0], kv[1]);
                }
                case 14 -> externalLocation = in.readEnum() == 1;
                default -> in.skipField(tag);
            }
        }
        double[] d = new double[doubles.size()];
        for (int k = 0; k < d.length; k++) d[k] = doubles.get(k);
        return new TensorProto(name, dims.toArray(), type, raw, floats.toArray(), ints.toArray(), d, external, externalLocation);
    }

    private static ValueInfo valueInfo(CodedInputStream in) throws IOException {
        String name = "";
        int[] elem = {0};
        List<Object> dims = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = in.readString();
                case 2 -> message(in, type -> {                         // TypeProto
                    for (int t; (t = type.readTag()) != 0; ) {
                        if (WireFormat.getTagFieldNumber(t) != 1) { type.skipField(t); continue; }
                        message(type, tt -> {                           // TypeProto.Tensor
                            for (int u; (u = tt.readTag()) != 0; ) {
                                switch (WireFormat.getTagFieldNumber(u)) {
                                    case 1 -> elem[0] = tt.readInt32();
                                    case 2 -> message(tt, shape -> {    // TensorShapeProto
                                        for (int v; (v = shape.readTag()) != 0; ) {
                                            if (WireFormat.getTagFieldNumber(v) != 1) { shape.skipField(v); continue; }
                                            dims.add(message(shape, OnnxReader::dimension));
                                        }
                                        return null;
                                    });
                                    default -> tt.skipField(u);
                                }
                            }
                            return null;
                        });
                    }
                    return null;
                });
                default -> in.skipField(tag);
            }
        }
        return new ValueInfo(name, elem[0], dims);
    }

    /** A Long (dim_value), a String (dim_param) or "?" when neither is set. */
    private static Object dimension(CodedInputStream in) throws IOException {
        Object d = "?";
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> d = in.readInt64();
                case 2 -> d = in.readString();
                default -> in.skipField(tag);
            }
        }
        return d;
    }

    private interface Body<T> {
        T read(CodedInputStream in) throws IOException;
    }

    /** Reads one length-delimited embedded message with body. */
    private static <T> T message(CodedInputStream in, Body<T> body) throws IOException {
        int length = in.readRawVarint32();
        if (length < 0) throw new InvalidProtocolBufferException("negative message length");
        int old = in.pushLimit(length);
        T t = body.read(in);
        in.checkLastTagWas(0);
        in.popLimit(old);
        return t;
    }

    private static void readDoubles(CodedInputStream in, int tag, List<Double> out) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int old = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) out.add(in.readDouble());
            in.popLimit(old);
        } else {
            out.add(in.readDouble());
        }
    }

    private static final class LongList {
        long[] a = new long[8];
        int size;

        void add(long v) {
            if (size == a.length) a = java.util.Arrays.copyOf(a, size * 2);
            a[size++] = v;
        }

        /** A varint field, packed or not (int64, int32 and bool all travel as varints). */
        void read(CodedInputStream in, int tag) throws IOException {
            if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int old = in.pushLimit(in.readRawVarint32());
                while (in.getBytesUntilLimit() > 0) add(in.readInt64());
                in.popLimit(old);
            } else {
                add(in.readInt64());
            }
        }

        void readUnsigned(CodedInputStream in, int tag) throws IOException {
            read(in, tag);   // uint64 values above 2^63 wrap; no recurrent model stores such
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, size);
        }
    }

    private static final class FloatList {
        float[] a = new float[8];
        int size;

        void read(CodedInputStream in, int tag) throws IOException {
            if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int old = in.pushLimit(in.readRawVarint32());
                while (in.getBytesUntilLimit() > 0) add(in.readFloat());
                in.popLimit(old);
            } else {
                add(in.readFloat());
            }
        }

        void add(float v) {
            if (size == a.length) a = java.util.Arrays.copyOf(a, size * 2);
            a[size++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, size);
        }
    }

    static String utf8(byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }
}
