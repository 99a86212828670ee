package org.gru4j.tensor;

import java.util.Arrays;

/**
 * A dense float32 array with a shape, row-major (the last dimension is contiguous).
 * Plain data: the fields are the API. Tensors read from files are converted to float32 on reading.
 */
public final class Tensor {
    public final int[] shape;
    public final float[] data;

    public Tensor(int[] shape, float[] data) {
        long n = count(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values but the data has " + data.length);
        }
        this.shape = shape.clone();
        this.data = data;
    }

    public static Tensor zeros(int... shape) {
        long n = count(shape);
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large for one array");
        }
        return new Tensor(shape, new float[(int) n]);
    }

    /** Number of values a shape holds; throws on a negative dimension. */
    public static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        return n;
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int size() {
        return data.length;
    }

    /** The same data under another shape with the same number of values. */
    public Tensor reshape(int... newShape) {
        return new Tensor(newShape, data);
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString();
    }
}
