package org.gru4j.train;

/**
 * A seeded random generator whose whole state is one long (SplitMix64, Steele et al. 2014), so that a checkpoint can
 * store it and a resumed run draws exactly the numbers the uninterrupted run would have drawn.
 * <pre>
 * state += 0x9E3779B97F4A7C15
 * z = state; z = (z ^ z>>>30)·0xBF58476D1CE4E5B9; z = (z ^ z>>>27)·0x94D049BB133111EB; out = z ^ z>>>31
 * </pre>
 * Gaussians come from Box–Muller with no cached spare, so the state is the long alone. As a
 * {@link java.util.random.RandomGenerator} it can be handed to code that should not depend on this package.
 */
public final class Rng implements java.util.random.RandomGenerator {
    /** The whole state (SplitMix64's counter). */
    public long state;

    /**
     * A generator of the seed.
     *
     * @param seed the initial state
     */
    public Rng(long seed) {
        this.state = seed;
    }

    @Override
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    @Override
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * Uniform in [lo, hi).
     *
     * @param lo the lower bound
     * @param hi the upper bound
     * @return the number
     */
    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    /** Uniform integer in [0, bound), without modulo bias (rejection). */
    @Override
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        long r, m;
        do {                                             // reject the top partial block of 63-bit values
            r = nextLong() >>> 1;
            m = r % bound;
        } while (r - m + (bound - 1) < 0);
        return (int) m;
    }

    /** Standard normal: z = sqrt(−2 ln u₁)·cos(2π u₂), u₁ in (0, 1]. */
    @Override
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(), u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /**
     * A random permutation of 0..n-1 (Fisher–Yates).
     *
     * @param n the size
     * @return the permutation
     */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
