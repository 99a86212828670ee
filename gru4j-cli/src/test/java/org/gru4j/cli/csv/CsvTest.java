package org.gru4j.cli.csv;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.gru4j.cli.RunCommandTest.gru4j;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared CSV reader: quoting, missing values, and one-line errors naming file, line and column. */
class CsvTest {
    @TempDir
    Path tmp;

    Path file(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void quotedFieldsMissingValuesAndLines() throws IOException {
        Path p = file("q.csv", "\uFEFF\"name, full\",\"x\"\n\"a, b\",\"1.5\"\n\nc,NA\n\"multi\nline\",  \n\"d\"\"q\",nan\ne,-2e3");
        Csv c = Csv.read(p);
        assertEquals(java.util.List.of("name, full", "x"), c.header);
        assertEquals(5, c.rows());
        assertArrayEquals(new String[]{"a, b", "c", "multi\nline", "d\"q", "e"}, c.strings("name, full", "--column"));
        double[] x = c.numbers("x", "--column");
        assertEquals(1.5, x[0]);
        assertTrue(Double.isNaN(x[1]) && Double.isNaN(x[2]) && Double.isNaN(x[3]));
        assertEquals(-2000, x[4]);
        assertEquals(2, c.line(0));
        assertEquals(4, c.line(1));          // after a blank line
        assertEquals(6, c.line(2));          // a quoted field over lines 5-6
        assertEquals(7, c.line(3));
        assertEquals(8, c.line(4));          // no newline at the end
    }

    @Test
    void nonNumericCellNamesLineAndColumn() throws IOException {
        Path p = file("bad.csv", "t,v\n1,2\n2,3\n3,abc\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Csv.read(p).numbers("v", "--column"));
        assertEquals(p + " line 4, column 'v': 'abc' is not a number", e.getMessage());
    }

    @Test
    void missingColumnNamesItAndTheHeader() throws IOException {
        Path p = file("h.csv", "month,passengers\n1949-01,112\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Csv.read(p).numbers("Passengers", "--column"));
        assertEquals(p + ": no column 'Passengers' (--column); the header has: month, passengers", e.getMessage());
    }

    @Test
    void emptyHeaderOnlyAndRaggedFiles() throws IOException {
        Path empty = file("empty.csv", "");
        assertEquals(empty + ": empty file (a header row is needed)", assertThrows(IllegalArgumentException.class, () -> Csv.read(empty)).getMessage());
        Path header = file("header.csv", "a,b\n");
        assertEquals(header + ": no data rows after the header", assertThrows(IllegalArgumentException.class, () -> Csv.read(header)).getMessage());
        Path ragged = file("ragged.csv", "a,b\n1,2\n3\n");
        assertEquals(ragged + " line 3: 1 fields, the header has 2", assertThrows(IllegalArgumentException.class, () -> Csv.read(ragged)).getMessage());
        Path quote = file("quote.csv", "a,b\n1,\"2\n");
        assertEquals(quote + " line 2: EOF reached before encapsulated token finished",
                assertThrows(IllegalArgumentException.class, () -> Csv.read(quote)).getMessage());
        Path twice = file("twice.csv", "a,b,a\n1,2,3\n");
        assertEquals(twice + ": column 'a' appears twice in the header", assertThrows(IllegalArgumentException.class, () -> Csv.read(twice)).getMessage());
    }

    /** Through the commands: exit 1 and one line on stderr naming the problem. */
    @Test
    void commandsReportCsvErrorsInOneLine() throws IOException {
        Path p = file("s.csv", "t,v\n1,2\n2,x\n");
        var r = gru4j("forecast", "--csv", p.toString(), "--column", "v", "--horizon", "2");
        assertEquals(1, r.code());
        assertEquals("forecast: error: " + p + " line 3, column 'v': 'x' is not a number", r.err().strip());
        r = gru4j("anomaly", "--csv", p.toString(), "--columns", "v,w");
        assertEquals(1, r.code());
        assertEquals("anomaly: error: " + p + ": no column 'w' (--columns); the header has: t, v", r.err().strip());
        r = gru4j("classify", "--csv", tmp.resolve("none.csv").toString(), "--label-column", "v", "--steps", "1");
        assertEquals(1, r.code());
        assertEquals("classify: error: " + tmp.resolve("none.csv") + ": no such file", r.err().strip());
        Path t = file("time.csv", "t,v\n2020-01,1\n2020-02,2\nMarch,3\n");
        r = gru4j("forecast", "--csv", t.toString(), "--column", "v", "--time-column", "t", "--horizon", "1");
        assertEquals(1, r.code());
        assertEquals("forecast: error: " + t + " line 4, column 't': 'March' is not a month like the first row's", r.err().strip());
    }
}
