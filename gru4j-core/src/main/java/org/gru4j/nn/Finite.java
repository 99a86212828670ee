package org.gru4j.nn;

/**
 * The check that what a forward pass is given holds no NaN and no infinity: one pass over the values, run by
 * {@link Recurrent#forward}, SequenceModel.forward, {@link RecurrentStepper#step} and Sessions.step / stepBatch unless
 * {@link Recurrent#checkFinite} is false. Without it a NaN flows through every gate into every later output and state,
 * and nothing says where it came from; with it the error names the tensor and the position, e.g.
 * {@code input x holds NaN at (t,b,i) = (3,0,2)}.
 */
public final class Finite {
    private Finite() {}

    /**
     * The index of the first NaN or infinite value, or -1 when all are finite or checking is off.
     *
     * @param v the values
     * @return the index, or -1
     */
    public static int firstNonFinite(float[] v) {
        if (!Recurrent.checkFinite || v == null) return -1;
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) return i;
        }
        return -1;
    }

    /**
     * Throws IllegalArgumentException when v (of the given row-major shape) holds a non-finite value, naming it and
     * its position on the named axes ("t,b,i").
     *
     * @param name the tensor's name in the message
     * @param v its values
     * @param shape its row-major shape
     * @param axes the axes' names, comma-separated
     */
    public static void require(String name, float[] v, int[] shape, String axes) {
        int at = firstNonFinite(v);
        if (at >= 0) throw new IllegalArgumentException(message(name, v[at], at, shape, axes));
    }

    /**
     * "name holds NaN at (axes) = (…); …" for flat index at of shape.
     *
     * @param name the tensor's name
     * @param value the non-finite value
     * @param at its flat index
     * @param shape the tensor's row-major shape
     * @param axes the axes' names, comma-separated
     * @return the message
     */
    public static String message(String name, float value, int at, int[] shape, String axes) {
        return name + " holds " + value + " at (" + axes + ") = " + position(at, shape)
                + "; set Recurrent.checkFinite = false to pass non-finite values through";
    }

    /**
     * The row-major position "(3,0,2)" of flat index at in shape.
     *
     * @param at a flat index
     * @param shape a row-major shape
     * @return the position, in parentheses
     */
    public static String position(int at, int[] shape) {
        long[] idx = new long[shape.length];
        long rest = at;
        for (int k = shape.length - 1; k >= 0; k--) {
            if (shape[k] == 0) continue;
            idx[k] = rest % shape[k];
            rest /= shape[k];
        }
        StringBuilder pos = new StringBuilder("(");
        for (int k = 0; k < idx.length; k++) pos.append(k == 0 ? "" : ",").append(idx[k]);
        return pos.append(')').toString();
    }
}
