package org.gru4j.io;

import java.util.SplittableRandom;

/**
 * The try loop every reader fuzz test runs, in plain JUnit (see RELIABILITY.md). A fuzz test draws N tries from a
 * {@link SplittableRandom} seeded with a fixed seed, so CI sees the same inputs every run:
 * <pre>
 * N     -Dgru4j.fuzz.tries  (default 1200; the build passes it through from the pom's gru4j.fuzz.tries)
 * seed  -Dgru4j.fuzz.seed   (default 20261126)
 * try i gets the i-th split of new SplittableRandom(seed), so a longer run repeats the shorter run's inputs first
 *       and -Dgru4j.fuzz.try=i replays try i alone (with the same seed)
 * </pre>
 * The first try that fails stops the test with its name, the try index and the seed in the message; {@link
 * FuzzCheck} has already saved the input under target/fuzz-crashes/&lt;reader&gt;/. There is no shrinking: the edits
 * are few (1 to 8) and the saved file is the regression input. Each test prints how many tries it ran and how many
 * inputs the reader read rather than refused, so a run shows both that it ran and how deep it got.
 */
public final class FuzzTries {
    private FuzzTries() {}

    static final long DEFAULT_SEED = 20261126L;

    /** One try: make an input from random, check it, return what the reader returned (null when it refused). */
    public interface Try {
        Object run(SplittableRandom random) throws Exception;
    }

    static int tries() {
        return Integer.getInteger("gru4j.fuzz.tries", 1200);
    }

    static long seed() {
        return Long.getLong("gru4j.fuzz.seed", DEFAULT_SEED);
    }

    /** Runs the tries of one fuzz test (name is what messages call it); returns the number run. */
    public static int run(String name, Try body) {
        long seed = seed();
        int tries = tries();
        Integer only = Integer.getInteger("gru4j.fuzz.try");
        SplittableRandom root = new SplittableRandom(seed);
        int last = only == null ? tries - 1 : only;
        int ran = 0, read = 0;
        long start = System.nanoTime();
        for (int i = 0; i <= last; i++) {
            SplittableRandom random = root.split();
            if (only != null && i != only) continue;
            Object result;
            try {
                result = body.run(random);
            } catch (Throwable t) {
                throw new AssertionError(name + ": try " + i + " of " + tries + " (seed " + seed + ") failed: "
                        + (t instanceof AssertionError ? t.getMessage() : t.toString()) + "; replay it with -Dgru4j.fuzz.seed="
                        + seed + " -Dgru4j.fuzz.try=" + i, t);
            }
            ran++;
            if (result != null) read++;
        }
        System.out.printf("fuzz %s: %d tries (seed %d), %d read, %d refused, %.1f s%n", name, ran, seed, read, ran - read,
                (System.nanoTime() - start) / 1e9);
        return ran;
    }
}
