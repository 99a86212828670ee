package org.gru4j.kernel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How many threads the kernels may use, and the pool that runs their parts. The count is a setting: the system
 * property {@code gru4j.threads} at start-up (default: all cores), or {@link #setThreads} at any time. With one
 * thread nothing is handed to the pool: the caller runs every part itself.
 *
 * <p>Large products are split by output columns; the two directions of a bidirectional layer run side by side; the
 * steps of a recurrent layer are shared unit by unit by the persistent workers of {@link Crew} (one barrier per
 * step), except a batch-1 stream's, which stay on the calling thread unless the step is large.
 */
public final class Parallel {
    private Parallel() {}

    private static volatile int threads = initialThreads();
    private static ExecutorService pool;
    /** Set while a thread runs a part (of {@link #run} or of a {@link Crew} step): work inside a part does not split again. */
    static final ThreadLocal<boolean[]> INSIDE = ThreadLocal.withInitial(() -> new boolean[1]);

    private static int initialThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        String s = System.getProperty("gru4j.threads");
        if (s == null || s.isBlank()) return cores;
        try {
            int n = Integer.parseInt(s.trim());
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property gru4j.threads must be a positive integer, got '" + s + "'");
        }
    }

    /**
     * The number of threads kernels may use (≥ 1).
     *
     * @return the thread count
     */
    public static int threads() {
        return threads;
    }

    /**
     * How many parts work started here may be split into: {@link #threads()}, or 1 inside a part already.
     *
     * @return the part count
     */
    public static int available() {
        int t = threads;
        return t == 1 || INSIDE.get()[0] ? 1 : t;
    }

    /**
     * Sets the number of threads kernels may use; 1 runs everything on the calling thread.
     *
     * @param n threads, at least 1
     */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be ≥ 1, got " + n);
        threads = n;
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "gru4j-kernel");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /** A part of a job: runs part {@code index} of {@code parts}. */
    @FunctionalInterface
    public interface Part {
        /**
         * Runs one part.
         *
         * @param index the part, in [0, parts)
         */
        void run(int index);
    }

    private static void inside(Part part, int index) {
        boolean[] flag = INSIDE.get();
        boolean was = flag[0];
        flag[0] = true;
        try {
            part.run(index);
        } finally {
            flag[0] = was;
        }
    }

    /**
     * Runs parts 0..parts-1, the last on the calling thread and the others on the pool, and returns when all are
     * done. With parts == 1 it is a plain call.
     *
     * @param parts how many parts
     * @param part the work of one part
     */
    public static void run(int parts, Part part) {
        if (parts <= 1) {
            part.run(0);
            return;
        }
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[parts - 1];
        ExecutorService p = pool();
        for (int i = 0; i < parts - 1; i++) {
            final int index = i;
            futures[i] = p.submit(() -> inside(part, index));
        }
        Throwable failure = null;
        try {
            inside(part, parts - 1);
        } catch (Throwable t) {
            failure = t;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error er) throw er;
        if (failure != null) throw new RuntimeException(failure);
    }
}
