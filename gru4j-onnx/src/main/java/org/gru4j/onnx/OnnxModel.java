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
 * @param irVersion ir_version
 * @param opsets domain → operator set version
 * @param graph the main graph
 */
public record OnnxModel(long irVersion, Map<String, Long> opsets, Graph graph, Path dir) {

    /**
     * The default-domain ("" or "ai.onnx") operator set version, 1 when the model names none.
     *
     * @return the version
     */
    public long opset() {
        Long v = opsets.get("");
        if (v == null) v = opsets.get("ai.onnx");
        return v == null ? 1 : v;
    }

    /**
     * A graph: its nodes in file order, initializers, declared inputs and outputs.
     *
     * @param name its name
     * @param nodes its nodes
     * @param initializers its constant tensors
     * @param inputs its declared inputs (initializers among them, in older files)
     * @param outputs its declared outputs
     */
    public record Graph(String name, List<Node> nodes, List<TensorProto> initializers, List<ValueInfo> inputs,
                        List<ValueInfo> outputs) {}

    /**
     * One operator application; an empty input name is an omitted optional input.
     *
     * @param name the node's name (may be empty)
     * @param opType the operator
     * @param domain the operator's domain ("" for ONNX's)
     * @param inputs input value names
     * @param outputs output value names
     * @param attributes name → attribute
     */
    public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       Map<String, Attribute> attributes) {
        /**
         * "GRU 'name'" or "GRU (node #k)" for messages.
         *
         * @param index the node's position in its graph
         * @return the description
         */
        public String describe(int index) {
            return opType + (name.isEmpty() ? " (node #" + index + ")" : " '" + name + "'");
        }
    }

    /**
     * One attribute; which fields are set depends on {@code type} (AttributeProto.AttributeType).
     *
     * @param name the attribute's name
     * @param type the AttributeType
     * @param f a float
     * @param i an int
     * @param s a string's bytes
     * @param t a tensor
     * @param floats floats
     * @param ints ints
     * @param strings strings' bytes
     * @param g a graph
     */
    public record Attribute(String name, int type, float f, long i, byte[] s, TensorProto t, float[] floats,
                            long[] ints, List<byte[]> strings, Graph g) {
        static final int FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, GRAPH = 5, FLOATS = 6, INTS = 7, STRINGS = 8;
    }

    /**
     * A graph input or output: its element type (TensorProto.DataType) and dims, each a Long or a String (symbolic).
     *
     * @param name the value's name
     * @param elemType the element type
     * @param dims the dimensions
     */
    public record ValueInfo(String name, int elemType, List<Object> dims) {}

    /**
     * A tensor as stored: the typed repeated fields or raw_data (little-endian), or a reference to external data
     * (data_location EXTERNAL with location / offset / length).
     *
     * @param name the tensor's name
     * @param dims its dimensions
     * @param dataType its TensorProto.DataType
     * @param raw raw_data
     * @param floatData float_data
     * @param intData int32_data, int64_data and uint64_data
     * @param doubleData double_data
     * @param external external_data's key → value
     * @param externalLocation whether data_location is EXTERNAL
     */
    public record TensorProto(String name, long[] dims, int dataType, byte[] raw, float[] floatData, long[] intData,
                              double[] doubleData, Map<String, String> external, boolean externalLocation) {}
}
