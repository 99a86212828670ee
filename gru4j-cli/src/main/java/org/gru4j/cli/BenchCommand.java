package org.gru4j.cli;

import org.gru4j.kernel.Gemm;
import org.gru4j.kernel.Parallel;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.nn.RecurrentStepper;
import org.gru4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code gru4j bench}: times one recurrent case. The last line printed is {@code median_ms=<number>} (per step for
 * a stream), which scripts/bench_compare.sh reads.
 *
 * <pre>
 * infer   y = module(x), x is (T,B,I)
 * train   forward, backward with dy = 1, params -= lr·grads, zero grads
 * stream  one step of one stream (batch 1), state carried from step to step
 * </pre>
 * FLOPs counted: per layer and direction 2·T·B·G·H·(I_l + H) for a forward (the two products), three times that
 * for a training step (forward, backward's data gradients, weight gradients).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time a recurrent module on random data: forward (infer), a training step (train) or one stream step.",
                "The last line is median_ms=<number> (per step for --mode stream)."})
final class BenchCommand implements Callable<Integer> {
    /**
     * The single-core FMA ceiling measured on the project's machine (gru4j-bench PeakFma: ~107–116 GFLOP/s), the
     * divisor of the report line; n threads are held against n times it.
     */
    static final double CORE_GFLOPS = 116;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @picocli.CommandLine.Mixin
    CellOption cell = new CellOption();
    @Option(names = "--mode", defaultValue = "infer", paramLabel = "infer|train|stream", description = "what to time; default ${DEFAULT-VALUE}")
    String mode;
    @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "sequences processed together; default ${DEFAULT-VALUE} (stream: 1)")
    int batch;
    @Option(names = "--steps", defaultValue = "100", paramLabel = "T", description = "time steps per sequence; default ${DEFAULT-VALUE}")
    int steps;
    @picocli.CommandLine.Mixin
    InputSize inputSize = new InputSize(64);
    @Option(names = "--hidden", defaultValue = "256", paramLabel = "H", description = "hidden size; default ${DEFAULT-VALUE}")
    int hidden;
    @Option(names = "--layers", defaultValue = "1", paramLabel = "L", description = "stacked layers; default ${DEFAULT-VALUE}")
    int layers;
    @Option(names = "--bidirectional", description = "two directions per layer")
    boolean bidirectional;
    @picocli.CommandLine.Mixin
    Threads threads = new Threads();
    @Option(names = "--seconds", defaultValue = "3", paramLabel = "S", description = "timed seconds (after warm-up); default ${DEFAULT-VALUE}")
    double seconds;
    @Option(names = "--warmup-seconds", paramLabel = "S", description = "warm-up seconds (at least 10 calls); default 2")
    double warmupSeconds = 2;
    @Option(names = "--warmup", hidden = true, paramLabel = "S", description = OldNames.PREFIX + "--warmup-seconds")
    void warmup(double s) {
        warmupSeconds = s;
    }

    @Override
    public Integer call() {
        CellKind kind = cell.kind();
        int input = inputSize.value;
        if (!mode.equals("infer") && !mode.equals("train") && !mode.equals("stream")) {
            throw new IllegalArgumentException("--mode must be infer, train or stream, got '" + mode + "'");
        }
        positive("--batch", batch);
        positive("--steps", steps);
        positive(OldNames.typed(spec, "--input-size"), input);
        positive("--hidden", hidden);
        positive("--layers", layers);
        threads.applyToKernels();
        if (!(seconds > 0)) throw new IllegalArgumentException("--seconds must be > 0, got " + seconds);
        if (!(warmupSeconds >= 0)) throw new IllegalArgumentException(OldNames.typed(spec, "--warmup-seconds") + " must be ≥ 0, got " + warmupSeconds);
        boolean stream = mode.equals("stream");
        if (stream && bidirectional) throw new IllegalArgumentException("--mode stream cannot be --bidirectional");
        int B = stream ? 1 : batch;

        Recurrent model = new Recurrent(RecurrentConfig.pytorch(kind, input, hidden, layers, bidirectional, true));
        Random rnd = new Random(42);
        float scale = (float) (1 / Math.sqrt(hidden));
        for (int i = 0; i < model.params.length; i++) model.params[i] = (rnd.nextFloat() * 2 - 1) * scale;

        String caseName = kind.id() + " " + mode + " I=" + input + " H=" + hidden + (stream ? "" : " B=" + B + " T=" + steps)
                + " L=" + layers + (bidirectional ? " bidirectional" : "") + " threads=" + Parallel.threads();
        System.out.println("case: " + caseName);
        System.out.println("kernel: " + (Gemm.VECTOR ? "vector" : "scalar") + ", java " + Runtime.version());

        Runnable once;
        int perRun;                         // steps per timed call (stream: many, to amortise the clock)
        if (stream) {
            RecurrentStepper s = new RecurrentStepper(model);
            float[][] xs = new float[64][input];
            for (float[] x : xs) for (int i = 0; i < input; i++) x[i] = rnd.nextFloat() * 2 - 1;
            perRun = 200;
            once = () -> {
                for (int i = 0; i < perRun; i++) s.step(xs[i & 63]);
            };
        } else {
            Tensor x = Tensor.zeros(steps, B, input);
            for (int i = 0; i < x.data.length; i++) x.data[i] = rnd.nextFloat() * 2 - 1;
            perRun = 1;
            if (mode.equals("infer")) {
                once = () -> model.forward(x);
            } else {
                int D = bidirectional ? 2 : 1;
                Tensor dy = Tensor.zeros(steps, B, D * hidden);
                Arrays.fill(dy.data, 1f);
                float lr = 1e-6f;
                once = () -> {
                    model.forward(x);
                    model.backward(dy, null, null, false);   // x is data: no dL/dx, as in PyTorch
                    float[] p = model.params, g = model.grads;
                    for (int i = 0; i < p.length; i++) p[i] -= lr * g[i];
                    model.zeroGrads();
                };
            }
        }

        // warm-up: enough calls for the JIT to compile the hot loops (at least --warmup-seconds and 10 calls)
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        int warm = 0;
        while (warm < 10 || System.nanoTime() < warmEnd) {
            once.run();
            warm++;
        }
        System.gc();
        resetPeaks();
        long heapBefore = heapUsed();
        long allocBefore = allocatedBytes();
        double[] times = new double[16], cpu = new double[16];
        java.lang.management.ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
        int n = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (n < 5 || System.nanoTime() < end) {
            long c0 = threadBean.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            once.run();
            long t1 = System.nanoTime();
            long c1 = threadBean.getCurrentThreadCpuTime();
            if (n == times.length) {
                times = Arrays.copyOf(times, n * 2);
                cpu = Arrays.copyOf(cpu, n * 2);
            }
            cpu[n] = (c1 - c0) / 1e6 / perRun;
            times[n++] = (t1 - t0) / 1e6 / perRun;
        }
        long peak = heapPeak();
        long allocated = allocatedBytes() - allocBefore;
        double[] sorted = Arrays.copyOf(times, n);
        Arrays.sort(sorted);
        double median = sorted[n / 2];
        double[] cpuSorted = Arrays.copyOf(cpu, n);
        Arrays.sort(cpuSorted);

        double flops = 0;
        int D = bidirectional ? 2 : 1, G = kind.gates;
        for (int l = 0; l < layers; l++) {
            int in = l == 0 ? input : D * hidden;
            flops += 2.0 * D * G * hidden * (double) (in + hidden) * (stream ? 1 : (double) steps * B);
        }
        if (mode.equals("train")) flops *= 3;
        double gflops = flops / (median * 1e-3) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "runs: %d timed after %d warm-up; min %.4f ms, median %.4f ms, max %.4f ms%s%n",
                n, warm, sorted[0], median, sorted[n - 1], stream ? " per step" : "");
        System.out.printf(java.util.Locale.ROOT, "cpu: median %.4f ms on the calling thread%s (wall time above; far less cpu than wall on one thread means the machine is busy)%n",
                cpuSorted[n / 2], stream ? " per step" : "");
        int used = Math.min(Parallel.threads(), Runtime.getRuntime().availableProcessors());
        System.out.printf(java.util.Locale.ROOT, "throughput: %.1f GFLOP/s (%.1f%% of %.0f, the measured FMA ceiling of %d core%s)%n",
                gflops, 100 * gflops / (CORE_GFLOPS * used), CORE_GFLOPS * used, used, used == 1 ? "" : "s");
        System.out.printf(java.util.Locale.ROOT, "heap: peak %.1f MiB during the timed runs (%.1f MiB live before), parameters %.2f MiB%n",
                peak / 1048576.0, heapBefore / 1048576.0, model.params.length * 4 / 1048576.0);
        System.out.printf(java.util.Locale.ROOT, "allocated: %.1f KiB per %s (this thread)%n",
                allocated / 1024.0 / n / perRun, stream ? "step" : "run");
        System.out.printf(java.util.Locale.ROOT, "median_ms=%.6f%n", median);
        return 0;
    }

    private static void positive(String flag, int v) {
        if (v < 1) throw new IllegalArgumentException(flag + " must be ≥ 1, got " + v);
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
    }

    private static long heapPeak() {
        long s = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) s += p.getPeakUsage().getUsed();
        return s;
    }

    /** Bytes this thread has allocated so far (HotSpot's ThreadMXBean extension), or 0 where unsupported. */
    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t) {
            return t.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return 0;
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
