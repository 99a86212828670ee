package org.gru4j.cli;

import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.stream.Sessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@code gru4j bench-sessions}: events per second and latency of keyed streaming ({@link Sessions}). */
@Command(name = "bench-sessions", mixinStandardHelpOptions = true,
        description = {"Time keyed streaming: one event steps one key's state (Sessions.step), or micro-batches of events "
                + "(Sessions.stepBatch). Keys are created first; events then pick keys at random.",
                "--threads: one stepping thread by default (its latency is the figure); N threads each own a share of the keys "
                        + "and measure the scaling.",
                "Prints the state memory per key, events/s and per-event latency percentiles; the last line is "
                        + "events_per_s=<n> p50_us=<n> p99_us=<n>."})
final class SessionsBenchCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @picocli.CommandLine.Mixin
    CellOption cell = new CellOption();
    @picocli.CommandLine.Mixin
    InputSize inputSize = new InputSize(8);
    @Option(names = "--hidden", defaultValue = "64", paramLabel = "H", description = "hidden size; default ${DEFAULT-VALUE}")
    int hidden;
    @Option(names = "--layers", defaultValue = "1", paramLabel = "L", description = "stacked layers; default ${DEFAULT-VALUE}")
    int layers;
    @Option(names = "--keys", defaultValue = "1000", paramLabel = "K", description = "distinct keys; default ${DEFAULT-VALUE}")
    int keys;
    @Option(names = "--events", defaultValue = "1000000", paramLabel = "N", description = "events timed (after warm-up); default ${DEFAULT-VALUE}")
    int events;
    /** One thread by default: the latency of one stepping thread is the figure; more threads measure the scaling. */
    @picocli.CommandLine.Mixin
    Threads threads = new Threads(1);
    private int stepping, input;    // threads.count(), inputSize.value
    @Option(names = "--batch", defaultValue = "1", paramLabel = "B", description = "keys stepped together by one stepBatch call (1: one step() per event); default ${DEFAULT-VALUE}")
    int batch;

    @Override
    public Integer call() throws Exception {
        input = inputSize.value;
        if (keys < 1 || events < 1 || batch < 1 || input < 1 || hidden < 1 || layers < 1) {
            throw new IllegalArgumentException("--keys, --events, --batch, " + OldNames.typed(spec, "--input-size") + ", --hidden and --layers must be positive");
        }
        stepping = threads.count();
        if (keys < stepping) throw new IllegalArgumentException("--keys must be at least --threads (each thread owns its keys)");
        CellKind kind = cell.kind();
        Recurrent model = new Recurrent(RecurrentConfig.pytorch(kind, input, hidden, layers, false, true));
        SplittableRandom init = new SplittableRandom(1);
        for (int i = 0; i < model.params.length; i++) model.params[i] = (float) init.nextDouble(-0.1, 0.1);
        Sessions sessions = new Sessions(model);

        System.gc();
        long before = usedHeap();
        float[] zero = new float[input], out = new float[hidden];
        for (long k = 0; k < keys; k++) sessions.step(k, zero, out);
        System.gc();
        long held = Math.max(0, usedHeap() - before);
        System.out.printf(Locale.ROOT, "%s I=%d H=%d L=%d: %d keys hold %.1f MB of heap, %d bytes per key (state %d floats)%n",
                kind.id(), input, hidden, layers, keys, held / 1e6, held / keys, sessions.stateSize);

        run(sessions, Math.min(events, 200_000), false);                     // warm-up: JIT, first-touch
        long[] lat = run(sessions, events, true);
        long wall = lat[lat.length - 1];
        long[] perEvent = Arrays.copyOf(lat, lat.length - 1);
        Arrays.sort(perEvent);
        double eps = events / (wall / 1e9);
        double p50 = perEvent[perEvent.length / 2] / 1e3, p99 = perEvent[(int) (perEvent.length * 0.99)] / 1e3;
        System.out.printf(Locale.ROOT, "%d events, %d threads, batch %d: %.0f events/s, latency p50 %.2f µs p99 %.2f µs per %s%n",
                events, stepping, batch, eps, p50, p99, batch == 1 ? "event" : "batch call / batch");
        System.out.printf(Locale.ROOT, "events_per_s=%.0f p50_us=%.3f p99_us=%.3f%n", eps, p50, p99);
        return 0;
    }

    /** Steps {@code total} events over the threads; returns per-call latencies (ns, per event) and, last, the wall time. */
    private long[] run(Sessions sessions, int total, boolean measure) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(stepping);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<long[]>> parts = new ArrayList<>();
        for (int t = 0; t < stepping; t++) {
            final int id = t, share = total / stepping + (t < total % stepping ? 1 : 0);
            parts.add(pool.submit(() -> {
                SplittableRandom rnd = new SplittableRandom(42 + id);
                int myKeys = keys / stepping + (id < keys % stepping ? 1 : 0);
                int calls = (share + batch - 1) / batch;
                long[] lat = new long[calls];
                float[] x = new float[input * batch], y = new float[hidden * batch], one = new float[hidden];
                long[] ks = new long[batch];
                for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                start.await();
                for (int c = 0; c < calls; c++) {
                    int n = Math.min(batch, share - c * batch);
                    if (batch == 1) {
                        long key = (long) rnd.nextInt(myKeys) * stepping + id;
                        long t0 = System.nanoTime();
                        sessions.step(key, x, one);
                        lat[c] = System.nanoTime() - t0;
                    } else {
                        long[] k = n == batch ? ks : new long[n];
                        for (int i = 0; i < n; i++) k[i] = (long) rnd.nextInt(myKeys) * stepping + id;
                        float[] xs = n == batch ? x : Arrays.copyOf(x, n * input), ys = n == batch ? y : new float[n * hidden];
                        long t0 = System.nanoTime();
                        sessions.stepBatch(k, xs, ys);
                        lat[c] = (System.nanoTime() - t0) / n;
                    }
                }
                return lat;
            }));
        }
        long t0 = System.nanoTime();
        start.countDown();
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> f : parts) all.add(f.get());
        long wall = System.nanoTime() - t0;
        pool.shutdown();
        int n = 0;
        for (long[] a : all) n += a.length;
        long[] out = new long[n + 1];
        int at = 0;
        for (long[] a : all) {
            System.arraycopy(a, 0, out, at, a.length);
            at += a.length;
        }
        out[n] = wall;
        return out;
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
