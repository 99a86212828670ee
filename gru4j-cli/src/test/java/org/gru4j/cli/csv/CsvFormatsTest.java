package org.gru4j.cli.csv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.gru4j.cli.RunCommandTest.gru4j;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 15/16: delimiters, time formats, duplicate stamps, degenerate series, wide headers and many classes. */
class CsvFormatsTest {
    @TempDir
    Path tmp;

    Path file(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void semicolonsAndTabsAreDetectedAndAMissingColumnNamesTheLikelyDelimiter() throws IOException {
        Csv semi = Csv.read(file("s.csv", "\"a;x\";b\n1;2\n3,5;4\n"));
        assertEquals(List.of("a;x", "b"), semi.header);
        assertEquals(';', semi.delimiter);
        Csv tab = Csv.read(file("t.csv", "a\tb\n1\t2\n"));
        assertArrayEquals(new double[]{2}, tab.numbers("b", "--column"));
        // forced to ',' a semicolon file is one column: the error says which delimiter it likely has
        Path p = file("f.csv", "a;b\n1;2\n");
        String m = assertThrows(IllegalArgumentException.class, () -> Csv.read(p, ',').column("b", "--column")).getMessage();
        assertTrue(m.contains("the delimiter is likely ';'") && m.contains("--delimiter ;"), m);
        var res = gru4j("forecast", "--csv", p.toString(), "--delimiter", "|", "--column", "b", "--horizon", "1");
        assertEquals(1, res.code());
        assertTrue(res.err().contains("likely ';'"), res.err());
    }

    @Test
    void timeFormatsByPatternAndAnErrorThatListsTheAcceptedOnes() throws IOException {
        Path p = file("d.csv", "when,v\n01/01/1949,1\n01/02/1949,2\n");
        String m = assertThrows(IllegalArgumentException.class, () -> TimeAxis.read(Csv.read(p), "when", "--time-column")).getMessage();
        assertTrue(m.contains("'01/01/1949' is not a time stamp") && m.contains("yyyy-MM-dd") && m.contains("--time-format"), m);
        TimeAxis d = TimeAxis.read(Csv.read(p), "when", "--time-column", "dd/MM/yyyy");
        assertEquals(TimeAxis.Kind.DATE, d.kind);
        assertEquals("1949-02-01", d.format(d.value[1]));
        TimeAxis months = TimeAxis.read(Csv.read(file("m.csv", "when,v\nJan 1949,1\nFeb 1949,2\n")), "when", "--time-column", "MMM yyyy");
        assertEquals(TimeAxis.Kind.MONTH, months.kind);
        assertEquals("1949-03", months.format(months.after(1)));
        TimeAxis dots = TimeAxis.read(Csv.read(file("p.csv", "when,v\n01.01.1949 10:30,1\n")), "when", "--time-column", "dd.MM.yyyy HH:mm");
        assertEquals(TimeAxis.Kind.DATETIME, dots.kind);
        String bad = assertThrows(IllegalArgumentException.class,
                () -> TimeAxis.read(Csv.read(p), "when", "--time-column", "yyyy-MM-dd")).getMessage();
        assertTrue(bad.contains("line 2") && bad.contains("does not match --time-format 'yyyy-MM-dd'"), bad);
    }

    @Test
    void forecastRefusesDuplicateStampsAndDegenerateSeriesWithAReason() throws IOException {
        StringBuilder dup = new StringBuilder("t,v\n");
        for (int i = 0; i < 40; i++) dup.append(i == 30 ? 7 : i).append(',').append(i % 5).append('\n');
        var res = gru4j("forecast", "--csv", file("dup.csv", dup.toString()).toString(), "--column", "v", "--time-column", "t", "--horizon", "2");
        assertEquals(1, res.code());
        assertTrue(res.err().contains("lines 9 and 32") && res.err().contains("the same time 7 twice"), res.err());
        var flat = gru4j("forecast", "--csv", file("c.csv", "v\n" + "3\n".repeat(40)).toString(), "--column", "v", "--horizon", "2");
        assertEquals(1, flat.code());
        assertTrue(flat.err().contains("is constant") && flat.err().contains("MASE is undefined"), flat.err());
        var huge = gru4j("forecast", "--csv", file("h.csv", "v\n" + "1e200\n2e200\n".repeat(20)).toString(), "--column", "v", "--horizon", "2", "--log", "no");
        assertEquals(1, huge.code());
        assertTrue(huge.err().contains("too large"), huge.err());
    }

    @Test
    void rowsMissingFromAnEvenlySpacedSeriesBecomeGapsAPatternDoesNot() throws IOException {
        // monthly, 1950-08 lost: one NaN where it was, and the stamps with it
        StringBuilder monthly = new StringBuilder("when,v\n"), starts = new StringBuilder("when,v\n");
        for (int i = 0; i < 40; i++) {
            if (i == 19) continue;
            monthly.append(java.time.YearMonth.of(1949, 1).plusMonths(i)).append(',').append(i).append('\n');
            starts.append(java.time.LocalDate.of(1949, 1, 1).plusMonths(i)).append(',').append(i).append('\n');
        }
        for (String text : new String[]{monthly.toString(), starts.toString()}) {
            Csv csv = Csv.read(file("m.csv", text));
            TimeAxis t = TimeAxis.read(csv, "when", "--time-column");
            TimeAxis.Grid g = t.grid(csv.numbers("v", "--column"));
            assertEquals(1, g.inserted(), text.substring(0, 20));
            assertEquals(40, g.y().length);
            assertTrue(Double.isNaN(g.y()[19]) && g.y()[18] == 18 && g.y()[20] == 20);
            assertEquals("1950-08", g.time().format(g.time().value[19]).substring(0, 7));
            assertEquals("1 month", t.formatStep());
            // month-start dates step by months, not by 31 days: the 3rd month after 1952-04-01 is 1952-07-01
            if (t.kind == TimeAxis.Kind.DATE) assertEquals("1952-07-01", t.format(t.after(3)));
        }
        // business days: the weekends are a pattern (2 in 7), not lost rows
        StringBuilder weekdays = new StringBuilder("when,v\n");
        for (java.time.LocalDate d = java.time.LocalDate.of(2024, 1, 1); d.getYear() == 2024; d = d.plusDays(1)) {
            if (d.getDayOfWeek().getValue() <= 5) weekdays.append(d).append(",1\n");
        }
        Csv wd = Csv.read(file("w.csv", weekdays.toString()));
        TimeAxis.Grid g = TimeAxis.read(wd, "when", "--time-column").grid(wd.numbers("v", "--column"));
        assertEquals(0, g.inserted());
        assertTrue(g.missing() > 100);
        // stamps off the grid are left alone
        Csv odd = Csv.read(file("o.csv", "t,v\n0,1\n1,2\n2,3\n3.5,4\n4.5,5\n5.5,6\n"));
        TimeAxis.Grid o = TimeAxis.read(odd, "t", "--time-column").grid(odd.numbers("v", "--column"));
        assertEquals(0, o.inserted());
        assertEquals(1, o.offGrid());
        // the forecast says it and fills the gap
        StringBuilder air = new StringBuilder("month,passengers\n");
        List<String> lines = Files.readAllLines(Path.of("../data/airline/airline-passengers.csv"));
        for (int i = 1; i < lines.size(); i++) if (!lines.get(i).startsWith("1950-08")) air.append(lines.get(i)).append('\n');
        var res = gru4j("forecast", "--csv", file("air.csv", air.toString()).toString(), "--column", "passengers", "--time-column", "month",
                "--season", "12", "--horizon", "12", "--epochs", "2", "--seeds", "1", "--quiet");
        assertEquals(0, res.code(), res.err());
        assertTrue(res.out().contains("1 missing time stamp (step 1 month) inserted as gaps")
                && res.out().contains("144 points from 1949-01 to 1960-12, 1 gap filled"), res.out());
    }

    @Test
    void aWideHeaderIsCheckedForDuplicatesInLinearTime() throws IOException {
        int C = 300_000;
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < C; c++) sb.append(c == 0 ? "" : ",").append('c').append(c);
        Path p = file("wide.csv", sb + "\n" + "1,".repeat(C - 1) + "1\n");
        long t0 = System.nanoTime();
        assertEquals(C, Csv.read(p).header.size());
        assertTrue((System.nanoTime() - t0) / 1e9 < 20, "300,000 columns read in seconds, not minutes");
        String m = assertThrows(IllegalArgumentException.class, () -> Csv.read(p).column("nope", "--column")).getMessage();
        assertTrue(m.length() < 1000 && m.contains("(300000 columns)"), m.length() + " characters");
    }

    @Test
    void manyClassesAreSummarisedNotPrintedWhole() {
        int K = 20_000, N = 40_000;
        List<String> names = new java.util.ArrayList<>();
        for (int k = 0; k < K; k++) names.add("class" + k);
        int[] truth = new int[N], pred = new int[N];
        for (int i = 0; i < N; i++) {
            truth[i] = i % K;
            pred[i] = i < 100 ? 1 : i % K;
        }
        String s = org.gru4j.cli.ClassifyCommandAccess.confusions(truth, pred, names);
        assertTrue(s.length() < 2000 && s.contains("20000 classes") && s.contains("true 'class0' predicted 'class1'"), s);
    }
}
