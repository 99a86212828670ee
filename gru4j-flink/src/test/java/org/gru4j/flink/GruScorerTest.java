package org.gru4j.flink;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.gru4j.nn.CellKind;
import org.gru4j.nn.Recurrent;
import org.gru4j.nn.RecurrentConfig;
import org.gru4j.nn.RecurrentStepper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The scorer on Flink's MiniCluster: parallelism 1 and 2, a job that fails mid-stream and restarts from its last
 * checkpoint, and a job stopped with a savepoint at parallelism 2 and resumed from it at parallelism 1 all give, for
 * every key and event, exactly what a plain single-threaded run of the model gives.
 */
class GruScorerTest {
    static final int EVENTS = 3000, KEYS = 7, I = 3, H = 8;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static ScoringModel model(CellKind cell) {
        Recurrent r = new Recurrent(RecurrentConfig.pytorch(cell, I, H, 2, false, true));
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < r.params.length; i++) r.params[i] = (float) rnd.nextDouble(-0.5, 0.5);
        float[] w = new float[I * H], b = new float[I];
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextDouble(-0.5, 0.5);
        return ScoringModel.of(r, w, b, 0.5);
    }

    /** Event n: key n mod KEYS, features a fixed function of n, with an occasional spike. */
    static float[] features(long n) {
        float[] x = new float[I];
        for (int i = 0; i < I; i++) x[i] = (float) Math.sin(0.1 * n + i) + (n % 97 == 13 ? 4f : 0f);
        return x;
    }

    static String key(long n) {
        return "mote-" + (n % KEYS);
    }

    /** The same events through plain per-key Streams and the head, in order: (key#seq) → expected. */
    static Map<String, Scored> reference(ScoringModel m) {
        Map<String, RecurrentStepper> streams = new HashMap<>();
        Map<String, float[]> forecasts = new HashMap<>();
        Map<String, Long> seqs = new HashMap<>();
        Map<String, Scored> out = new HashMap<>();
        org.gru4j.model.SequenceModel built = (org.gru4j.model.SequenceModel) m.build();
        Recurrent r = built.stack;
        float[] headWeight = built.stateDict().get("head.weight").data, headBias = built.stateDict().get("head.bias").data;
        for (long n = 0; n < EVENTS; n++) {
            String k = key(n);
            float[] x = features(n);
            long seq = seqs.merge(k, 1L, Long::sum) - 1;
            float[] prev = forecasts.get(k);
            double se = 0;
            for (int i = 0; i < I && prev != null; i++) se += (x[i] - prev[i]) * (double) (x[i] - prev[i]);
            double score = prev == null ? 0 : se / I;
            float[] h = streams.computeIfAbsent(k, key -> new RecurrentStepper(r)).step(x);
            float[] y = new float[I];
            for (int o = 0; o < I; o++) {
                float acc = headBias[o];
                for (int j = 0; j < H; j++) acc += headWeight[o * H + j] * h[j];
                y[o] = acc;
            }
            forecasts.put(k, y);
            out.put(k + "#" + seq, new Scored(k, seq, y, -1, score, seq > 0 && score > m.threshold()));
        }
        return out;
    }

    static StreamExecutionEnvironment env(int parallelism, String savepoint) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(10));
        if (savepoint != null) conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        env.enableCheckpointing(50);
        return env;
    }

    /** events → pace (and maybe fail) → keyBy → scorer; one source instance keeps each key's events in order. */
    static DataStream<Scored> pipeline(StreamExecutionEnvironment env, ScoringModel m) {
        return env.fromSequence(0, EVENTS - 1).setParallelism(1).uid("events")
                .map(new FailOnce()).setParallelism(1).uid("pace")
                .keyBy(GruScorerTest::key)
                .process(new GruScorer<String, Long>(m, GruScorerTest::features)).uid("scorer");
    }

    static List<Scored> run(ScoringModel m, int parallelism, boolean failOnce) throws Exception {
        FailOnce.reset(failOnce, false);
        return pipeline(env(parallelism, null), m).executeAndCollect(EVENTS * 2);
    }

    /** Each (key, seq) exactly as the reference; replays after a restart must repeat, never differ. */
    static void check(Map<String, Scored> want, List<Scored> got) {
        Map<String, Scored> seen = new HashMap<>();
        for (Scored s : got) {
            Scored before = seen.putIfAbsent(s.key + "#" + s.sequence, s);
            if (before != null && !before.equals(s)) fail("replayed event differs: " + before + " vs " + s);
        }
        assertEquals(want.keySet(), seen.keySet(), "every event of every key scored once");
        for (Map.Entry<String, Scored> e : want.entrySet()) {
            Scored g = seen.get(e.getKey()), w = e.getValue();
            assertArrayEquals(w.output, g.output, 0f, e.getKey());
            assertEquals(w.score, g.score, 1e-12, e.getKey());
            assertEquals(w.anomaly, g.anomaly, e.getKey());
        }
    }

    @Test
    void parallelismOneAndTwoGiveTheReference() throws Exception {
        ScoringModel m = model(CellKind.GRU);
        Map<String, Scored> want = reference(m);
        assertTrue(want.values().stream().anyMatch(s -> s.anomaly), "the spikes are flagged");
        check(want, run(m, 1, false));
        check(want, run(m, 2, false));
    }

    /** Stop with a savepoint mid-stream at parallelism 2, resume from it at parallelism 1: Flink moves the states. */
    @Test
    void savepointAndRescaleKeepEveryKeysState(@TempDir Path dir) throws Exception {
        ScoringModel m = model(CellKind.GRU);
        Map<String, Scored> want = reference(m);
        Collected.ALL.clear();
        FailOnce.reset(false, true);
        StreamExecutionEnvironment first = env(2, null);
        pipeline(first, m).sinkTo(new Collected()).uid("sink");
        JobClient job = first.executeAsync("before the savepoint");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (Collected.ALL.size() < EVENTS / 3 && System.nanoTime() < deadline) Thread.sleep(20);
        String savepoint = job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL).get();
        int before = Collected.ALL.size();
        assertTrue(before >= EVENTS / 3 && before < EVENTS, "stopped mid-stream, after " + before + " events");

        FailOnce.reset(false, false);
        StreamExecutionEnvironment second = env(1, savepoint);
        pipeline(second, m).sinkTo(new Collected()).uid("sink");
        second.execute("after the savepoint, rescaled to 1");
        check(want, new ArrayList<>(Collected.ALL));
    }

    /** A sink into one queue of the test JVM. */
    static final class Collected implements Sink<Scored> {
        static final ConcurrentLinkedQueue<Scored> ALL = new ConcurrentLinkedQueue<>();

        @Override
        public SinkWriter<Scored> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Scored s, Context c) {
                    ALL.add(s);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    @Test
    void failureAndRestoreFromCheckpointLosesAndDoublesNothing() throws Exception {
        ScoringModel m = model(CellKind.LSTM);
        Map<String, Scored> want = reference(m);
        List<Scored> got = run(m, 2, true);
        assertTrue(FailOnce.failed, "the failure was injected");
        check(want, got);
    }

    /**
     * Paces the stream: when armed, slow until a checkpoint has completed, then fail once past a third of the events;
     * when slow, a millisecond per event throughout (so a savepoint can be taken mid-stream).
     */
    static final class FailOnce extends RichMapFunction<Long, Long> implements CheckpointListener {
        static volatile boolean armed, slow, checkpointed, failed;

        static void reset(boolean arm, boolean slowly) {
            armed = arm;
            slow = slowly;
            checkpointed = false;
            failed = false;
        }

        @Override
        public Long map(Long n) throws Exception {
            if (slow) Thread.sleep(1);
            if (armed && !failed) {
                if (checkpointed && n >= EVENTS / 3) {
                    failed = true;
                    throw new IllegalStateException("injected failure at event " + n);
                }
                Thread.sleep(1);
            }
            return n;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }
    }
}
