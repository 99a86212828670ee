package org.gru4j.nn;

import org.gru4j.kernel.Gemm;
import org.gru4j.kernel.Parallel;
import org.gru4j.kernel.StepGemm;

import java.util.Arrays;

/**
 * One direction of one layer's weights packed for the step products ({@link StepGemm}): W_ih with b_ih and W_hh
 * with b_hh; for a reset-before GRU also U_nᵀ (H,H) for its second product. Owned by the module (one per layer and
 * direction), packed on the first forward and again only when the parameters changed: forward compares them with
 * the copy it packed from (one vectorised pass over the layer's parameters, a fraction of a repack), so an optimizer
 * writing params in place, a load, or another view sharing the buffer is always seen, and inference never repacks.
 */
final class Packed {
    final StepGemm ih, hh;
    final float[] wnT;            // reset-before GRU only, else null
    private float[] seen;         // the parameters [W_ih, W_hh, b_ih, b_hh] as last packed, null before the first pack

    Packed(RecurrentConfig cf, int layer) {
        int G = cf.cell().gates, H = cf.hidden();
        this.ih = new StepGemm(G, H, cf.layerInput(layer));
        this.hh = new StepGemm(G, H, H);
        this.wnT = cf.cell() == CellKind.GRU && !cf.resetAfter() ? new float[H * H] : null;
    }

    /** Repacks when the parameters differ from those last packed (or on the first call). */
    void ensureCurrent(float[] params, Weights w) {
        int from = w.wih(), to = end(w);
        if (seen != null && Arrays.equals(params, from, to, seen, 0, to - from)) return;
        pack(params, w);
    }

    /** Packs from the current parameters, unconditionally. */
    void pack(float[] params, Weights w) {
        ih.pack(params, w.wih(), w.bih());
        hh.pack(params, w.whh(), w.bhh());
        if (wnT != null) {
            int H = hh.hidden;
            Gemm.transpose(H, H, params, w.whh() + 2 * H * H, H, wnT, 0);
        }
        int from = w.wih(), to = end(w);
        if (seen == null || seen.length != to - from) seen = new float[to - from];
        System.arraycopy(params, from, seen, 0, to - from);
    }

    private int end(Weights w) {
        int gh = hh.gates * hh.hidden;
        return w.hasBias() ? w.bhh() + gh : w.whh() + gh * hh.hidden;
    }

    /**
     * Multiply-adds per step (all rows, both products) below which a step stays on one thread. Measured on the shared
     * 2-core machine (load 10–14): GRU B=32 train at H=64 (0.8M per step) took 33 ms on one thread and 92 on two, at
     * H=128 (2.4M) 50 and 70, while infer at H=256 (7.9M) took 121 and 59 — a barrier per step costs a wake-up when
     * the cores are busy, so the split starts at 4M ({@code -Dgru4j.stepSplitMacs=N} to move it).
     */
    static final long SPLIT_STEP_MACS = Long.getLong("gru4j.stepSplitMacs", 1L << 22);
    static final long SPLIT_STREAM_MACS = Long.getLong("gru4j.streamSplitMacs", 1L << 22);

    /** How many threads share each step of a batch of B: all available ones for a large step, else one. */
    int parts(int batch) {
        long macs = (long) batch * hh.ldc * (ih.depth + hh.depth);
        if (macs < (batch == 1 ? SPLIT_STREAM_MACS : SPLIT_STEP_MACS)) return 1;
        return Math.min(Parallel.available(), hh.panels);
    }

    /** How many threads share each step of backward for B rows: its product is B·H·(G·H) multiply-adds. */
    static int backwardParts(int batch, int gateRows, int hidden) {
        long macs = (long) batch * gateRows * hidden;
        if (macs < (batch == 1 ? SPLIT_STREAM_MACS : SPLIT_STEP_MACS)) return 1;
        return Math.max(1, Math.min(Parallel.available(), hidden / 16));
    }

    /** Where part {@code part} of {@code parts} starts among H units: on multiples of 16 (a vector), the last at H. */
    static int unitSplit(int hidden, int parts, int part) {
        if (part >= parts) return hidden;
        return (int) ((long) hidden * part / parts) / 16 * 16;
    }
}
