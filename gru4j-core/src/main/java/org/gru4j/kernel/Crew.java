package org.gru4j.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Persistent workers for the step loop of a recurrent layer: {@code parts} threads (the caller and parts − 1 kept
 * workers) run part k of every step, and all finish step s before any starts step s + 1 — one barrier per step,
 * no hand-off to a pool per product. A thread that arrives early spins briefly ({@link #SPIN} rounds of
 * {@link Thread#onSpinWait}) and then parks until the last one releases it, so a busy machine costs a wake-up, not a
 * burnt core. Workers wait for the next job the same way and stay alive as daemon threads.
 *
 * <p>One job at a time: a second caller while a job runs (another module on another thread) runs its parts one
 * after the other on its own thread. Parts own disjoint outputs, so the result is the same either way.
 */
public final class Crew {
    private Crew() {}

    /** Spin rounds before a waiting thread parks (~10–50 µs). */
    static final int SPIN = 1 << 12;

    /** Part {@code part} of step {@code step}. */
    @FunctionalInterface
    public interface Step {
        /**
         * Runs one part of one step.
         *
         * @param part the part, in [0, parts)
         * @param step the step, in [0, steps)
         */
        void run(int part, int step);
    }

    private static final Object LOCK = new Object();
    private static boolean busy;
    private static Thread[] workers = new Thread[0];
    /** What the workers run; a new one (a new generation) for each call. */
    private record Job(int generation, Step body, int parts, int steps) {}

    private static volatile Job current = new Job(0, null, 0, 0);
    private static volatile Throwable failure;
    private static final AtomicInteger arrived = new AtomicInteger();
    private static volatile int phase;
    private static final AtomicInteger finished = new AtomicInteger();
    private static volatile Thread[] waiting = new Thread[0];   // [part] the thread parked at the barrier, or null
    private static volatile Thread caller;

    /**
     * Runs {@code body.run(part, s)} for s = 0 … steps − 1 and every part in [0, parts), part parts − 1 on the calling
     * thread; returns when all are done, rethrowing the first failure.
     *
     * @param parts the parts each step is split into
     * @param steps the steps, run in order
     * @param body the work of one part of one step
     */
    public static void run(int parts, int steps, Step body) {
        if (parts <= 1 || steps == 0) {
            for (int s = 0; s < steps; s++) body.run(0, s);
            return;
        }
        synchronized (LOCK) {
            if (busy) {
                for (int s = 0; s < steps; s++) for (int p = 0; p < parts; p++) body.run(p, s);
                return;
            }
            busy = true;
            ensureWorkers(parts - 1);
        }
        try {
            failure = null;
            arrived.set(0);
            finished.set(0);
            waiting = new Thread[parts];
            caller = Thread.currentThread();
            Job job = new Job(current.generation() + 1, body, parts, steps);
            current = job;                          // publishes the job
            for (int w = 0; w < parts - 1; w++) LockSupport.unpark(workers[w]);
            work(job, parts - 1);
            // wait for the workers to leave the job before it can be replaced
            int spins = 0;
            while (finished.get() < parts - 1) {
                if (++spins < SPIN) Thread.onSpinWait();
                else LockSupport.parkNanos(20_000);
            }
        } finally {
            current = new Job(current.generation(), null, 0, 0);   // same generation: wakes no one, keeps no arrays
            synchronized (LOCK) {
                busy = false;
            }
        }
        Throwable f = failure;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error er) throw er;
        if (f != null) throw new RuntimeException(f);
    }

    /** One participant's steps: its part of each step, then the barrier. */
    private static void work(Job job, int part) {
        final Step body = job.body();
        final int parts = job.parts(), steps = job.steps();
        final boolean[] inside = Parallel.INSIDE.get();
        final boolean was = inside[0];
        inside[0] = true;                           // products inside a part stay on its thread
        try {
            steps(body, part, parts, steps);
        } finally {
            inside[0] = was;
        }
    }

    private static void steps(Step body, int part, int parts, int steps) {
        for (int s = 0; s < steps; s++) {
            if (failure == null) {
                try {
                    body.run(part, s);
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                }
            }
            barrier(part, parts);
        }
    }

    private static void barrier(int part, int parts) {
        final int ph = phase;
        if (arrived.incrementAndGet() == parts) {
            arrived.set(0);
            phase = ph + 1;
            Thread[] w = waiting;
            for (int p = 0; p < parts; p++) {
                Thread t = w[p];
                if (t != null) LockSupport.unpark(t);
            }
            return;
        }
        for (int i = 0; i < SPIN; i++) {
            if (phase != ph) return;
            Thread.onSpinWait();
        }
        Thread[] w = waiting;
        w[part] = Thread.currentThread();
        waiting = w;                                // a volatile write: the releaser reads it after its own write
        while (phase == ph) LockSupport.park(Crew.class);
        w[part] = null;
    }

    private static void ensureWorkers(int n) {
        if (workers.length >= n) return;
        Thread[] more = java.util.Arrays.copyOf(workers, n);
        for (int i = workers.length; i < n; i++) {
            final int index = i;
            final int seen = current.generation();
            Thread t = new Thread(() -> serve(index, seen), "gru4j-crew-" + i);
            t.setDaemon(true);
            more[i] = t;
            t.start();
        }
        workers = more;
    }

    /** A worker's life: wait for a job that includes it, run its part, report done, wait again. */
    private static void serve(int index, int seen) {
        while (true) {
            int spins = 0;
            Job job;
            while ((job = current).generation() == seen) {
                if (++spins < SPIN) Thread.onSpinWait();
                else LockSupport.park(Crew.class);
            }
            seen = job.generation();
            if (index < job.parts() - 1) {
                work(job, index);
                finished.incrementAndGet();
                Thread c = caller;
                if (c != null) LockSupport.unpark(c);
            }
        }
    }
}
