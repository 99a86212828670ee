package org.gru4j.tensor;

import java.util.Arrays;

/**
 * A dense float32 array with a shape, row-major (the last dimension is contiguous).
 * Plain data: the fields are the API. Tensors read from files are converted to float32 on reading.
 */
public final class Tensor {
    /** The sizes of the dimensions, outermost first. */
    public final int[] shape;
    /** The values, row-major. */
    public final float[] data;

    /**
     * A tensor over data, which is not copied.
     *
     * @param shape the sizes of the dimensions (copied)
     * @param data the values, row-major; as many as the shape holds
     * @throws IllegalArgumentException when the data's length is not the shape's count
     */
    public Tensor(int[] shape, float[] data) {
        long n = count(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values but the data has " + data.length);
        }
        this.shape = shape.clone();
        this.data = data;
    }

    /**
     * A tensor of zeros.
     *
     * @param shape the sizes of the dimensions
     * @return the tensor
     * @throws IllegalArgumentException when the shape holds more values than one Java array can
     */
    public static Tensor zeros(int... shape) {
        long n = count(shape);
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large for one array");
        }
        return new Tensor(shape, new float[(int) n]);
    }

    /**
     * Number of values a shape holds; throws on a negative dimension.
     *
     * @param shape the sizes of the dimensions
     * @return their product
     */
    public static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        return n;
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
     * The size of dimension i; a negative i counts from the end (-1: the last).
     *
     * @param i the dimension
     * @return its size
     */
    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /**
     * The number of values.
     *
     * @return the data's length
     */
    public int size() {
        return data.length;
    }

    /**
     * The same data under another shape with the same number of values.
     *
     * @param newShape the new sizes
     * @return a tensor sharing this one's data
     */
    public Tensor reshape(int... newShape) {
        return new Tensor(newShape, data);
    }

    /**
     * The shape as text, e.g. {@code [5, 2, 8]}.
     *
     * @return the shape
     */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString();
    }
}
