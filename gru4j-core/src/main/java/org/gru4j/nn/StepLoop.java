package org.gru4j.nn;

import org.gru4j.kernel.Crew;
import org.gru4j.kernel.StepGemm;

/**
 * The step loops the cells share, each step split unit by unit across the kernel threads ({@link Crew}: persistent
 * workers, one barrier per step). A thread owns all the gates of its units, so nothing it writes is read by another
 * thread before the barrier.
 *
 * <pre>
 * forward   the running state lives in tr.hprev: slot t holds the state step t starts from (h0 copied in first),
 *           the last step writes sc.h. Per step and thread: gx = x_t·W_ihᵀ + b_ih and gh = h·W_hhᵀ + b_hh for its
 *           units (into sc.gx, sc.gh), then the cell's gate pass for those units.
 * backward  phase q finishes step q − 1 — dh of a thread's units = (the part that bypasses the product) + dG·U[:, units],
 *           which reads every unit's dG, hence after the barrier — and then starts step q for its own units.
 * </pre>
 */
final class StepLoop {
    private StepLoop() {}

    /** A cell's gate pass at step t for units [j0, j0 + n) of every row: h in at hs[hIn …], h' out at hOut[hNext …]. */
    @FunctionalInterface
    interface Gates {
        void step(int t, int j0, int n, float[] hOut, int hIn, int hNext);
    }

    /** Part of a backward step: step t, units [j0, j1). */
    @FunctionalInterface
    interface Units {
        void run(int t, int j0, int j1);
    }

    /** Copies h0 (sc.h) into the state slot of the first step. */
    static void start(Trace tr, Scratch sc, boolean reverse) {
        System.arraycopy(sc.h, 0, tr.hprev, (reverse ? tr.steps - 1 : 0) * tr.batch * tr.hidden, tr.batch * tr.hidden);
    }

    static void forward(Trace tr, Scratch sc, Packed pk, boolean reverse, float[] x, int ldx, Gates gates) {
        final int steps = tr.steps, batch = tr.batch, hid = tr.hidden;
        if (steps == 0) return;
        start(tr, sc, reverse);
        final StepGemm ih = pk.ih, hh = pk.hh;
        final int panels = hh.panels, parts = pk.parts(batch);
        final float[] hs = tr.hprev;
        Crew.run(parts, steps, (part, s) -> {
            final int t = reverse ? steps - 1 - s : s, rowT = t * batch;
            final int p0 = panels * part / parts, p1 = panels * (part + 1) / parts, j0 = hh.unit(p0);
            final boolean last = s == steps - 1;
            final int hIn = rowT * hid, hNext = last ? 0 : (reverse ? t - 1 : t + 1) * batch * hid;
            ih.times(0, batch, p0, p1, x, rowT * ldx, ldx, sc.gx, 0);
            hh.times(0, batch, p0, p1, hs, hIn, hid, sc.gh, 0);
            gates.step(t, j0, hh.unit(p1) - j0, last ? sc.h : hs, hIn, hNext);
        });
    }

    /**
     * Backward through the steps in reverse order of processing, on {@link Packed#backwardParts} threads: start(t)
     * works through step t's gates for a thread's units, finish(t) then computes their dh from every unit's dG.
     */
    static void backward(Trace tr, int gateRows, boolean reverse, Units start, Units finish) {
        final int steps = tr.steps, hid = tr.hidden;
        final int parts = Packed.backwardParts(tr.batch, gateRows, hid);
        Crew.run(parts, steps + 1, (part, q) -> {
            final int j0 = Packed.unitSplit(hid, parts, part), j1 = Packed.unitSplit(hid, parts, part + 1);
            if (q > 0) {
                final int s = steps - q;
                finish.run(reverse ? steps - 1 - s : s, j0, j1);
            }
            if (q < steps) {
                final int s = steps - 1 - q;
                start.run(reverse ? steps - 1 - s : s, j0, j1);
            }
        });
    }
}
