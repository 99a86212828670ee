package org.gru4j.onnx;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The part of an ONNX ModelProto that gru4j reads, as plain records (field numbers from onnx.proto, IR version 8):
 * <pre>
 * ModelProto      ir_version 1, opset_import 8 (OperatorSetIdProto: domain 1, version 2), graph 7
 * GraphProto      node 1, name 2, initializer 5, input 11, output 12
 * NodeProto       input 1, output 2, name 3, op_type 4, attribute 5, domain 7
 * AttributeProto  name 1, f 2, i 3, s 4, t 5, g 6, floats 7, ints 8, strings 9, type 20
 * TensorProto     dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, name 8, raw_data 9,
 *                 double_data 10, uint64_data 11, external_data 13 (key 1, value 2), data_location 14
 * ValueInfoProto  name 1, type 2 → TypeProto.tensor_type 1 → elem_type 1, shape 2 → dim 1 → dim_value 1 | dim_param 2
 * </pre>
 *
 * @param dir the directory of the model file: external tensor data is found relative to it
 */
public record OnnxModel(long irVersion, Map<String, Long> opsets, Graph graph, Path dir) {

    /** The default-domain ("" or "ai.onnx") operator set version, 1 when the model names none. */
    public long opset() {
        Long v = opsets.get("");
        if (v == null) v = opsets.get("ai.onnx");
        return v == null ? 1 : v;
    }

    public record Graph(String name, List<Node> nodes, List<TensorProto> initializers, List<ValueInfo> inputs,
                        List<ValueInfo> outputs) {}

    /** One operator application; an empty input name is an omitted optional input. */
    public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       Map<String, Attribute> attributes) {
        /** "GRU 'name'" or "GRU (node #k)" for messages. */
        public String describe(int index) {
            return opType + (name.isEmpty() ? " (node #" + index + ")" : " '" + name + "'");
        }
    }

    /** One attribute; which fields are set depends on {@code type} (AttributeProto.AttributeType). */
    public record Attribute(String name, int type, float f, long i, byte[] s, TensorProto t, float[] floats,
                            long[] ints, List<byte[]> strings, Graph g) {
        static final int FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, GRAPH = 5, FLOATS = 6, INTS = 7, STRINGS = 8;
    }

    /** A graph input or output: its element type (TensorProto.DataType) and dims, each a Long or a String (symbolic). */
    public record ValueInfo(String name, int elemType, List<Object> dims) {}

    /**
     * A tensor as stored: the typed repeated fields or raw_data (little-endian), or a reference to external data
     * (data_location EXTERNAL with location / offset / length).
     */
    public record TensorProto(String name, long[] dims, int dataType, byte[] raw, float[] floatData, long[] intData,
                              double[] doubleData, Map<String, String> external, boolean externalLocation) {}
}
