package org.gru4j.flink.examples;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.gru4j.apps.AnomalyDetector;
import org.gru4j.apps.Metrics;
import org.gru4j.flink.GruScorer;
import org.gru4j.flink.Scored;
import org.gru4j.flink.ScoringModel;
import org.gru4j.model.SequenceModel;
import org.gru4j.model.SequenceModelConfig;
import org.gru4j.nn.CellKind;
import org.gru4j.tensor.Tensor;
import org.gru4j.train.Adam;
import org.gru4j.train.Example;
import org.gru4j.train.Huber;
import org.gru4j.train.Init;
import org.gru4j.train.Rng;
import org.gru4j.train.TrainConfig;
import org.gru4j.train.Trainer;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The labelled sensor data (data/sensors) as a stream: each mote's readings step that mote's GRU state in Flink keyed
 * state, and every reading gets a forecast-error score and an anomaly flag.
 * <pre>
 * 1. train  a GRU forecaster of the next (humidity, temperature), standardised, on the first 30% of each mote's
 *           readings (truncated BPTT, one lane per mote)
 * 2. pick   the threshold from the training part's scores alone: exp(median + 3·1.4826·MAD) of the log scores
 * 3. stream every reading, in file order, keyed by mote_id, through {@link GruScorer}; compare flags with the labels
 * </pre>
 * Run: {@code mvn -q -pl gru4j-flink -am test -Dtest=SensorAnomalyJobTest -Dsurefire.failIfNoSpecifiedTests=false}
 * (or call {@link #run} from a job of your own; {@link #main} takes the CSV path and the parallelism).
 */
public final class SensorAnomalyJob {
    private SensorAnomalyJob() {}

    /** One reading: its row, mote, standardised features and label. */
    public static class Reading implements Serializable {
        /** The reading's index among the file's rows, from 0. */
        public int row;
        /** The mote that sent it. */
        public int mote;
        /** Its standardised (humidity, temperature). */
        public float[] features;
        /** 1 for a labelled anomaly, else 0. */
        public int label;

        /** An empty reading, for Flink's POJO serializer. */
        public Reading() {}

        Reading(int row, int mote, float[] features, int label) {
            this.row = row;
            this.mote = mote;
            this.features = features;
            this.label = label;
        }
    }

    /**
     * What the job measured: flags against the labels.
     *
     * @param readings readings streamed
     * @param anomalies labelled anomalies among them
     * @param flagged readings flagged
     * @param precision flagged and labelled / flagged
     * @param recall flagged and labelled / labelled
     * @param f1 their harmonic mean
     * @param auc the scores' ROC-AUC
     * @param threshold the threshold chosen on the training part
     */
    public record Report(int readings, int anomalies, int flagged, double precision, double recall, double f1, double auc,
                         double threshold) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d readings, %d labelled anomalies, %d flagged: precision %.3f recall %.3f "
                    + "f1=%.4f auc=%.4f (threshold %.4g)", readings, anomalies, flagged, precision, recall, f1, auc, threshold);
        }
    }

    /**
     * Runs the job on a CSV file and prints its report.
     *
     * @param args the CSV path (default: the shipped data) and the parallelism (default 2)
     * @throws Exception when the file cannot be read or the job fails
     */
    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args.length > 0 ? args[0] : "data/sensors/suthaharan-sensors.csv");
        int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        System.out.println(run(csv, parallelism));
    }

    /**
     * Trains, picks the threshold, streams every reading through a local Flink job and measures the flags.
     *
     * @param csv the sensor CSV file
     * @param parallelism the job's parallelism
     * @return what the job measured
     * @throws Exception when the file cannot be read or the job fails
     */
    public static Report run(Path csv, int parallelism) throws Exception {
        List<Reading> readings = read(csv);
        final int C = 2;

        // 1. the forecaster, trained on each mote's first 30%
        Map<Integer, List<Reading>> byMote = new LinkedHashMap<>();
        for (Reading r : readings) byMote.computeIfAbsent(r.mote, m -> new ArrayList<>()).add(r);
        List<Example> examples = new ArrayList<>();
        for (List<Reading> series : byMote.values()) {
            int T = (int) (series.size() * 0.3) - 1;
            if (T < 2) continue;
            Tensor in = Tensor.zeros(T, C), out = Tensor.zeros(T, C);
            for (int t = 0; t < T; t++) {
                System.arraycopy(series.get(t).features, 0, in.data, t * C, C);
                System.arraycopy(series.get(t + 1).features, 0, out.data, t * C, C);
            }
            examples.add(new Example(in, out));
        }
        SequenceModel model = new SequenceModel(SequenceModelConfig.seqToSeq(CellKind.GRU, C, 32, 1, C));
        Init.PYTORCH.apply(model, new Rng(1));
        TrainConfig tc = TrainConfig.defaults(5e-3).withEpochs(8).withBatchSize(examples.size()).withBptt(64).withSeed(1);
        new Trainer(model, Adam.adam(model.parameterCount()), new Huber(1.0), tc, null).fit(examples);

        // 2. the threshold, from the training part's own forecast errors
        List<Double> trainScores = new ArrayList<>();
        for (Example e : examples) {
            int T = e.steps();
            float[] pred = model.forward(e.input().reshape(T, 1, C)).logits().data;
            for (int t = 1; t < T; t++) trainScores.add(mse(e.input().data, t * C, pred, (t - 1) * C, C));
        }
        double threshold = AnomalyDetector.threshold(trainScores.stream().mapToDouble(Double::doubleValue).toArray(), 3);

        // 3. the stream
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        List<Scored> scored = env.fromData(readings).setParallelism(1)
                .keyBy(r -> r.mote)
                .process(new GruScorer<Integer, Reading>(ScoringModel.of(model, threshold), r -> r.features))
                .executeAndCollect(readings.size() + 1);

        // per mote, the n-th scored event is the mote's n-th reading
        double[] score = new double[readings.size()];
        boolean[] flag = new boolean[readings.size()];
        for (Scored s : scored) {
            Reading r = byMote.get(Integer.parseInt(s.key)).get((int) s.sequence);
            score[r.row] = s.score;
            flag[r.row] = s.anomaly;
        }
        boolean[] label = new boolean[readings.size()];
        int anomalies = 0, flagged = 0;
        for (Reading r : readings) {
            label[r.row] = r.label == 1;
            anomalies += r.label;
            flagged += flag[r.row] ? 1 : 0;
        }
        Metrics.Detection d = Metrics.detection(score, flag, label);
        return new Report(readings.size(), anomalies, flagged, d.precision(), d.recall(), d.f1(), d.auc(), threshold);
    }

    private static double mse(float[] x, int xo, float[] pred, int po, int n) {
        double se = 0;
        for (int i = 0; i < n; i++) se += (x[xo + i] - pred[po + i]) * (double) (x[xo + i] - pred[po + i]);
        return se / n;
    }

    /** reading,mote_id,indoor,humidity,temperature,label → readings with humidity and temperature standardised. */
    static List<Reading> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        if (lines.isEmpty()) throw new IOException(csv + ": empty file");
        List<String> header = Arrays.asList(lines.get(0).trim().split(","));
        int mote = col(csv, header, "mote_id"), hum = col(csv, header, "humidity"), temp = col(csv, header, "temperature"),
                lab = col(csv, header, "label");
        List<double[]> raw = new ArrayList<>();
        List<int[]> ids = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            String[] f = lines.get(i).split(",");
            try {
                raw.add(new double[]{Double.parseDouble(f[hum]), Double.parseDouble(f[temp])});
                ids.add(new int[]{Integer.parseInt(f[mote].trim()), Integer.parseInt(f[lab].trim())});
            } catch (RuntimeException e) {
                throw new IOException(csv + " line " + (i + 1) + ": not a reading: " + lines.get(i));
            }
        }
        double[] mean = new double[2], sd = new double[2];
        for (double[] r : raw) for (int c = 0; c < 2; c++) mean[c] += r[c] / raw.size();
        for (double[] r : raw) for (int c = 0; c < 2; c++) sd[c] += (r[c] - mean[c]) * (r[c] - mean[c]) / raw.size();
        List<Reading> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            float[] f = new float[2];
            for (int c = 0; c < 2; c++) f[c] = (float) ((raw.get(i)[c] - mean[c]) / Math.sqrt(sd[c]));
            out.add(new Reading(i, ids.get(i)[0], f, ids.get(i)[1]));
        }
        return out;
    }

    private static int col(Path csv, List<String> header, String name) throws IOException {
        int i = header.indexOf(name);
        if (i < 0) throw new IOException(csv + ": no column '" + name + "' in the header " + header);
        return i;
    }
}
