package org.gru4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.gru4j.kernel.Gemm;
import org.gru4j.kernel.Parallel;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentStepper;
import org.gru4j.onnx.OnnxImport;
import org.gru4j.tensor.Tensor;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * gru4j beside ONNX Runtime Java on the same torch-exported models (scripts/bench_export_onnx.py writes them), at 1
 * and 2 threads, in alternating rounds; prints the table of issue 12 with ratio = ORT time / gru4j time (above 1:
 * gru4j is faster) and gru4j's GFLOP/s against the measured ceiling (116 per core).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp gru4j-bench/target/benchmarks.jar org.gru4j.bench.OrtCompare DIR \
 *      [--threads 1,2] [--rounds 2] [--seconds 2] [--only TEXT] [--bits true]
 * </pre>
 * With {@code --bits true} it only checks whether each runtime gives the same bits at 1 and 2 threads.
 * Each side keeps the lowest of its per-round medians (interference on a shared machine only ever adds time).
 * RecurrentStepper cases time one step of one stream (T = B = 1, the state carried from step to step); the others one forward.
 * ORT: intra-op threads as asked, inter-op 1, all graph optimisations; gru4j: {@link Parallel#setThreads}.
 */
public final class OrtCompare {
    static final double CORE_GFLOPS = 116;

    record Case(String name, String cell, String mode, int input, int hidden, int batch, int steps, int layers, boolean bi) {
        boolean stream() {
            return mode.equals("stream");
        }

        int gates() {
            return switch (cell) {
                case "gru" -> 3;
                case "lstm" -> 4;
                default -> 1;
            };
        }

        /** 2·T·B·G·H·(I_l + H) per layer and direction: the two products of a forward. */
        double flops() {
            int D = bi ? 2 : 1;
            double f = 0;
            for (int l = 0; l < layers; l++) f += 2.0 * D * gates() * hidden * ((l == 0 ? input : D * hidden) + hidden) * steps * batch;
            return f;
        }

        String label() {
            String s = cell.toUpperCase(Locale.ROOT) + " " + mode + " " + input + "," + hidden + (stream() ? ",1" : "," + batch + "," + steps);
            if (layers > 1 || bi) s += ", " + layers + " layers" + (bi ? " bidirectional" : "");
            return s;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: OrtCompare DIR [--threads 1,2] [--rounds 2] [--seconds 2] [--only TEXT]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int[] threads = {1, 2};
        int rounds = 2;
        double seconds = 2;
        String only = null;
        boolean bits = false;
        for (int i = 1; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null) throw new IllegalArgumentException(args[i] + " needs a value");
            switch (args[i]) {
                case "--threads" -> threads = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--only" -> only = v;
                case "--bits" -> bits = Boolean.parseBoolean(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Case> cases = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("cases.tsv"))) {
            String[] f = line.split("\t");
            if (f.length != 9) continue;
            Case c = new Case(f[0], f[1], f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]),
                    Integer.parseInt(f[6]), Integer.parseInt(f[7]), f[8].equals("1"));
            if (only == null || c.name().contains(only) || c.label().contains(only)) cases.add(c);
        }
        System.out.println("gru4j kernel: " + (Gemm.VECTOR ? "vector" : "scalar") + ", java " + Runtime.version()
                + "; onnxruntime " + OrtEnvironment.getEnvironment().getVersion() + "; rounds " + rounds + ", " + seconds + " s per side and round");
        if (bits) {
            for (Case c : cases) if (!c.stream()) sameBits(dir.resolve(c.name() + ".onnx"), c);
            return;
        }
        StringBuilder head = new StringBuilder("| case (I, H, B, T) |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int t : threads) {
            head.append(' ').append(t).append(t == 1 ? " thread" : " threads").append(": ORT ms | gru4j ms | ratio | gru4j GFLOP/s |");
            rule.append("---|---|---|---|");
        }
        List<String> rows = new ArrayList<>();
        for (Case c : cases) {
            StringBuilder row = new StringBuilder("| " + c.label() + " |");
            for (int t : threads) {
                double ort = Double.MAX_VALUE, g = Double.MAX_VALUE;
                try (Side o = new OrtSide(dir.resolve(c.name() + ".onnx"), c, t); Side j = new Gru4jSide(dir.resolve(c.name() + ".onnx"), c, t)) {
                    for (int r = 0; r < rounds; r++) {
                        ort = Math.min(ort, o.time(seconds));
                        g = Math.min(g, j.time(seconds));
                    }
                }
                double gflops = c.flops() / (g * 1e-3) / 1e9;
                row.append(String.format(Locale.ROOT, " %s | %s | %.2f | %.0f (%.0f%% of %.0f) |", ms(ort), ms(g), ort / g, gflops,
                        100 * gflops / (CORE_GFLOPS * t), CORE_GFLOPS * t));
                System.err.println(c.label() + " threads=" + t + ": ORT " + ms(ort) + " ms, gru4j " + ms(g) + " ms");
            }
            rows.add(row.toString());
        }
        System.out.println(head);
        System.out.println(rule);
        for (String r : rows) System.out.println(r);
    }

    /** Whether each runtime gives the same bits at 1 and 2 threads on one input (ORT: intra-op threads). */
    static void sameBits(Path file, Case c) throws Exception {
        float[][] ort = new float[2][], g = new float[2][];
        for (int t = 1; t <= 2; t++) {
            try (OrtSide o = new OrtSide(file, c, t); OrtSession.Result r = o.session.run(Map.of("x", o.xs[0]))) {
                ort[t - 1] = ((OnnxTensor) r.get(0)).getFloatBuffer().array().clone();
            }
            try (Gru4jSide j = new Gru4jSide(file, c, t)) {
                j.before();
                g[t - 1] = j.model.forward(j.x).y().data;
            }
        }
        System.out.printf(Locale.ROOT, "%s: 1 vs 2 threads, ORT %s (max |Δ| %.2e), gru4j %s (max |Δ| %.2e)%n", c.label(),
                Arrays.equals(ort[0], ort[1]) ? "same bits" : "differs", maxDiff(ort[0], ort[1]),
                Arrays.equals(g[0], g[1]) ? "same bits" : "differs", maxDiff(g[0], g[1]));
    }

    static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    static String ms(double v) {
        return v < 0.1 ? String.format(Locale.ROOT, "%.4f", v) : v < 10 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** One runtime on one case: {@link #once} is one timed call, {@link #per} the steps or forwards it makes. */
    abstract static class Side implements AutoCloseable {
        final Case c;
        final int per;

        Side(Case c) {
            this.c = c;
            this.per = c.stream() ? 200 : 1;
        }

        abstract void once() throws Exception;

        void before() {}

        private boolean warm;

        /**
         * Warms up (the first time at least 3 s — the Vector API code runs its slow Java fallback until C2 has compiled
         * it, ~4 s into a JVM's life here — later 1 s; at least 10 calls), then the median ms per step (stream) or per
         * forward.
         */
        double time(double seconds) throws Exception {
            before();
            long warmEnd = System.nanoTime() + (warm ? 1_000_000_000L : 3_000_000_000L);
            warm = true;
            for (int n = 0; n < 10 || System.nanoTime() < warmEnd; n++) once();
            double[] t = new double[16];
            int n = 0;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (n < 5 || System.nanoTime() < end) {
                long t0 = System.nanoTime();
                once();
                long t1 = System.nanoTime();
                if (n == t.length) t = Arrays.copyOf(t, 2 * n);
                t[n++] = (t1 - t0) / 1e6 / per;
            }
            double[] s = Arrays.copyOf(t, n);
            Arrays.sort(s);
            Thread.sleep(50);   // let the other side's spinning threads go idle
            return s[n / 2];
        }

        @Override
        public void close() throws Exception {}
    }

    static final class OrtSide extends Side {
        final OrtEnvironment env = OrtEnvironment.getEnvironment();
        final OrtSession session;
        final OnnxTensor[] xs;
        final long[] stateShape;
        OrtSession.Result last;
        OnnxValue h, cState;

        OrtSide(Path model, Case c, int threads) throws OrtException {
            super(c);
            OrtSession.SessionOptions so = new OrtSession.SessionOptions();
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(model.toString(), so);
            Random rnd = new Random(1);
            int nx = c.stream() ? 64 : 1;
            xs = new OnnxTensor[nx];
            for (int i = 0; i < nx; i++) {
                float[] x = new float[c.steps() * c.batch() * c.input()];
                for (int k = 0; k < x.length; k++) x[k] = rnd.nextFloat() * 2 - 1;
                xs[i] = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[]{c.steps(), c.batch(), c.input()});
            }
            stateShape = new long[]{(long) c.layers() * (c.bi() ? 2 : 1), c.batch(), c.hidden()};
        }

        @Override
        void before() {
            try {
                if (last != null) last.close();
                last = null;
                float[] zeros = new float[(int) (stateShape[0] * stateShape[1] * stateShape[2])];
                h = OnnxTensor.createTensor(env, FloatBuffer.wrap(zeros), stateShape);
                cState = c.cell().equals("lstm") ? OnnxTensor.createTensor(env, FloatBuffer.wrap(zeros.clone()), stateShape) : null;
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        void once() throws OrtException {
            if (!c.stream()) {
                try (OrtSession.Result r = session.run(Map.of("x", xs[0]))) {
                    r.get(0);
                }
                return;
            }
            for (int i = 0; i < per; i++) {
                Map<String, OnnxTensor> feeds = new HashMap<>();
                feeds.put("x", xs[i & 63]);
                feeds.put("h0", (OnnxTensor) h);
                if (cState != null) feeds.put("c0", (OnnxTensor) cState);
                OrtSession.Result r = session.run(feeds);
                h = r.get("hn").orElseThrow();
                if (cState != null) cState = r.get("cn").orElseThrow();
                if (last != null) last.close();
                last = r;
            }
        }

        @Override
        public void close() throws OrtException {
            if (last != null) last.close();
            for (OnnxTensor x : xs) x.close();
            session.close();
        }
    }

    static final class Gru4jSide extends Side {
        final Recurrent model;
        final int threads;
        final Tensor x;
        final float[][] xs;
        final RecurrentStepper stream;

        Gru4jSide(Path file, Case c, int threads) throws Exception {
            super(c);
            this.model = OnnxImport.read(file);
            this.threads = threads;
            Random rnd = new Random(1);
            x = Tensor.zeros(c.steps(), c.batch(), c.input());
            for (int i = 0; i < x.data.length; i++) x.data[i] = rnd.nextFloat() * 2 - 1;
            xs = new float[64][c.input()];
            for (float[] v : xs) for (int i = 0; i < v.length; i++) v[i] = rnd.nextFloat() * 2 - 1;
            stream = c.stream() ? new RecurrentStepper(model) : null;
        }

        @Override
        void before() {
            Parallel.setThreads(threads);
        }

        @Override
        void once() {
            if (stream == null) {
                model.forward(x);
                return;
            }
            for (int i = 0; i < per; i++) stream.step(xs[i & 63]);
        }
    }
}
