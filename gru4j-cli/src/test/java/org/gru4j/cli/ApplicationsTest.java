package org.gru4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.gru4j.cli.RunCommandTest.gru4j;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gru4j forecast|anomaly|classify} in-process on small synthetic CSV files, with tiny settings: the last line's
 * format, and each model beating a trivial baseline (naive forecast, chance/all-positive detection, majority class).
 */
class ApplicationsTest {
    @TempDir
    Path tmp;

    static String lastLine(String out) {
        String[] lines = out.strip().split("\\R");
        return lines[lines.length - 1];
    }

    static Matcher match(String regex, String line) {
        Matcher m = Pattern.compile(regex).matcher(line);
        assertTrue(m.matches(), "last line '" + line + "' does not match " + regex);
        return m;
    }

    /**
     * A sine of period 12 plus a trend, its rows shuffled, with gaps and quoted fields: sorted back by the time column,
     * gaps filled, and the GRU's MASE well under naive's (which forecasts a flat line through a swing).
     */
    @Test
    void forecastBeatsNaiveOnASeasonalSeries() throws IOException {
        SplittableRandom r = new SplittableRandom(5);
        List<String> rows = new ArrayList<>();
        for (int t = 0; t < 120; t++) {
            double v = 50 + 0.2 * t + 10 * Math.sin(2 * Math.PI * t / 12) + r.nextGaussian() * 0.3;
            String cell = t == 30 || t == 31 ? "NA" : t == 70 ? "" : String.format(Locale.ROOT, "\"%.3f\"", v);
            rows.add(String.format(Locale.ROOT, "\"%d\",%s,\"note, with comma\"", 2000 + t, cell));
        }
        Collections.shuffle(rows, new java.util.Random(1));
        Path csv = tmp.resolve("sine.csv"), png = tmp.resolve("sine.png");
        Files.writeString(csv, "\"year\",\"level\",\"comment\"\n" + String.join("\n", rows) + "\n");
        var res = gru4j("forecast", "--csv", csv.toString(), "--column", "level", "--time-column", "year", "--horizon", "6",
                "--hidden", "8", "--epochs", "40", "--seeds", "1", "--plot", png.toString());
        assertEquals(0, res.code(), res.err());
        assertTrue(res.out().contains("rows sorted by year"), res.out());
        assertTrue(res.out().contains("3 gaps filled"), res.out());
        assertTrue(res.out().contains("2120"), "the forecast's stamps continue the years: " + res.out());
        Matcher m = match("mase=(\\d+\\.\\d{4}) naive_mase=(\\d+\\.\\d{4})", lastLine(res.out()));
        double gru = Double.parseDouble(m.group(1)), naive = Double.parseDouble(m.group(2));
        assertTrue(gru < 0.5 * naive, res.out());
        assertTrue(Files.size(png) > 1000);
    }

