package org.gru4j.apps;

/**
 * Missing values (NaN) in a series, filled before a model sees it: linear interpolation between the nearest present
 * values on either side, the first present value carried back over a leading gap and the last carried forward over a
 * trailing one.
 * <pre>
 * x_t = x_a + (x_b − x_a)·(t − a)/(b − a)     a &lt; t &lt; b the present neighbours
 * </pre>
 */
public final class Gaps {
    private Gaps() {}

    /**
     * Fills x in place; returns how many values were filled. A series with no present value throws.
     *
     * @param x the series, NaN for a gap
     * @param what names the series in the message
     * @return the values filled
     */
    public static int interpolate(double[] x, String what) {
        return interpolate(x, 0, x.length, what);
    }

    /**
     * The same on x[from, to).
     *
     * @param x the series, NaN for a gap
     * @param from the first index
     * @param to past the last index
     * @param what names the series in the message
     * @return the values filled
     */
    public static int interpolate(double[] x, int from, int to, String what) {
        int filled = 0, last = -1;
        for (int t = from; t < to; t++) {
            if (Double.isNaN(x[t])) continue;
            if (last < 0) {
                for (int s = from; s < t; s++) x[s] = x[t];
                filled += t - from;
            } else if (t > last + 1) {
                for (int s = last + 1; s < t; s++) x[s] = x[last] + (x[t] - x[last]) * (s - last) / (t - last);
                filled += t - last - 1;
            }
            last = t;
        }
        if (last < 0 && to > from) throw new IllegalArgumentException(what + " has no values (all " + (to - from) + " missing)");
        for (int s = last + 1; s < to; s++) x[s] = x[last];
        return filled + Math.max(0, to - last - 1);
    }
}
