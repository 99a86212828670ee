package org.gru4j.onnx;

import org.gru4j.tensor.Tensor;

import java.util.Arrays;

/**
 * A tensor the interpreter passes between nodes: float32 (every floating type is read as float32) or int64
 * (every integer type; shapes and indices are int64 in ONNX), or bool (stored 0/1 in {@code ints}).
 * Exactly one of {@code floats} and {@code ints} is non-null. Row-major, like {@link Tensor}.
 *
 * @param shape the dimensions
 * @param floats the values of a float tensor, else null
 * @param ints the values of an integer or bool tensor, else null
 * @param bool whether it is a bool tensor
 */
public record Value(int[] shape, float[] floats, long[] ints, boolean bool) {

    /** The most values one tensor may hold. */
    static final long MAX_SIZE = Integer.MAX_VALUE - 8;

    /**
     * Checks that exactly one of floats and ints is set and holds as many values as the shape.
     *
     * @throws IllegalArgumentException when not
     */
    public Value {
        long n = size(shape, "a tensor");
        if ((floats == null) == (ints == null)) throw new IllegalArgumentException("a value holds floats or ints");
        int len = floats != null ? floats.length : ints.length;
        if (len != n) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values, data has " + len);
    }

    /**
     * A float value of a tensor, sharing its data.
     *
     * @param t the tensor
     * @return the value
     */
    public static Value of(Tensor t) {
        return new Value(t.shape, t.data, null, false);
    }

    /**
     * A float value.
     *
     * @param shape the dimensions
     * @param data the values, row-major
     * @return the value
     */
    public static Value floats(int[] shape, float[] data) {
        return new Value(shape, data, null, false);
    }

    /**
     * An int64 value.
     *
     * @param shape the dimensions
     * @param data the values, row-major
     * @return the value
     */
    public static Value ints(int[] shape, long[] data) {
        return new Value(shape, null, data, false);
    }

    static Value bools(int[] shape, long[] data) {
        return new Value(shape, null, data, true);
    }

    /** Number of values of a shape; negative or too large dimensions throw, naming what. */
    static long size(int[] shape, String what) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException(what + " has a negative dimension " + Arrays.toString(shape));
            n *= d;
            if (n > MAX_SIZE) throw new IllegalArgumentException(what + " of shape " + Arrays.toString(shape) + " is too large");
        }
        return n;
    }

    /**
     * Whether the value is float.
     *
     * @return true for float
     */
    public boolean isFloat() {
        return floats != null;
    }

    /**
     * The number of dimensions.
     *
     * @return the rank
     */
    public int rank() {
        return shape.length;
    }

    /**
     * The number of values.
     *
     * @return the count
     */
    public int size() {
        return floats != null ? floats.length : ints.length;
    }

    /**
     * The value as a tensor, sharing its data.
     *
     * @param what names the value in the message
     * @return the tensor
     * @throws IllegalArgumentException when it is an integer value
     */
    public Tensor toTensor(String what) {
        if (floats == null) throw new IllegalArgumentException(what + " is an integer tensor, expected float");
        return new Tensor(shape, floats);
    }

    /** Value k as a double, whatever the type. */
    double get(int k) {
        return floats != null ? floats[k] : ints[k];
    }

    String describe() {
        return (floats != null ? "float" : bool ? "bool" : "int64") + Arrays.toString(shape);
    }
}