    /** Two groups, two columns, spikes injected at known rows: AUC near 1 and F1 above flagging every row. */
    @Test
    void anomalyFindsInjectedSpikes() throws IOException {
        SplittableRandom r = new SplittableRandom(9);
        StringBuilder sb = new StringBuilder("sensor,a,b,label\n");
        int n = 0, anomalies = 0;
        for (int t = 0; t < 400; t++) {
            for (String g : new String[]{"s1", "s2"}) {
                double off = g.equals("s1") ? 0 : 20;
                double a = off + Math.sin(t / 8.0) + 0.05 * r.nextGaussian(), b = off + Math.cos(t / 11.0) + 0.05 * r.nextGaussian();
                boolean spike = t > 20 && t % 37 == (g.equals("s1") ? 3 : 17);
                if (spike) {
                    if (t % 2 == 0) a += 3;
                    else b -= 3;
                    anomalies++;
                }
                String bs = t == 100 ? "NaN" : String.format(Locale.ROOT, "%.4f", b);
                sb.append(String.format(Locale.ROOT, "%s,%.4f,%s,%d%n", g, a, bs, spike ? 1 : 0));
                n++;
            }
        }
        Path csv = tmp.resolve("spikes.csv"), out = tmp.resolve("scores.csv"), png = tmp.resolve("scores.png");
        Files.writeString(csv, sb.toString());
        var res = gru4j("anomaly", "--csv", csv.toString(), "--columns", "a,b", "--group-column", "sensor", "--label-column", "label",
                "--hidden", "12", "--epochs", "6", "--out", out.toString(), "--plot", png.toString());
        assertEquals(0, res.code(), res.err());
        String[] lines = res.out().strip().split("\\R");
        match("baseline_f1=\\d+\\.\\d{4} baseline_auc=\\d+\\.\\d{4}", lines[lines.length - 2]);
        Matcher m = match("f1=(\\d+\\.\\d{4}) auc=(\\d+\\.\\d{4})", lines[lines.length - 1]);
        double f1 = Double.parseDouble(m.group(1)), auc = Double.parseDouble(m.group(2));
        double p = (double) anomalies / n, allPositiveF1 = 2 * p / (1 + p);
        assertTrue(auc > 0.9, res.out());
        assertTrue(f1 > 3 * allPositiveF1, res.out());
        List<String> scores = Files.readAllLines(out);
        assertEquals(n + 1, scores.size());
        assertEquals("line,group,score,flag,baseline_score,baseline_flag", scores.get(0));
        assertTrue(scores.get(1).startsWith("2,s1,"), scores.get(1));
        assertTrue(Files.size(png) > 1000);
        // the warm-up: each group's first 5 readings (file lines 2..11, the groups interleaved) are unscored, the 6th is
        assertTrue(res.out().contains("warm-up: each group's first 5 readings not scored"), res.out());
        for (int i = 1; i <= 10; i++) assertTrue(scores.get(i).matches("\\d+,s[12],0\\.0+,0,0\\.0+,0"), scores.get(i));
        assertTrue(!scores.get(11).matches("\\d+,s1,0\\.0+,0,.*"), scores.get(11));

        var unlabelled = gru4j("anomaly", "--csv", csv.toString(), "--columns", "a,b", "--group-column", "sensor", "--hidden", "4", "--epochs", "1");
        assertEquals(0, unlabelled.code(), unlabelled.err());
        assertEquals("f1=nan auc=nan", lastLine(unlabelled.out()));
    }

    /** Rising against falling sequences (4 steps × 2 features), noisy: accuracy far above the majority class. */
    @Test
    void classifySeparatesTwoShapes() throws IOException {
        SplittableRandom r = new SplittableRandom(2);
        StringBuilder sb = new StringBuilder("x0,y0,x1,y1,kind,x2,y2,x3,y3\n");
        for (int i = 0; i < 120; i++) {
            boolean up = i % 3 != 0;             // 2:1 classes, so the majority scores 2/3
            double[] v = new double[8];
            for (int t = 0; t < 4; t++) {
                v[2 * t] = (up ? t : 3 - t) + 0.4 * r.nextGaussian();
                v[2 * t + 1] = r.nextGaussian();
            }
            sb.append(String.format(Locale.ROOT, "%.3f,%.3f,%.3f,%.3f,%s,%.3f,%.3f,%.3f,%s%n", v[0], v[1], v[2], v[3],
                    up ? "up" : "\"down\"", v[4], v[5], v[6], i == 7 ? "NA" : String.format(Locale.ROOT, "%.3f", v[7])));
        }
        Path csv = tmp.resolve("shapes.csv");
        Files.writeString(csv, sb.toString());
        var res = gru4j("classify", "--csv", csv.toString(), "--label-column", "kind", "--steps", "4", "--hidden", "8", "--epochs", "25",
                "--test-fraction", "0.25");
        assertEquals(0, res.code(), res.err());
        assertTrue(res.out().contains("train 90, test 30"), res.out());
        Matcher m = match("accuracy=(\\d+\\.\\d{4})", lastLine(res.out()));
        assertTrue(Double.parseDouble(m.group(1)) >= 0.9, res.out());
    }
}
