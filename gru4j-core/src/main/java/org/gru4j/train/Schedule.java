package org.gru4j.train;

/**
 * The learning rate as a function of the update index t = 0, 1, 2, … (the number of updates applied before this one).
 * <pre>
 * Constant:  η(t) = η₀
 * Step:      η(t) = η₀ · γ^⌊t / s⌋                                   (PyTorch StepLR, stepped per update)
 * Cosine:    η(t) = η_min + (η₀ − η_min) · (1 + cos(π · min(t, T) / T)) / 2   (CosineAnnealingLR without restarts)
 * Warmup:    η(t) = then(0) · (t + 1) / w   for t &lt; w;   then(t − w) afterwards   (linear warm-up)
 * </pre>
 */
public sealed interface Schedule {
    /**
     * The learning rate of update t.
     *
     * @param t the updates applied before this one
     * @return η(t)
     */
    double lr(long t);

    /**
     * η(t) = η₀.
     *
     * @param lr0 η₀
     */
    record Constant(double lr0) implements Schedule {
        public double lr(long t) {
            return lr0;
        }
    }

    /**
     * η(t) = η₀ · γ^⌊t / s⌋.
     *
     * @param lr0 η₀
     * @param every s, the updates between decays
     * @param gamma γ
     */
    record Step(double lr0, long every, double gamma) implements Schedule {
        /**
         * Checks s.
         *
         * @throws IllegalArgumentException when s &lt; 1
         */
        public Step {
            if (every < 1) throw new IllegalArgumentException("step schedule period must be ≥ 1, got " + every);
        }

        public double lr(long t) {
            return lr0 * Math.pow(gamma, (double) (t / every));
        }
    }

    /**
     * η_min + (η₀ − η_min) · (1 + cos(π · min(t, T) / T)) / 2.
     *
     * @param lr0 η₀
     * @param total T, the updates of the whole schedule
     * @param lrMin η_min
     */
    record Cosine(double lr0, long total, double lrMin) implements Schedule {
        /**
         * Checks T.
         *
         * @throws IllegalArgumentException when T &lt; 1
         */
        public Cosine {
            if (total < 1) throw new IllegalArgumentException("cosine schedule length must be ≥ 1, got " + total);
        }

        public double lr(long t) {
            return lrMin + (lr0 - lrMin) * (1 + Math.cos(Math.PI * Math.min(t, total) / total)) / 2;
        }
    }

    /**
     * A linear warm-up over w updates, then another schedule.
     *
     * @param steps w
     * @param then the schedule after the warm-up
     */
    record Warmup(long steps, Schedule then) implements Schedule {
        /**
         * Checks w.
         *
         * @throws IllegalArgumentException when w &lt; 0
         */
        public Warmup {
            if (steps < 0) throw new IllegalArgumentException("warm-up steps must be ≥ 0, got " + steps);
        }

        public double lr(long t) {
            return t < steps ? then.lr(0) * (t + 1) / steps : then.lr(t - steps);
        }
    }
}
