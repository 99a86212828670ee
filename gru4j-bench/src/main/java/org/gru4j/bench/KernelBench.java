package org.gru4j.bench;

import org.gru4j.kernel.Elementwise;
import org.gru4j.kernel.Gemm;
import org.gru4j.kernel.Parallel;
import org.gru4j.kernel.StepGemm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The kernels behind a recurrent layer, at the shapes the GRU benchmarks of {@code gru4j bench} give them
 * (H hidden, B batch, T·B rows), on one thread:
 * <pre>
 * step      gh (B,3H) += h (B,H) · W_hhᵀ (H,3H)          the per-step product of forward
 * stepBack  dh (B,H)  += dG (B,3H) · W_hh (3H,H)          the per-step product of backward
 * weights   dW (3H,H) += dGᵀ (3H,T·B) · Hprev (T·B,H)     the weight gradient after the loop (A transposed)
 * streamMv  gh (3H)   += h (H) · W_hhᵀ on packed panels   one step of a batch-1 stream (Gemm.mv, no longer used by forward)
 * stepPacked   gh (B,3H) = b_hh + h · W_hhᵀ, StepGemm        forward's per-step product since issue 12 (4×4 tiles)
 * streamPacked gh (3H)   = b_hh + h · W_hhᵀ, StepGemm        the same for a batch-1 stream (8-vector rows)
 * gates     σ over B·2H and tanh over B·H                 the fused gate pass's nonlinearities
 * </pre>
 * Run: {@code java --add-modules jdk.incubator.vector -jar gru4j-bench/target/benchmarks.jar} (the forks add the
 * module themselves). Divide 2·M·N·K by the time for GFLOP/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 6, time = 1)   // the Vector API code needs C2: fewer iterations time the interpreter
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBench {
    @Param({"128", "256", "512"})
    int hidden;
    @Param({"32"})
    int batch;
    @Param({"100"})
    int steps;

    float[] h, whhT, whh, gh, dG, dh, hprev, dW, panels, gates, ghPacked;
    StepGemm packed;

    @Setup
    public void setup() {
        Parallel.setThreads(1);
        Random rnd = new Random(1);
        int H = hidden, G = 3 * H, rows = steps * batch;
        h = rand(rnd, batch * H);
        whhT = rand(rnd, H * G);
        whh = rand(rnd, G * H);
        gh = new float[batch * G];
        dG = rand(rnd, rows * G);
        dh = new float[batch * H];
        hprev = rand(rnd, rows * H);
        dW = new float[G * H];
        panels = new float[H * G];
        Gemm.packPanels(H, G, whhT, 0, G, panels);
        gates = new float[batch * G];
        packed = new StepGemm(3, H, H);
        float[] params = new float[G * H + G];
        System.arraycopy(whh, 0, params, 0, G * H);
        packed.pack(params, 0, G * H);
        ghPacked = new float[batch * packed.ldc];
    }

    @Benchmark
    public float[] stepPacked() {
        packed.times(0, batch, 0, packed.panels, h, 0, hidden, ghPacked, 0);
        return ghPacked;
    }

    @Benchmark
    public float[] streamPacked() {
        packed.times(0, 1, 0, packed.panels, h, 0, hidden, ghPacked, 0);
        return ghPacked;
    }

    @Benchmark
    public float[] step() {
        int H = hidden, G = 3 * H;
        Gemm.mm(batch, G, H, h, 0, H, 1, whhT, 0, G, gh, 0, G, false);
        return gh;
    }

    @Benchmark
    public float[] stepBack() {
        int H = hidden, G = 3 * H;
        Gemm.mm(batch, H, G, dG, 0, G, 1, whh, 0, H, dh, 0, H, false);
        return dh;
    }

    @Benchmark
    public float[] weights() {
        int H = hidden, G = 3 * H, rows = steps * batch;
        Gemm.mm(G, H, rows, dG, 0, 1, G, hprev, 0, H, dW, 0, H, false);
        return dW;
    }

    @Benchmark
    public float[] streamMv() {
        int H = hidden, G = 3 * H;
        java.util.Arrays.fill(gh, 0, G, 0f);
        Gemm.mv(G, H, h, 0, panels, gh, 0);
        return gh;
    }

    @Benchmark
    public float[] gates() {
        int H = hidden, G = 3 * H;
        for (int b = 0; b < batch; b++) {
            Elementwise.sigmoidOfSum(2 * H, dG, b * G, gh, b * G, gates, b * G);
            Elementwise.tanh(H, dG, b * G + 2 * H, null, 0, gates, b * G, gh, b * G + 2 * H, gates, b * G + 2 * H);
        }
        return gates;
    }

    private static float[] rand(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }
}
